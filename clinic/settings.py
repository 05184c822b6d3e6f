"""Settings for the foot-pain acupuncture clinic, read from the environment.

Production is the default: a deployment that sets nothing but SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL runs with DEBUG off, HTTPS-only cookies and
HSTS. Development (`make run`) opts in to DEBUG explicitly.
"""

import importlib.util
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # Local development only (DEBUG on): a fixed key, so sessions survive the autoreloader.
        SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105
    elif os.environ.get("CLINIC_MANAGEMENT_COMMAND") == "1" and sys.argv[1:2] not in (["runserver"], ["check"]):
        # One-off commands (migrate, makemigrations, send_reminders…) sign nothing that outlives them,
        # so they may run with a throwaway key. Serving the app, or checking it, never does.
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY in the environment (DEBUG is off).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "simple_history",
    # Content-Security-Policy header (settings below); listed so its system checks run.
    "csp",
    # Two-factor sign-in: authenticator apps (TOTP) and single-use backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "clinic",
    "patients",
    "treatments",
    # Write audit by PostgreSQL triggers, and the read (access) log: see audit/.
    "pgtrigger",
    "pghistory",
    "audit",
]
if DEBUG and importlib.util.find_spec("demo") is not None:
    # Demo data with published logins: development only. The production image leaves demo/ out entirely.
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that may answer early (sign-in and two-factor redirects), so every response
    # gets them; after WhiteNoise, so static files keep their long-lived caching.
    "csp.middleware.CSPMiddleware",
    # Pages with patient data must not outlive sign-out in a shared tablet's back/forward cache.
    "clinic.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a signed-in user unless marked otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Marks the session verified once a second factor is given (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware and messages (and inside CSP and no-store, so their redirects carry both headers):
    # ends idle sessions, then holds a session at the code step until verified.
    "clinic.middleware_auth.IdleTimeoutMiddleware",
    "clinic.middleware_auth.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the clinical audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Tags every database write of the request with who, which page and from where (audit triggers),
    # then logs each view of a chart, record, report or export (audit.AccessEvent).
    "audit.middleware.WriteContextMiddleware",
    "audit.middleware.AccessLogMiddleware",
    # Last, so it sees the outcome of authentication (login throttling).
    "axes.middleware.AxesMiddleware",
]

# `make bench` serves benchmarks.urls: the app plus a bare reference view to measure pages against.
ROOT_URLCONF = os.environ.get("ROOT_URLCONF", "clinic.urls")
WSGI_APPLICATION = "clinic.wsgi.application"
ASGI_APPLICATION = "clinic.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.navigation",
                "clinic.middleware_auth.idle_timeout",
            ],
        },
    },
]


# PostgreSQL only. `make run`/`make test` export DATABASE_URL after finding or
# starting a server (scripts/database-url); the default is the local server.
# Persistent connections (CONN_MAX_AGE seconds), checked before reuse so a restarted server costs no error.
def database(url: str) -> dict:
    return dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True)


DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic")
DATABASES = {"default": database(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Reports (the outcomes pages, their CSVs) may read from a PostgreSQL read replica: REPORTS_DATABASE_URL.
# Without one the alias still exists, as a second name for the primary that nothing routes to. In tests it
# mirrors the test database, as a replica mirrors its primary.
REPORTS_ON_REPLICA = bool(os.environ.get("REPORTS_DATABASE_URL"))
DATABASES["reports"] = {
    **database(os.environ.get("REPORTS_DATABASE_URL") or DATABASE_URL),
    "TEST": {"MIRROR": "default"},
}
DATABASE_ROUTERS = ["clinic.db_routers.ReportsRouter"]
# A report statement running longer than this is cancelled and the page says so, rather than holding a
# worker (and a database core) the front desk needs.
REPORT_STATEMENT_TIMEOUT_MS = int(os.environ.get("REPORT_STATEMENT_TIMEOUT_MS", "5000"))
# How many reports run at once across every app server (each takes at most one core), and how long one
# queues for a turn before the page says the reports are busy.
REPORTS_AT_ONCE = max(1, int(os.environ.get("REPORTS_AT_ONCE", "1")))
REPORT_QUEUE_TIMEOUT_MS = int(os.environ.get("REPORT_QUEUE_TIMEOUT_MS", "10000"))
if any(db["ENGINE"] != "django.db.backends.postgresql" for db in DATABASES.values()):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")

# Audit triggers (audit/models.py) are installed by every `migrate`, not written into migration files,
# so tracking a model of patients/ or treatments/ never adds a migration to those apps.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
# A page read writes no tracked row, so only requests that change something carry the write context;
# tagging reads too would cost every page a query.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.User"

AUTHENTICATION_BACKENDS = [
    # Throttles repeated failed logins before the normal backend checks the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Axes keeps a failed attempt's POST data: the password-change form's fields must be masked too.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session left alone this long ends on the server; the page warns a minute before.
IDLE_TIMEOUT_MINUTES = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "15"))
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Stride foot clinic"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# `manage.py backup` writes pg_dump archives here; keep it off the web root and out of git.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Foot Clinic <clinic@localhost>")

# HTTPS hardening is on whenever DEBUG is off. HTTPS_ONLY=0 is for a deployment
# that sits behind a proxy terminating TLS elsewhere, or for the test suite.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Strict CSP: scripts and styles only from our own static files, never inline (see
# tests/clinic/test_security_headers.py, which scans every template). htmx's own indicator
# styles are switched off in base.html and shipped in clinic/csp.css instead.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one clinic day
CSRF_COOKIE_HTTPONLY = True

# Logs carry request paths (opaque ids only) and errors, never form data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # pgtrigger says "Installing trigger ..." once per audit trigger on every migrate: only its warnings matter.
    "loggers": {"axes": {"level": "WARNING"}, "pgtrigger": {"level": "WARNING"}},
}
