"""Django settings for portal-patrol.

Data (SQLite database, snapshots, reports) lives under the data folder: ``--data`` on the
CLI, else ``$PATROL_DATA``, else ``./var``. ``DATABASE_URL`` switches the store to PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PATROL_DATA", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
PATROL_CONFIG = os.environ.get("PATROL_CONFIG", str(BASE_DIR / "config" / "patrol.yaml"))


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None or value == "" else value.strip().lower() in ("1", "true", "yes", "on")


def _list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _secret_key() -> str:
    """``PATROL_SECRET_KEY``, else a random key generated once into ``<data>/secret_key`` (0600).

    Every process on the same data folder (``patrol web``, the CLI) then signs with the same
    key; with ``DATABASE_URL`` and several hosts, set PATROL_SECRET_KEY on the web host.
    """
    if os.environ.get("PATROL_SECRET_KEY"):
        return os.environ["PATROL_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        import secrets

        key = secrets.token_urlsafe(60)
        tmp = path.with_name(f".secret_key.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
        try:
            os.link(tmp, path)  # first writer wins when two processes start at once
        except FileExistsError:
            key = path.read_text(encoding="ascii").strip()
        finally:
            tmp.unlink()
    return key


SECRET_KEY = _secret_key()
DEBUG = _flag("PATROL_DEBUG")
ALLOWED_HOSTS = _list("PATROL_ALLOWED_HOSTS", "127.0.0.1,localhost")
# Origins a reverse proxy serves the app under (https://patrol.example.gov.cn); never "*"
CSRF_TRUSTED_ORIGINS = [o for o in _list("PATROL_CSRF_TRUSTED_ORIGINS") if "*" not in o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "crawler",
    "screening",
    "scheduler",
    "reports",
    "inspection",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",  # every view needs a login unless marked
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "web.middleware.PrivatePagesMiddleware",  # no-store on every logged-in page, Permissions-Policy
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failures for one account from one address lock that account at that address for an
# hour (a wrong password elsewhere does not lock the real user out). Unlock early:
# ``patrol django axes_reset_username NAME`` or the admin's 访问尝试 list.
AXES_FAILURE_LIMIT = int(os.environ.get("PATROL_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("PATROL_LOCKOUT_HOURS", "1"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "web.lockout.lockout_response"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "web.validators.ChineseMinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "web.wsgi.application"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # a process frozen or hung inside a transaction (a worker's store flush holds its unit's
        # row) must not hold its locks for ever: PostgreSQL ends such a session after two leases
        # (no transaction of the patrol idles that long; the unit is then reaped as usual)
        _idle_ms = int(max(4.0, 2 * float(os.environ.get("PATROL_LEASE_SECONDS", "60"))) * 1000)
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c idle_in_transaction_session_timeout={_idle_ms}"
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "patrol.sqlite3"),
            "OPTIONS": {
                "timeout": 60,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = str(DATA_DIR / "static")
# WhiteNoise serves the apps' static files straight from the finders: no collectstatic step
# (STATIC_ROOT stays the collectstatic target; it exists so WhiteNoise need not warn)
WHITENOISE_USE_FINDERS = True
Path(STATIC_ROOT).mkdir(exist_ok=True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(float(os.environ.get("PATROL_SESSION_HOURS", "8")) * 3600)
CSRF_COOKIE_SAMESITE = "Lax"
# The browser sends the page's origin with same-origin requests (the CSRF origin check needs
# it) and nothing to other sites: crawled links never learn the app's addresses.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), fullscreen=(self)"
)

# Production behind HTTPS (README: 正式部署): PATROL_HTTPS=1 turns on secure cookies, the
# HTTP->HTTPS redirect and a one-year HSTS; each can be set on its own.
_HTTPS = _flag("PATROL_HTTPS")
SESSION_COOKIE_SECURE = _flag("PATROL_SESSION_COOKIE_SECURE", _HTTPS)
CSRF_COOKIE_SECURE = _flag("PATROL_CSRF_COOKIE_SECURE", _HTTPS)
SECURE_SSL_REDIRECT = _flag("PATROL_SSL_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("PATROL_HSTS_SECONDS", "31536000" if _HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("PATROL_HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = _flag("PATROL_HSTS_PRELOAD", _HTTPS)
if _flag("PATROL_BEHIND_PROXY"):
    # the proxy terminates TLS and says so; it must overwrite any client-sent header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False
    # lockout per client address, not per proxy (web.lockout.client_ip)
    PATROL_TRUST_X_FORWARDED_FOR = True
AXES_CLIENT_IP_CALLABLE = "web.lockout.client_ip"

EMAIL_BACKEND = os.environ.get("PATROL_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("PATROL_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PATROL_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("PATROL_EMAIL_FROM", "patrol@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": os.environ.get("PATROL_LOG_LEVEL", "WARNING")}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PATROL_LOG_LEVEL", "WARNING")},
}
