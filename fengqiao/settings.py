"""Django settings for Fengqiao, read once from the environment.

Safe by default: DEBUG is off unless set, and with DEBUG off Fengqiao refuses to start without a
real SECRET_KEY and ALLOWED_HOSTS. The database is SQLite (WAL) unless DATABASE_URL names another.
See docs/deployment.md for every variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fengqiao.lib.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FENGQIAO_VAR_DIR", str(BASE_DIR / "var")))

try:
    DEBUG = env_bool("DEBUG", default=False)
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    SQLITE_TIMEOUT = env_int("SQLITE_TIMEOUT", 20, minimum=1)
    DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fengqiao.sqlite3'}")
    MAP_TILE_URL = env_str("MAP_TILE_URL")
    MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")
    # Fernet keys for personal data at rest, newest first (see core.fields); derived from
    # SECRET_KEY when unset, which ties the data to that key: set them in production.
    FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
    # Extra local holidays and make-up working days (YYYY-MM-DD, comma-separated).
    LOCAL_HOLIDAYS = env_list("LOCAL_HOLIDAYS")
    LOCAL_WORKDAYS = env_list("LOCAL_WORKDAYS")
    # A year the installed holiday data does not cover yet: "weekdays" counts Monday to Friday
    # (plus LOCAL_*), "error" refuses to compute deadlines in it.
    CALENDAR_UNCOVERED_YEARS = env_str("CALENDAR_UNCOVERED_YEARS", "weekdays")
    # Deadline sweep: "due soon" this many wall-clock hours before a deadline; cases overdue
    # by more than this many wall-clock hours are escalated to the tier above automatically.
    DUE_SOON_HOURS = env_int("DUE_SOON_HOURS", 24, minimum=1)
    ESCALATE_OVERDUE_AFTER_HOURS = env_int("ESCALATE_OVERDUE_AFTER_HOURS", 48, minimum=0)
    SMS_PROVIDER = env_str("SMS_PROVIDER", "fengqiao.notifications.sms.LoggingSmsProvider")
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "fengqiao@localhost")
    # REST API rate limits ("<count>/<s|min|h|day>"), per token or user and per client address;
    # counted in the database (core.ratelimit), so every web worker shares them.
    API_THROTTLE_USER = env_str("API_THROTTLE_USER", "120/min")
    API_THROTTLE_ANON = env_str("API_THROTTLE_ANON", "30/min")
    # The category-suggestion model (docs/textintel.md): read by the intake page, written by
    # the worker's weekly retrain (and `fengqiao textintel retrain`).
    TEXTINTEL_MODEL = Path(
        env_str("TEXTINTEL_MODEL", str(VAR_DIR / "textintel" / "category-model.bin"))
    )
except ConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
if CALENDAR_UNCOVERED_YEARS not in ("weekdays", "error"):
    raise ImproperlyConfigured("CALENDAR_UNCOVERED_YEARS must be 'weekdays' or 'error'")

_INSECURE_KEYS = {"", "changeme", "secret", "insecure"}
if DEBUG:
    # Development only: a fixed key is acceptable because nothing real is signed with it.
    SECRET_KEY = SECRET_KEY or "django-insecure-development-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    if SECRET_KEY.lower() in _INSECURE_KEYS or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 32 characters when DEBUG is "
            "off (generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the host names Fengqiao serves (comma-separated) when DEBUG "
            "is off."
        )


def _database(url: str) -> dict[str, Any]:
    """Parse DATABASE_URL; SQLite gets WAL, a busy timeout and IMMEDIATE transactions.

    IMMEDIATE makes a writer wait for the lock up to the timeout instead of failing with
    "database is locked" when it upgrades a read transaction, which matters once the web server
    and the worker write at the same time.
    """
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a sqlite:/// or postgres:// URL; got {url.split(':', 1)[0]!r}"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": SQLITE_TIMEOUT,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA temp_store=MEMORY;PRAGMA cache_size=-20000;"
            ),
        }
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    else:
        config["CONN_HEALTH_CHECKS"] = True
    config["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
    return config


DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "fengqiao.core",
    "fengqiao.regions",
    "fengqiao.accounts",
    "fengqiao.notifications",
    "fengqiao.cases",
    "fengqiao.fieldwork",
    "fengqiao.hazards",
    "fengqiao.portal",
    "fengqiao.demo",
    "fengqiao.api",
    "fengqiao.open311",
    "fengqiao.mediation",
    "fengqiao.textintel",
    "fengqiao.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fengqiao.core.middleware.ReferenceDataMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fengqiao.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fengqiao.urls"
WSGI_APPLICATION = "fengqiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fengqiao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# Short dates in lists ("3月5日" / "March 5") follow the chosen language (fengqiao/formats/).
FORMAT_MODULE_PATH = ["fengqiao.formats"]
LOCALE_PATHS = [BASE_DIR / "fengqiao" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# The REST API (docs/api.md): token or session authentication, JSON only, errors in one format.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fengqiao.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "fengqiao.api.throttling.UserThrottle",
        "fengqiao.api.throttling.AddressThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": API_THROTTLE_USER, "anon": API_THROTTLE_ANON},
    "EXCEPTION_HANDLER": "fengqiao.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "枫桥 Fengqiao API",
    "DESCRIPTION": "Cases (事件), their lifecycle actions and reference data. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "fengqiao.cases.choices.CaseKind",
        "UnitKindEnum": "fengqiao.accounts.models.UnitKind",
        "StatusEnum": "fengqiao.cases.choices.Status",
        "TierEnum": "fengqiao.accounts.models.Tier",
        "RiskLevelEnum": "fengqiao.mediation.choices.RiskLevel",
        "AlertLevelEnum": "fengqiao.alerts.models.Level",
        "AlertStatusEnum": "fengqiao.alerts.models.AlertStatus",
        "RegionLevelEnum": "fengqiao.regions.models.Level",
        "DeadlineStateEnum": "fengqiao.cases.choices.DeadlineState",
        "HazardStatusEnum": "fengqiao.hazards.choices.HazardStatus",
        "HazardDeadlineStateEnum": "fengqiao.hazards.choices.DeadlineState",
        "HazardLevelEnum": "fengqiao.hazards.choices.HazardLevel",
        "ActionEnum": "fengqiao.cases.choices.Action",
        "InspectionTaskStatusEnum": "fengqiao.hazards.choices.TaskStatus",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS set SECURE_COOKIES=1 so session and CSRF cookies are never sent in clear.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # The task worker logs every idle poll at INFO; only its warnings are worth a line.
    "loggers": {"django_tasks_db": {"level": "WARNING"}},
}
