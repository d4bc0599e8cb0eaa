"""Django settings for Rapport, read from the environment with safe defaults.

Every setting a deployment may change is an environment variable listed in
`.env.example`; nothing else needs editing to move from the embedded default
(SQLite database and SQLite queue in the data directory) to PostgreSQL or
MariaDB and Redis.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("RAPPORT_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _rates(text: str) -> dict[str, float]:
    """RAPPORT_EXCHANGE_RATES, "USD=7.1,EUR=7.7": a readable error if malformed."""
    rates = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        code, _sep, rate = item.partition("=")
        try:
            value = float(rate)
        except ValueError:
            value = 0.0
        if len(code.strip()) != 3 or not value > 0:
            raise ImproperlyConfigured(
                f"RAPPORT_EXCHANGE_RATES: {item!r} is not CODE=positive rate "
                '(for example "USD=7.1,EUR=7.7").'
            )
        rates[code.strip().upper()] = value
    return rates


def _secret_key() -> str:
    """Use SECRET_KEY, or a key generated once and kept in the data directory."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("RAPPORT_DEBUG")
TESTING = _env_bool("RAPPORT_TESTING")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("RAPPORT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
PORT = int(os.environ.get("RAPPORT_PORT", "8000"))
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("RAPPORT_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "rapport.core",
    "rapport.accounts",
    "rapport.crm",
    "rapport.projects",
    "rapport.comms",
    "rapport.intelligence",
    "rapport.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rapport.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------

DATABASE_URL = os.environ.get(
    "DATABASE_URL", f"sqlite:///{DATA_DIR / 'rapport.sqlite3'}"
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
_engine = DATABASES["default"]["ENGINE"]
if _engine.endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while pages read; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock between two writers.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests run a real worker in threads beside the test: a database file (WAL,
    # busy timeout) behaves as in production, where an in-memory shared-cache
    # database fails at once with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
elif _engine.endswith("mysql"):
    import pymysql

    pymysql.version_info = (
        2,
        2,
        1,
        "final",
        0,
    )  # Django checks the mysqlclient version
    pymysql.install_as_MySQLdb()
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
    )
    DATABASES["default"]["TEST"] = {
        "CHARSET": "utf8mb4",
        "COLLATION": "utf8mb4_unicode_ci",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# MariaDB has no partial unique indexes; the services validate those constraints.
SILENCED_SYSTEM_CHECKS = ["models.W036"]

# --- Queue ----------------------------------------------------------------------

QUEUE_URL = os.environ.get("QUEUE_URL", f"sqlite:///{DATA_DIR / 'queue.sqlite3'}")
_queue = urlparse(QUEUE_URL)
HUEY: dict = {
    "name": "rapport",
    "immediate": _env_bool("RAPPORT_QUEUE_IMMEDIATE"),
    "results": False,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if _queue.scheme in {"redis", "rediss"}:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": QUEUE_URL})
elif _queue.scheme == "sqlite":
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": _queue.path})
else:
    raise RuntimeError(
        f"QUEUE_URL must be sqlite:///path or redis://host, not {QUEUE_URL!r}"
    )

# --- Authentication and sessions ---------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 at full cost makes a large test suite slow; production keeps it.
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_FAILURES_BEFORE_DELAY = 3
LOGIN_FAILURES_BEFORE_LOCK = 8
LOGIN_LOCK_SECONDS = 15 * 60

# Cookies are marked Secure whenever Rapport is served over HTTPS (behind a proxy
# that terminates TLS); the embedded demo on http://127.0.0.1 cannot use them.
SESSION_COOKIE_SECURE = _env_bool("RAPPORT_HTTPS")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Languages --------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("RAPPORT_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Money in one currency for models that add amounts up (lifetime value): the base
# currency and fixed rates, "CODE=units of base per 1 CODE", comma-separated.
# Rates are fixed by configuration, not fetched (docs/limitations.md).
BASE_CURRENCY = os.environ.get("RAPPORT_BASE_CURRENCY", "CNY").strip().upper()
EXCHANGE_RATES = _rates(
    os.environ.get("RAPPORT_EXCHANGE_RATES", "USD=7.1,EUR=7.7,HKD=0.91")
)

# --- Static files -----------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS: list = [PACKAGE_DIR / "static"]
# plotly ships its own plotly.min.js; serve it as /static/plotly/plotly.min.js
# instead of a CDN (found without importing plotly, which is slow to load).
_plotly_spec = importlib.util.find_spec("plotly")
if _plotly_spec and _plotly_spec.submodule_search_locations:
    _plotly_data = (
        Path(next(iter(_plotly_spec.submodule_search_locations))) / "package_data"
    )
    if (_plotly_data / "plotly.min.js").exists():
        STATICFILES_DIRS.append(("plotly", _plotly_data))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- E-mail -----------------------------------------------------------------------

EMAIL_HOST = os.environ.get("RAPPORT_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("RAPPORT_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("RAPPORT_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("RAPPORT_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("RAPPORT_SMTP_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("RAPPORT_MAIL_FROM", "rapport@localhost")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# --- Logging ----------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "rapport.core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if DEBUG else "json",
        }
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("RAPPORT_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "huey": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}

# --- Rapport ----------------------------------------------------------------------

API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200
IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
