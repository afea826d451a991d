"""Django settings for liangping, all driven by environment variables (see env.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from liangping.env import (
    audit_key,
    env_bool,
    env_int,
    env_list,
    env_str,
    field_key,
    private_dir,
    private_file,
    secret_key,
)
from liangping.notices.queue import huey_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LIANGPING_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_str("LIANGPING_ENV", "development")
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ImproperlyConfigured("LIANGPING_ENV 只能是 development、production 或 test")
PRODUCTION = ENVIRONMENT == "production"

# Django's debug page (a stack trace and the settings) only on a developer's machine: the test run and
# production default to the 403/404/500 pages users see (templates/403.html, 404.html, 500.html).
DEBUG = env_bool("LIANGPING_DEBUG", ENVIRONMENT == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("生产环境不允许开启调试模式：请去掉 LIANGPING_DEBUG 或设为 0")
private_dir(VAR_DIR, tighten=True)
SECRET_KEY = secret_key(PRODUCTION, VAR_DIR)
# Encrypts two-factor keys in the database (liangping.accounts.sealing); kept outside the database.
FIELD_KEY = field_key(PRODUCTION, VAR_DIR)
ALLOWED_HOSTS = env_list("LIANGPING_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("LIANGPING_CSRF_TRUSTED_ORIGINS", [])

# Demo mode: the demo city prints its logins; production never is demo.
DEMO = env_bool("LIANGPING_DEMO", False) and not PRODUCTION

# Two-factor login is required of administrators and supervisors. Only the demo city (`liangping demo`
# sets LIANGPING_DEMO_RELAX_2FA) and the test run may relax that, and every page then says so in a
# banner; production refuses to start with it (and a system check refuses it too: liangping.accounts).
TWO_FACTOR_RELAXED = env_bool("LIANGPING_DEMO_RELAX_2FA", ENVIRONMENT == "test")
if PRODUCTION and TWO_FACTOR_RELAXED:
    raise ImproperlyConfigured("生产环境不允许放宽双因素登录：请去掉 LIANGPING_DEMO_RELAX_2FA")

INSTALLED_APPS = [
    # first, so its createsuperuser (refused: 三权分立) replaces Django's
    "liangping.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "liangping.core",
    "liangping.sheets",
    "liangping.cases",
    "liangping.casesheets",
    "liangping.projects",
    "liangping.tasks",
    "liangping.indicators",
    "liangping.emergency",
    "liangping.appeals",
    "liangping.events",
    "liangping.chains",
    "liangping.firms",
    "liangping.stability",
    "liangping.foodsafety",
    "liangping.services",
    "liangping.grading",
    "liangping.evaluation",
    "liangping.deputies",
    "liangping.screen",
    "liangping.disclosure",
    "liangping.province",
    "liangping.demo",
    "liangping.notices",
    "huey.contrib.djhuey",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "liangping.core.middleware.RequestSizeMiddleware",
    "liangping.accounts.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "liangping.accounts.headers.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "liangping.core.middleware.AuditContextMiddleware",
    "liangping.core.middleware.OutOfRangeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "liangping.accounts.middleware.SessionTimeoutMiddleware",
    "liangping.accounts.middleware.LoginGateMiddleware",
    "liangping.province.middleware.ProvinceReadOnlyMiddleware",
    "liangping.accounts.middleware.ApiRateLimitMiddleware",
    # last: turns a login refused for too many failures into the 账号已锁定 page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liangping.urls"
CSRF_FAILURE_VIEW = "liangping.core.errors.csrf_failure"
WSGI_APPLICATION = "liangping.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "liangping" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liangping.core.context.menu",
                "liangping.notices.context.unread",
                "liangping.accounts.context.security",
                "liangping.province.context.province",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("LIANGPING_CONN_MAX_AGE", 60))
    }
else:
    # the database, its -wal/-shm files and var/ are the service account's alone (0600 / 0700)
    SQLITE_PATH = Path(env_str("LIANGPING_SQLITE_PATH", str(VAR_DIR / "liangping.sqlite3")))
    private_dir(SQLITE_PATH.parent)
    if SQLITE_PATH.name != ":memory:":
        private_file(SQLITE_PATH)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "liangping.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# argon2id first; older hashes are upgraded when their owner next signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The lockout check (django-axes) runs first, then the ordinary password check.
AUTHENTICATION_BACKENDS = [
    "liangping.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout (django-axes): 5 failures lock the account name, and the pair (name, address), for 15
# minutes. An address alone is never locked (a shared NAT or a proxy would lock out everyone behind
# it): its failures slow it down instead (liangping.accounts.throttle).
AXES_FAILURE_LIMIT = env_int("LIANGPING_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LIANGPING_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
# A retry during a lockout is refused and audited but not counted: it does not extend the lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures from one address beyond the limit: each next attempt from it waits 1, 2, 4 … seconds after
# the last failure, at most this long (429 with Retry-After meanwhile).
LOGIN_ADDRESS_DELAY_MAX_SECONDS = env_int("LIANGPING_LOGIN_ADDRESS_DELAY_MAX_SECONDS", 60)
# A successful sign-in clears that account's failures only (liangping.accounts.views.LoginView): axes' own
# reset would also clear every failure from the same address, so one valid account could reset the
# address count while guessing others' passwords.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "liangping.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# The client address (lockouts, the audit log, the API rate limit): REMOTE_ADDR, or behind a reverse
# proxy the address it passes on in this header, counting PROXY_COUNT proxies from the right
# (liangping.core.clientaddr).
PROXY_CLIENT_IP_HEADER = env_str("LIANGPING_PROXY_CLIENT_IP_HEADER", "")
PROXY_COUNT = env_int("LIANGPING_PROXY_COUNT", 1)
AXES_CLIENT_IP_CALLABLE = "liangping.accounts.policy.client_ip"

# Sessions end after 30 idle minutes and at the latest 12 hours after sign-in (liangping.accounts).
SESSION_IDLE_SECONDS = env_int("LIANGPING_SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = env_int("LIANGPING_SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

OTP_TOTP_ISSUER = env_str("LIANGPING_OTP_ISSUER", "亮屏督查")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# The JSON API: requests per minute for one token, one signed-in user or one address (429 beyond),
# counted in the shared cache so that every worker process and host shares one limit.
API_RATE_PER_MINUTE = env_int("LIANGPING_API_RATE_PER_MINUTE", 100000 if ENVIRONMENT == "test" else 300)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "liangping" / "locale"]
TIME_ZONE = env_str("LIANGPING_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "liangping" / "static"]
STATIC_ROOT = Path(env_str("LIANGPING_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Static files under hashed names, compressed (gzip and brotli) by collectstatic and served by whitenoise
# with far-future caching (`liangping serve` and `liangping demo` run collectstatic first). While
# developing (DEBUG) the storage gives plain names and whitenoise reads the source folders. The test run
# keeps the plain storage: it has no collectstatic (tests/web/test_static.py covers the hashed storage).
STATIC_MANIFEST = env_bool("LIANGPING_STATIC_MANIFEST", ENVIRONMENT != "test")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST
MEDIA_ROOT = Path(env_str("LIANGPING_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# uploads (photos, evidence, import files) are the service account's alone
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("LIANGPING_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: pages carry the token (hx-headers, data-csrf-token)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS in production: redirect plain HTTP and send HSTS (Django sends it on HTTPS responses only).
# Behind a TLS-terminating proxy set LIANGPING_PROXY_SSL_HEADER=1 so X-Forwarded-Proto: https counts.
SECURE_SSL_REDIRECT = env_bool("LIANGPING_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("LIANGPING_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LIANGPING_HSTS_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("LIANGPING_HSTS_PRELOAD", PRODUCTION)
if env_bool("LIANGPING_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (liangping.accounts.headers): scripts, styles and everything else from this
# site only; no inline scripts, no inline style attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LIANGPING_MAX_UPLOAD_MB = env_int("LIANGPING_MAX_UPLOAD_MB", 20)
# Confirmed imports write in transactions of this many rows, pausing (SQLite) up to this long between
# them so that other writers get the lock (sheets/journal.py).
LIANGPING_IMPORT_CHUNK = env_int("LIANGPING_IMPORT_CHUNK", 1000)
LIANGPING_IMPORT_PAUSE_MS = env_int("LIANGPING_IMPORT_PAUSE_MS", 100)
LIANGPING_MAX_PHOTO_MB = env_int("LIANGPING_MAX_PHOTO_MB", 10)
# Uploads (入侵防范): a request larger than the upload limit (plus 1 MB of form fields) is refused from
# its Content-Length before a byte is read (core.middleware.RequestSizeMiddleware, 413); files are
# spooled to temporary files beyond 256 KB instead of memory; the fields other than files hold at most
# 2 MB (JSON bodies included); at most 20 files per request; photos at most this many megapixels,
# read from the header before decoding (core.images).
LIANGPING_MAX_REQUEST_BYTES = (LIANGPING_MAX_UPLOAD_MB + 1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
LIANGPING_MAX_PHOTO_MEGAPIXELS = env_int("LIANGPING_MAX_PHOTO_MEGAPIXELS", 60)
# .xlsx uploads: most bytes the zip may unpack to, highest ratio of one member (zip-bomb guard).
LIANGPING_XLSX_MAX_UNPACKED_MB = env_int("LIANGPING_XLSX_MAX_UNPACKED_MB", 200)
LIANGPING_XLSX_MAX_RATIO = env_int("LIANGPING_XLSX_MAX_RATIO", 100)

# Audit log (等保2.0 安全审计): digest of the hash chain (a hashlib name such as sha256 or sm3, or a
# dotted path to a callable bytes -> hex), keyed as an HMAC with LIANGPING_AUDIT_KEY (outside the
# database: env.audit_key), and retention in days (never below 180).
LIANGPING_AUDIT_HASH = env_str("LIANGPING_AUDIT_HASH", "sha256")
LIANGPING_AUDIT_KEY = audit_key(PRODUCTION, VAR_DIR)
LIANGPING_AUDIT_RETENTION_DAYS = env_int("LIANGPING_AUDIT_RETENTION_DAYS", 180)

EMAIL_BACKEND = env_str(
    "LIANGPING_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("LIANGPING_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LIANGPING_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("LIANGPING_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("LIANGPING_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LIANGPING_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("LIANGPING_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("LIANGPING_EMAIL_TIMEOUT", 30)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "LIANGPING_EMAIL_USE_TLS 与 LIANGPING_EMAIL_USE_SSL 只能开启一个：587 端口用 TLS，465 端口用 SSL"
    )
DEFAULT_FROM_EMAIL = env_str("LIANGPING_DEFAULT_FROM_EMAIL", "liangping@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of the site as users reach it, for the links in e-mails ("https://liangping.example.gov.cn").
LIANGPING_SITE_URL = env_str("LIANGPING_SITE_URL", "")
# 防汛叫应 SMS and voice calls go through a gateway the city contracts: an HTTP webhook (see
# docs/emergency-gateway.md). Empty: those channels are off (in-app and e-mail still go out).
LIANGPING_SMS_WEBHOOK = env_str("LIANGPING_SMS_WEBHOOK", "")
LIANGPING_VOICE_WEBHOOK = env_str("LIANGPING_VOICE_WEBHOOK", "")
LIANGPING_WEBHOOK_SECRET = env_str("LIANGPING_WEBHOOK_SECRET", "")

# Caches: "default" (per process, or Redis) for what can be recomputed; "shared" for what every
# process must agree on (the API rate limit): Redis when REDIS_URL is set, else a table in the database
# (liangping_cache, created by a migration of liangping.accounts).
REDIS_URL = env_str("REDIS_URL", "")
CACHE_TABLE = "liangping_cache"
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shared",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 100000},
        },
    }

# The job queue (reminders, escalations, digests): huey on var/huey.sqlite3, or Redis when REDIS_URL is set.
HUEY = huey_settings(ENVIRONMENT, VAR_DIR, REDIS_URL, env_int("LIANGPING_WORKERS", 2))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LIANGPING_LOG_LEVEL", "WARNING")},
}
