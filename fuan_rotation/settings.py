"""Settings for 轮值活动管理, read from the environment and a `.env` file (see .env.example).

fuan_rotation/env.py reads `.env` (django-environ); real environment variables win over it.
"""

import datetime
import os

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fuan_rotation.env import BASE_DIR, env_bool, env_int, env_list, env_str

# python-docx (the written summary) brings lxml, and openpyxl then parses workbook parts with
# lxml instead of defusedxml; the roster import names an XML bomb only when defusedxml refuses
# it. openpyxl's own switch, read when it is first imported (after the settings), keeps it on
# defusedxml.
os.environ.setdefault("OPENPYXL_LXML", "False")

DEBUG = env_bool("DEBUG", default=False)

# Only a development run may fall back to a known key; production refuses to start with it.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: put it in .env (see .env.example), "
            "or run bash scripts/dev once for a development .env."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY is a development key or too short; set a random key of 50 characters."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_include_bootstrap",
    "simple_history",
    "django_filters",
    "axes",
    "csp",
    "members",
    "activities",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed, except a response that may echo the request (BREACH, see the class).
    "fuan_rotation.middleware.ReflectionFreeGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fuan_rotation.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A query string the database cannot take (NUL, numbers beyond its range) gets a 400.
    "fuan_rotation.middleware.QueryStringGuardMiddleware",
    # Issue 12: refuse oversized bodies before CSRF or a view reads them; no-store for logins.
    "fuan_rotation.middleware.RequestBodyLimitMiddleware",
    "fuan_rotation.middleware.PrivateCacheMiddleware",
    # Deny by default: every view needs a login unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A login whose password was set by staff (new or reset) reaches only the change page.
    "members.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Security hardening: the Content-Security-Policy header, a log line for every
    # refused request, and django-axes last so it sees the outcome of each login.
    "fuan_rotation.security.CSPMiddleware",
    "fuan_rotation.security.RefusalLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fuan_rotation.urls"

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

WSGI_APPLICATION = "fuan_rotation.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The office's database is small; WAL and a busy timeout let readers and one writer coexist.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "activities:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments (photos and scans of activities, activities/attachments/) are private: kept on
# local disk outside every URL-served folder and given out only by a view that checks the login
# (never MEDIA_URL). For S3-compatible storage, see the README's production section.
ATTACHMENTS_DIR = env_str("ATTACHMENTS_DIR", default="") or str(BASE_DIR / "var" / "attachments")
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": ATTACHMENTS_DIR,
            "base_url": "/no-public-url-for-attachments/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
}

SITE_NAME = _("Rotation activities · Fu'an FIC")
# The issuing body printed on every workbook's title and 制表单位 line (always Chinese: the
# workbooks are the office's documents whatever language the site is read in).
FEDERATION_NAME = env_str("FEDERATION_NAME", default="福安市工商联（总商会）")

# The cache holds the rate-limit counters (roster search, check-in, logins' helpers). A cache
# in files is shared by every gunicorn worker on the machine, so a limit means what it says;
# per-process memory would let three workers allow three times as much.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("CACHE_DIR", default="") or str(BASE_DIR / "var" / "cache"),
    }
}

# Used in links inside reminder emails, e.g. https://rotation.example.org
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000")
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", default=7)

# Group-chat robots (WeChat Work, DingTalk, Feishu; activities/schedule/webhooks.py). A robot's
# address must be https on the platform's own host, so that a login cannot make the server
# post into the office network (SSRF). A private deployment's gateway, or the test suite's
# local robot, is allowed by listing its host (or host:port) here; http is then accepted too.
CHAT_WEBHOOK_EXTRA_HOSTS = env_list("CHAT_WEBHOOK_EXTRA_HOSTS", default=[])
CHAT_WEBHOOK_CONNECT_TIMEOUT = 5  # seconds
CHAT_WEBHOOK_READ_TIMEOUT = 10
# A post that fails is tried again on the next send_reminders run, this many times in all.
CHAT_WEBHOOK_MAX_ATTEMPTS = env_int("CHAT_WEBHOOK_MAX_ATTEMPTS", default=5)

# ---------------------------------------------------------------------------------------------
# Security hardening. Each choice is explained in docs/operations.md.

# Logins: django-axes counts failures per (username, address) pair in the database, so every
# gunicorn worker sees them. Five failures lock that pair out for 15 minutes; the same user
# from another address is not affected, so nobody can lock a colleague out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# (The failure limits and lockout parameters are in the issue-12 block at the end.)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
# No start-up banner: it would land in every cron mail (the security log has the events).
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "fuan_rotation.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "fuan_rotation.security.client_ip_address"
# Behind a reverse proxy every request comes from the proxy's address: say how many proxies
# append to X-Forwarded-For, or lockouts would be shared by everyone (docs/operations.md).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)

