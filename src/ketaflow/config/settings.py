"""Ketaflow settings: one file, read from the environment.

SQLite (WAL, IMMEDIATE transactions) in ./data by default; PostgreSQL with DATABASE_URL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ketaflow.config.env import database_from_url, env_bool, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = Path(env_str("KETAFLOW_HOME", str(SRC_DIR.parents[1])))
DATA_DIR = Path(env_str("KETAFLOW_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("KETAFLOW_DEBUG", False)
SECRET_KEY = env_str("KETAFLOW_SECRET_KEY") or "dev-only-insecure-key-change-me-" + "k" * 32
ALLOWED_HOSTS = env_list("KETAFLOW_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("KETAFLOW_CSRF_TRUSTED_ORIGINS", [])

# The audit chain is keyed with a secret that lives outside the database, so a person who can write
# the database cannot rewrite the chain and recompute it (reference/reliability-security.md §3.8).
AUDIT_HMAC_KEY = (
    env_str("KETAFLOW_AUDIT_KEY") or hashlib.sha256(("audit:" + SECRET_KEY).encode()).hexdigest()
)
# PostgreSQL: the role the application connects as. Migrations revoke UPDATE, DELETE and TRUNCATE on the
# audit log from it (and always from PUBLIC), on top of the append-only triggers (TRUNCATE skips row
# triggers). Serve as this role; migrate as the owner.
AUDIT_DB_APP_ROLE = env_str("KETAFLOW_DB_APP_ROLE", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "ninja",  # serves Swagger UI at /api/docs from its own static files (no CDN, CSP-clean)
    "ketaflow.clinic.accounts",
    "ketaflow.clinic.audit",
    "ketaflow.clinic.patients",
    "ketaflow.clinic.reliability",
    "ketaflow.clinic.assessments",
    "ketaflow.clinic.screening",
    "ketaflow.clinic.plans",
    "ketaflow.clinic.infusions",
    "ketaflow.clinic.scheduling",
    "ketaflow.clinic.outcomes",
    "ketaflow.clinic.diaries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ketaflow.clinic.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ketaflow.clinic.accounts.middleware.ApiTokenMiddleware",
    "ketaflow.clinic.accounts.middleware.IdleTimeoutMiddleware",
    "ketaflow.clinic.reliability.middleware.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ketaflow.clinic.accounts.middleware.AccessPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ketaflow.config.urls"
WSGI_APPLICATION = "ketaflow.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "clinic" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ketaflow.clinic.accounts.context.role",
            ],
        },
    }
]

if env_str("DATABASE_URL"):
    DATABASES = {"default": database_from_url(env_str("DATABASE_URL"))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ketaflow.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait instead of failing
                # with "database is locked" (measured: reliability-security.md §1.3).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": env_str("KETAFLOW_TEST_SQLITE", "") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle logoff (default 15 min) and an absolute lifetime; see accounts/middleware.py.
KETAFLOW_IDLE_TIMEOUT_S = env_int("KETAFLOW_IDLE_TIMEOUT_S", 15 * 60, minimum=30, maximum=24 * 3600)
KETAFLOW_SESSION_MAX_AGE_S = env_int("KETAFLOW_SESSION_MAX_AGE_S", 12 * 3600, minimum=60, maximum=7 * 24 * 3600)
SESSION_COOKIE_AGE = KETAFLOW_SESSION_MAX_AGE_S
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failed logins (django-axes 8).
AXES_FAILURE_LIMIT = env_int("KETAFLOW_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = 1  # hours
# By account only. Listing "ip_address" on its own locked the address too: behind a clinic's NAT or a reverse
# proxy every workstation shares one, so five typos by one person locked all staff out for an hour (QA).
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 wants the address in the parameters, against attackers who rotate user agents or cookies to dodge
# a lockout keyed on those; a lockout keyed on the account cannot be dodged that way.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "ketaflow.clinic.accounts.lockout.lockout_response"  # JSON 429 on the API

# Secure headers. HTTPS-only protections switch on together with one setting.
HTTPS = env_bool("KETAFLOW_HTTPS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS += ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("KETAFLOW_TIME_ZONE", "UTC")  # storage is always UTC; this is the display zone
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "clinic" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env_str("KETAFLOW_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("KETAFLOW_FROM_EMAIL", "clinic@ketaflow.invalid")
# SMTP (used when KETAFLOW_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); see README.
EMAIL_HOST = env_str("KETAFLOW_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KETAFLOW_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("KETAFLOW_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("KETAFLOW_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KETAFLOW_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("KETAFLOW_EMAIL_SSL", False)
EMAIL_TIMEOUT = env_int("KETAFLOW_EMAIL_TIMEOUT_S", 20, minimum=1, maximum=300)
# Where one-time diary links in reminder emails point (the address patients reach the portal at).
KETAFLOW_BASE_URL = env_str("KETAFLOW_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Clinic policy: reminders go out between these local hours only (cron may run `ketaflow tick` all night).
KETAFLOW_REMINDER_FIRST_HOUR = env_int("KETAFLOW_REMINDER_FIRST_HOUR", 8, minimum=0, maximum=23)
KETAFLOW_REMINDER_LAST_HOUR = env_int("KETAFLOW_REMINDER_LAST_HOUR", 20, minimum=0, maximum=23)

# Clinic policy defaults (labelled; each overridable by environment).
# Clinic policy: a JSON file {"version": "...", "thresholds": [{parameter, level, comparator, value, note}]}
# replacing the labelled default vitals alert thresholds (domain/charting/vitals.py); empty = the defaults.
KETAFLOW_VITALS_THRESHOLDS_FILE = env_str("KETAFLOW_VITALS_THRESHOLDS_FILE", "")
# Licensed CADSS wording: a JSON file {"cadss_1": "...", ...}; empty = the shipped neutral labels.
KETAFLOW_CADSS6_ITEM_TEXT_FILE = env_str("KETAFLOW_CADSS6_ITEM_TEXT_FILE", "")
# Clinic policy: a JSON file {"version": "...", <ScreeningPolicy fields>} replacing the labelled screening
# defaults (treatment resistance, age limits, PHQ-9 review, ...); empty = the defaults.
KETAFLOW_SCREENING_POLICY_FILE = env_str("KETAFLOW_SCREENING_POLICY_FILE", "")
KETAFLOW_WEIGHT_MAX_AGE_DAYS = env_int("KETAFLOW_WEIGHT_MAX_AGE_DAYS", 30, minimum=1, maximum=365)
KETAFLOW_PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}

# whitenoise warns when STATIC_ROOT is missing; static files are served from the app folders (finders).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
