"""Settings for the test suite: the production settings with a throwaway key and fast hashing.

The key is set in the environment before the real settings module reads it, so the tests exercise
the same start-up checks as production rather than a bent copy of them.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "0123456789abcdef" * 3)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATABASE_URL", "sqlite:///var/test.sqlite3")
# Never the developer's demo model: tests that want one train it into a temporary folder.
os.environ.setdefault("TEXTINTEL_MODEL", "var/test-textintel/absent-model.bin")

from fengqiao.settings import *  # noqa: F403

# Hashing a password takes ~0.3 s with PBKDF2; the tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests: the manifest storage would refuse unknown files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# WhiteNoise warns on every request when STATIC_ROOT is missing; tests never collect static.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