# Sessions end after 12 hours (SESSION_COOKIE_AGE above), when the browser closes (office PCs
# are shared), at logout, when the login is deactivated and when its password changes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp 4): no inline script or style anywhere, the admin
# included; a script that must be inline carries request.csp_nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production (DEBUG off): https only. Behind a proxy that terminates TLS, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https so Django knows the request was https.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a header and a value, "
            "e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)

# Login, failure, lockout and refusal events go to this logger (fuan_rotation/security.py).
LOGGING["loggers"] = {
    "fuan_rotation.security": {"level": "INFO", "propagate": True},
    # urllib3 logs each request's path and query at DEBUG: a robot's key is in its address.
    "urllib3": {"level": "WARNING", "propagate": True},
}

# ---------------------------------------------------------------------------------------------
# Personal data and robustness (issue 12, items 1, 2 and 6). See docs/operations.md.

# The personal-data access log (数据访问记录, members.models.PersonalDataAccess) keeps entries
# this many days; `manage.py prune_access_log` (daily from cron) deletes older ones.
ACCESS_LOG_RETENTION_DAYS = int(env_str("ACCESS_LOG_RETENTION_DAYS", default="365") or 365)

# Roster searches per login: at most ROSTER_SEARCH_LIMIT in ROSTER_SEARCH_WINDOW seconds
# (fuan_rotation/ratelimit.py counts in the cache; 0 turns the limit off).
ROSTER_SEARCH_LIMIT = int(env_str("ROSTER_SEARCH_LIMIT", default="30") or 0)
ROSTER_SEARCH_WINDOW = 60
# The attendance search of the activity form, per login: it searches as one types, so its
# limit is higher than the roster's (0 turns it off).
ATTENDEE_SEARCH_LIMIT = int(env_str("ATTENDEE_SEARCH_LIMIT", default="120") or 0)
ATTENDEE_SEARCH_WINDOW = 60

# Request bodies: fuan_rotation/middleware.py refuses (413) a declared body larger than these
# before anything reads it; anonymous requests (the login form) get the small limit. The roster
# upload is 5 MiB at most (members/roster.py MAX_FILE_SIZE), plus the form around it.
REQUEST_BODY_LIMIT = 6 * 1024 * 1024
ANONYMOUS_REQUEST_BODY_LIMIT = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default: non-file form data in memory
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# An upload up to this size stays in memory; a larger photo (attachments, below) is spooled to a
# temporary file readable by the service's user only, removed when the request ends.
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_LIMIT
FILE_UPLOAD_PERMISSIONS = 0o600

# Attachments (activities/attachments/): each file at most ATTACHMENT_MAX_FILE_MB, each image at
# most ATTACHMENT_MAX_PIXELS (a decompression bomb is refused before it is decoded), at most
# ATTACHMENT_MAX_FILES in one upload. Only the upload's own URL, posted by a login that may edit
# the activity, gets the larger body limit (see the view's request_body_limit).
ATTACHMENT_MAX_FILE_SIZE = env_int("ATTACHMENT_MAX_FILE_MB", default=20) * 1024 * 1024
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", default=50_000_000)
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", default=10)
# One upload's whole body must hold the most files of the largest size, or a user sending what
# the form allows would get a 413: it is ATTACHMENT_MAX_FILES × ATTACHMENT_MAX_FILE_MB plus the
# form around them (multipart headers, caption, token): 10 × 20 MiB + 1 MiB = 201 MiB by
# default. ATTACHMENT_UPLOAD_MB, when set, caps the body instead, and then fewer files are taken
# at a time so that they still fit. nginx's client_max_body_size must allow it.
ATTACHMENT_FORM_OVERHEAD = 1024 * 1024
_attachment_upload_cap = env_int("ATTACHMENT_UPLOAD_MB", default=0) * 1024 * 1024
if _attachment_upload_cap:
    ATTACHMENT_MAX_FILES = min(
        ATTACHMENT_MAX_FILES,
        (_attachment_upload_cap - ATTACHMENT_FORM_OVERHEAD) // ATTACHMENT_MAX_FILE_SIZE,
    )
    if ATTACHMENT_MAX_FILES < 1:
        raise ImproperlyConfigured(
            "ATTACHMENT_UPLOAD_MB must hold one file of ATTACHMENT_MAX_FILE_MB plus 1 MB."
        )
ATTACHMENT_REQUEST_BODY_LIMIT = (
    ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_FILE_SIZE + ATTACHMENT_FORM_OVERHEAD
)

# Logins: besides five failures per (username, address), an address is locked out after
# AXES_ADDRESS_FAILURE_LIMIT failures over any usernames (fuan_rotation/security.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_USERNAME_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = int(env_str("AXES_ADDRESS_FAILURE_LIMIT", default="30") or 30)
AXES_FAILURE_LIMIT = "fuan_rotation.security.failure_limit"
# axes' own reset on success would clear every attempt of the address (its "ip_address"
# parameter), so one valid login could wipe the count for all names; security.py clears only
# the (username, address) pair that logged in.
AXES_RESET_ON_SUCCESS = False
