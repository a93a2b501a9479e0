"""Settings for the load benchmark only: the product's, plus a trivial view and a quiet log.

Selected by benchmarks/api_load.py with DJANGO_SETTINGS_MODULE=benchmarks.api_load_settings; the
product's settings and URLs are not changed.
"""

import os

from accountability.settings import *  # noqa: F403
from accountability.settings import CACHES, REST_FRAMEWORK

ROOT_URLCONF = "benchmarks.api_load_urls"

# Throttling on (BENCH_THROTTLE=1) measures the product's throttles: the client then sends
# each request from a random address (X-Forwarded-For, trusted through TRUSTED_PROXY_COUNT),
# as real traffic would. Off, every request comes from one address and is not throttled.
if os.environ.get("BENCH_THROTTLE") == "1":
    TRUSTED_PROXY_COUNT = 1
else:
    REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}

# Each run's keys apart from anything else in a shared Redis.
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": os.environ.get("BENCH_CACHE_PREFIX", "")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
