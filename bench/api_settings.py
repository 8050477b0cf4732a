"""Settings of the API benchmark's server (bench/api.py): the production settings unchanged,
except for the URL map, which adds the bench-only ceiling view (``bench/api_ceiling.py``).

gunicorn imports it as ``api_settings`` with ``--pythonpath bench``; it never serves the product.
"""

from fengqiao.settings import *  # noqa: F403

ROOT_URLCONF = "api_ceiling"
