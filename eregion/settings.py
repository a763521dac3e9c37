"""Settings for e-Region, read from the environment with embedded defaults.

With ``DEBUG=1`` and nothing else (what ``make run`` sets) the portal runs on an embedded SQLite
database under ``var/``, runs Celery tasks in-process and caches in local memory, so it needs no
services. ``DEBUG`` is off unless set; then ``SECRET_KEY`` is required.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless set: a deployment that forgets a variable must not run in debug mode. `make run`
# and bin/test set DEBUG=1 for themselves.
DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
else:
    SECRET_KEY = env("SECRET_KEY")  # required when DEBUG is off
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    "eregion",
    "directory",
    "ngofamily",
    "trainings",
    "publications",
]

MIDDLEWARE = [
    # First: anonymous GETs answered from the page cache with the headers the rest of the stack
    # gave them when they were rendered, and kept from there (eregion/pagecache.py).
    "eregion.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the address alone (eregion/locale.py): LocaleMiddleware's choice
    # for these URLs, without parsing Accept-Language or "Vary: Accept-Language".
    "eregion.locale.PathLocaleMiddleware",
    "eregion.middleware.reject_nul_bytes",  # 400 for NUL bytes, before any view or the ORM
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eregion.csp.CachedCSPMiddleware",  # django-csp's, the policy built once
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eregion.urls"
WSGI_APPLICATION = "eregion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eregion.context_processors.site",
            ],
        },
    },
]

# Database: embedded SQLite by default, PostgreSQL (psycopg 3) from DATABASE_URL.
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'eregion.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A new connection costs ~2 ms against ~0.4 ms per query: keep them (DESIGN.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://eregion")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's backend with one Redis client per pool, not one per call (eregion/cache.py).
    CACHES["default"]["BACKEND"] = "eregion.cache.RedisCache"
    # A Redis that does not answer fails a page's cache lookup in a second, not a worker's
    # timeout; the page is then rendered without the cache (eregion/pagecache.py).
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
# Anonymous pages are kept (in the cache above, and by browsers and proxies) this many seconds
# at most; a change of the data they show replaces them at once. 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Each process also keeps the pages it served last, up to this many bytes, checked against the
# data version in the cache on every hit (eregion/pagecache.py).
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=16 * 1024 * 1024)

AUTH_USER_MODEL = "eregion.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login lockout (django-axes): five failures lock the username+IP pair for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Internationalisation: Bulgarian unprefixed, English under /en/.
LANGUAGE_CODE = "bg"
LANGUAGES = [("bg", "Български"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Bulgarian date input as people type it (01.12.2026); see eregion/formats/bg/formats.py.
FORMAT_MODULE_PATH = ["eregion.formats"]
TIME_ZONE = "Europe/Sofia"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# `make backup` writes timestamped folders here (eregion/backup.py).
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# Request bodies: the reverse proxy (deploy/nginx/) refuses more than 3 MB (30 MB for staff
# pages); here, form fields are held in memory up to 2.5 MB and files spooled to disk past
# 2.5 MB (Django's defaults, stated), and a form carries at most 20 files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 20
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    # The same backend, telling the outbox when the message goes to the server (mail_backend.py).
    EMAIL_BACKEND = "eregion.mail_backend.EmailBackend"
# The operator of the portal (the data controller), shown on /about/ and the privacy notice.
OPERATOR = {
    "name": env("OPERATOR_NAME", default="Регионално сдружение на общините „Марица“"),
    "address": env("OPERATOR_ADDRESS", default="гр. Пловдив"),
    "email": env("OPERATOR_EMAIL", default="info@eregion.example"),
    "phone": env("OPERATOR_PHONE", default=""),
    "privacy_email": env("PRIVACY_EMAIL", default="privacy@eregion.example"),
}
# Staff notified of new submissions: this group's members, or all active staff if it is empty;
# past the limit in an hour, the rest wait for the hourly digest.
STAFF_NOTIFICATION_GROUP = env("STAFF_NOTIFICATION_GROUP", default="Модератори")
STAFF_NOTIFICATION_LIMIT = env.int("STAFF_NOTIFICATION_LIMIT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="e-Region <noreply@eregion.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no broker configured, tasks run in-process (make run needs no Redis).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# Redis redelivers an unacknowledged task after the visibility timeout: a few minutes longer
# than the longest task, not the default hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Only the renders go to the pdf queue: the sweepers and relays must not wait behind a render.
CELERY_TASK_ROUTES = {
    "publications.tasks.render_build": {"queue": "pdf"},
    "trainings.tasks.render_certificate": {"queue": "pdf"},
}
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "eregion.tasks.relay_outbox", "schedule": 60.0},
    "relay-certificates": {"task": "trainings.tasks.relay_certificates", "schedule": 300.0},
    "staff-digest": {"task": "eregion.tasks.send_staff_digest", "schedule": 3600.0},
}

# --- Publications (PDF builds) ---
# The portal's public address, printed as QR codes and links in the PDFs (in production, by
# default, https:// and the first allowed host).
_first_host = next((h.lstrip(".") for h in ALLOWED_HOSTS if h.strip(".*")), "localhost")
PUBLIC_BASE_URL = env(
    "PUBLIC_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else f"https://{_first_host}"
)
# A running build whose worker gave no sign of life for this long is failed and retried.
PUBLICATIONS_HEARTBEAT_SECONDS = 15
PUBLICATIONS_STUCK_SECONDS = env.int("PUBLICATIONS_STUCK_SECONDS", default=120)
CELERY_BEAT_SCHEDULE["publications-recover-stuck"] = {
    "task": "publications.tasks.recover_stuck_builds",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["publications-nightly-rebuild"] = {
    "task": "publications.tasks.rebuild_changed_publications",
    "schedule": crontab(hour=3, minute=30),
}
# --- end of publications ---

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "e-Region open data API",
    "DESCRIPTION": "Read-only open data of the South Central planning region of Bulgaria.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Content Security Policy (django-csp 4): no inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": [
            "'self'",
            "data:",
            *env.list("CSP_IMG_SRC", default=["https://*.tile.openstreetmap.org"]),
        ],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# The six provinces of the South Central planning region as the project defined it.
REGION_PROVINCES = env.list("REGION_PROVINCES", default=["PDV", "PAZ", "SML", "KRZ", "HKV", "SZR"])
DATA_DIR = Path(env("DATA_DIR", default=str(BASE_DIR / "data")))
MAP_TILE_URL = env("MAP_TILE_URL", default="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="&copy; OpenStreetMap contributors")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Each line names the real client (eregion/client_ip.py), not the proxy.
    "filters": {"client_ip": {"()": "eregion.client_ip.ClientIpLogFilter"}},
    "formatters": {"client": {"format": "%(levelname)s %(name)s [%(client_ip)s] %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_ip"],
            "formatter": "client",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# The newsletter goes out in batches of this many copies, one batch per interval (seconds).
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=100)
NEWSLETTER_BATCH_INTERVAL = env.float("NEWSLETTER_BATCH_INTERVAL", default=60.0)
CELERY_BEAT_SCHEDULE["newsletter-resume"] = {
    "task": "publications.tasks.resume_newsletters",
    "schedule": 120.0,
}

# --- Security: client address, lockout, rate limits (issue 20) ---
# X-Forwarded-For is believed only from these proxies (addresses or networks, e.g. the nginx
# container's network "172.16.0.0/12"); empty: REMOTE_ADDR is the client (eregion/client_ip.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Lockout by the real client and the email as the backend matches it (any case, trimmed).
AXES_CLIENT_IP_CALLABLE = "eregion.client_ip.axes_client_ip"
AXES_USERNAME_CALLABLE = "eregion.client_ip.axes_username"
# Atomic counters in the cache (eregion/throttle.py): (hits, seconds) per client address and,
# for the forms that send email, per address written in the form.
RATE_LIMITS = {
    "login-ip": (30, 600),
    "signup-ip": (10, 3600),
    "signup-email": (3, 3600),
    "password-reset-ip": (10, 3600),
    "password-reset-email": (3, 3600),
    "verify-resend-user": (3, 3600),
    "verify-resend-ip": (10, 3600),
    "enrol-ip": (30, 3600),
    "enrol-user": (20, 3600),
    "newsletter-ip": (10, 3600),
}
# Markdown renders at save within this many seconds, else the text is kept as plain paragraphs.
MARKDOWN_TIME_BUDGET = env.float("MARKDOWN_TIME_BUDGET", default=2.0)
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "eregion.api.exception_handler"
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "eregion.api.Pagination"
REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"] = ["eregion.api.FilterBackend"]
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "eregion.api.document_errors",
]
# /healthz: results kept per process this many seconds; the worker's heartbeat (beat → worker
# every minute) older than this is "degraded".
HEALTHZ_CACHE_SECONDS = env.float("HEALTHZ_CACHE_SECONDS", default=2.0)
WORKER_HEARTBEAT_STALE_SECONDS = env.int("WORKER_HEARTBEAT_STALE_SECONDS", default=180)
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {
    "task": "eregion.tasks.worker_heartbeat",
    "schedule": 60.0,
}
# --- end of security ---
