"""Settings for the accountability service: one module, read from the environment.

Every variable is listed in `.env.example`. Two shapes, chosen by `DJANGO_ENV`:

- `development` (the default, when nothing is set): DEBUG on, SQLite, a throwaway
  secret key, plain HTTP. Every command of the README works in a fresh shell.
- `production` (asked for, never guessed; the image sets it): DEBUG off, a secret
  key required, HTTPS hardening, hashed static files. It refuses to start without
  `DJANGO_SECRET_KEY`.

An empty variable counts as unset, so `.env.example` can be copied as it is.
"""

import datetime
import os
import sys
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# numpy's BLAS (the figures' intervals) in one thread: a request is served by one worker
# process per core already, and BLAS threads fighting them made a cold page's resampling
# 4-10x slower on a busy machine. Set before numpy is first imported (it is imported late).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# `DATABASE_URL=` in a copied .env.example means "the default", not "a URL with no scheme".
_OURS = ("DJANGO_", "DATABASE_", "CACHE_", "API_")
for _name in [n for n, v in os.environ.items() if v == "" and n.startswith(_OURS)]:
    del os.environ[_name]

# pytest imports itself before Django reads settings; tests must not need secrets.
TESTING = "pytest" in sys.modules

ENVIRONMENTS = ("development", "production")
ENVIRONMENT = env.str("DJANGO_ENV", default="development")
if ENVIRONMENT not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"DJANGO_ENV is {ENVIRONMENT!r}; it must be one of {', '.join(ENVIRONMENTS)}."
    )
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG=true is for development; unset it in production.")

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs DJANGO_SECRET_KEY (for example "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "accountability.apps.AccountabilityAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "django_tasks",  # the backport of Django 6's Tasks: long imports (exchange/imports/jobs.py)
    "django_tasks_db",  # its database backend and `manage.py db_worker`
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (accountability/csp.py).
    "csp.middleware.CSPMiddleware",
    "accountability.csp.InlineStylesForToolsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: answers a locked-out login (accountability/logins.py).
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out username and address before a password is
# checked (accountability/logins.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "accountability.urls"
# Under /api/ a CSRF failure is a problem details answer; elsewhere Django's page.
CSRF_FAILURE_VIEW = "accountability.views.csrf_failure"
WSGI_APPLICATION = "accountability.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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
# Django's form renderer, with inputs, text areas, radio buttons and selects drawn in
# Python in their templates' markup: the panel's screens draw hundreds a page.
FORM_RENDERER = "accountability.form_renderer.FormRenderer"

# SQLite when DATABASE_URL is unset: the quick start needs no server.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # select_for_update() is a no-op on SQLite; IMMEDIATE makes writers queue instead.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles the scoring annotations (querysets.with_scores) of every
        # list for half a second, to run a query that takes one millisecond without it.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Tests make users by the dozen; a real hasher would spend seconds on them.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Kyrgyz first: the study, the first round's source, is in Kyrgyz.
LANGUAGE_CODE = "ky"
LANGUAGES = [("ky", _("Kyrgyz")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "ky"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ky", "ru", "en")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Hashed names need `collectstatic` first; the image runs it, development need not.
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"

# History: a change reason is free text, not the library's default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Reverting writes the row directly; restores go through services.restore_rating instead.
SIMPLE_HISTORY_REVERT_DISABLED = True

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Uploaded files wait here (0700, files 0600) between preview and confirmation, at most an
# hour; by default a folder of this user's own in the temporary folder.
IMPORT_PREVIEW_DIR = env.str("IMPORT_PREVIEW_DIR", default="")

# Imports are written by a task, not by the request that confirms them. `database` (production):
# the task waits in the database until a worker (`manage.py db_worker`, the compose `worker`)
# runs it. `immediate` (development, the quick start): the confirming request runs it itself,
# so `./dev.sh serve` needs no second process (docs/import-export.md).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env.str("DJANGO_TASKS_BACKEND", default="database" if PRODUCTION else "immediate")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND is {TASKS_BACKEND!r}; it must be one of {', '.join(_TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# The API (assessments/api/). Throttle rates are per client per period; in production the
# counters live in the shared cache (CACHE_URL), or each worker would count on its own.
# How many reverse proxies stand in front of the service and append to
# X-Forwarded-For; 0 (the default) ignores the header (accountability/proxies.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "assessments.api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "assessments.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "assessments.api.negotiation.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": [
        # `ordering` is each FilterSet's own (assessments/api/filters.py): one parameter,
        # with the names the schema lists.
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "assessments.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "assessments.api.throttling.AnonRateThrottle",
        "assessments.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "login": env.str("API_THROTTLE_LOGIN", default="10/minute"),
    },
    "EXCEPTION_HANDLER": "assessments.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Failed logins (admin and API): counted per username and client address, that pair
# locked after LOGIN_FAILURE_LIMIT failures for LOGIN_COOLOFF_MINUTES (accountability/logins.py).
LOGIN_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=10)
LOGIN_COOLOFF_MINUTES = env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=30)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accountability.logins.client_ip"  # proxies.client_address
AXES_LOCKOUT_CALLABLE = "accountability.logins.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Logs name the username and address of each failure, not the user agent.
AXES_VERBOSE = False
# No admin pages of their own: staff unlock with `manage.py axes_reset_username`.
AXES_ENABLE_ADMIN = False
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "old_password"]

# At most this many API tokens per user; a new login removes the oldest beyond it.
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Accountability assessments API",
    "DESCRIPTION": (
        "Expert panels' ratings of how accountable the authorities are to the people, "
        "round after round, with the figures computed from them. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH bodies are described by their own serializers, which require what the
    # server requires (a reason, always), instead of a copy with nothing required.
    "COMPONENT_SPLIT_PATCH": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RoundStatusEnum": "assessments.models.Round.Status",
        "ThreadStatusEnum": "assessments.models.Thread.Status",
    },
}

# Production hardening: on in production (the test run's client speaks plain HTTP).
_secure = PRODUCTION and not TESTING
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=_secure)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=_secure)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=_secure)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=_secure)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No page may be framed, except the public site's embed pages (web/chart_views.py).
X_FRAME_OPTIONS = "DENY"
# Everything from this site only; inline scripts only with the request's nonce. The admin
# and the API docs may also use inline styles (accountability/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# The public site: its address as others should link to it (embed codes, Open Graph tags and
# the credit line drawn into chart images), e.g. https://accountability.example.kg. Unset: the
# address a request came to. The licence under which the published data and charts may be
# reused, drawn into every chart image and stated in the data packages.
SITE_URL = env.str("DJANGO_SITE_URL", default="").rstrip("/")
DATA_LICENCE = env.str("DATA_LICENCE", default="CC BY 4.0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
