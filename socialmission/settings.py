"""Settings, read from the environment so one module serves development, tests and production.

Every setting an operator may need is read from an environment variable of the same name
(README.md, "Settings", lists them with their defaults and when to set them). Lists are
comma-separated; booleans are "true"/"1"/"yes"/"on".
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_admins(name: str) -> list[tuple[str, str]]:
    """ "Ada Lovelace <ada@example.org>, ops@example.org" -> [(name, address), …]."""
    admins = []
    for entry in env_list(name):
        if "<" in entry and entry.endswith(">"):
            who, address = entry[:-1].split("<", 1)
            admins.append((who.strip() or address.strip(), address.strip()))
        else:
            admins.append((entry, entry))
    return admins


DATA_DIR = Path(os.environ.get("DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A form refused for its missing or stale CSRF token gets the site's 403 page, in plain words.
CSRF_FAILURE_VIEW = "socialmission.core.views.csrf_failure"
ADMINS = env_admins("ADMINS")
MANAGERS = ADMINS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "corsheaders",
    "ninja",  # its templates and vendored Swagger UI serve /api/v1/docs without a CDN
    "simple_history",
    "axes",
    "socialmission.core",
    "socialmission.accounts",
    "socialmission.library",
    "socialmission.contributions",
    "socialmission.interop",
    "socialmission.guides",
    "socialmission.alerts",
    "socialmission.assessment",
    "socialmission.linkhealth",
]
# Tests only: an app declaring one more facet, to show that a facet declared in one place
# reaches every consumer (tests/facet_app; tests/test_declared_facet.py sets the variable).
if os.environ.get("TEST_FACET_APP") == "1":
    INSTALLED_APPS.append("tests.facet_app")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A NUL byte in an admin page's path or query string is a 400 before the admin's query
    # (PostgreSQL refuses NUL; the admin's searches and filters were 500s there).
    "socialmission.core.middleware.AdminRefusesNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A visitor without a session cookie is anonymous without reading the session, so public
    # pages neither touch the session nor answer "Vary: Cookie".
    "socialmission.core.middleware.AnonymousWithoutSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the settings' policy built once (core/middleware.py).
    "socialmission.core.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "socialmission.library.middleware.IndexUnavailableMiddleware",
    # Late, so that it sees the outcome of authentication (django-axes' sign-in throttle).
    "axes.middleware.AxesMiddleware",
    # Last: a POST (any unsafe method) runs its view in one transaction; reads run without one.
    "socialmission.core.middleware.WriteRequestAtomicMiddleware",
]

ROOT_URLCONF = "socialmission.urls"
WSGI_APPLICATION = "socialmission.wsgi.application"

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
                "socialmission.core.context_processors.site",
                "socialmission.accounts.context_processors.roles",
            ],
        },
    },
    {
        # The search page's content and the sections on it (core/jinja.py): the most rendered
        # markup, compiled to Python once. Only templates ending in .jinja live here.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "socialmission.core.jinja.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'library.sqlite3'}"),
        # Persistent connections, for SQLite too: opening one (and running its PRAGMAs) on
        # every request was a sixth of a search page's CPU time. A connection that broke is
        # noticed before a request uses it (health checks) and replaced.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Parallel test runs (several checkouts on one PostgreSQL server) need distinct test databases.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# No ATOMIC_REQUESTS: on SQLite every transaction is BEGIN IMMEDIATE (the write lock), so a
# transaction per request made read-only pages queue behind each other across workers.
# Requests that may write (POST, …) run in one transaction through
# core.middleware.WriteRequestAtomicMiddleware, so a resource and its outbox row commit together.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets searches read while a curator or an import writes; a busy timeout instead of
    # "database is locked" when two workers write at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
# Without a "next", a sign-in lands here; curators land on the curator queue
# (socialmission.accounts.views.SignInView).
LOGIN_REDIRECT_URL = "library:home"
# Password reset requests (each may send mail) per client address per window.
PASSWORD_RESET_RATE_LIMIT = env_int("PASSWORD_RESET_RATE_LIMIT", 5)
PASSWORD_RESET_RATE_WINDOW = env_int("PASSWORD_RESET_RATE_WINDOW", 3600)
# Messages live in a signed cookie, not the session: reading them does not touch the session.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# Sign-in throttle (django-axes), for the site's sign-in and the admin's: after
# AXES_FAILURE_LIMIT failures for one username, or from one address, further attempts answer
# 429 until the cool-off ends. Unknown usernames are counted like known ones, so the answer
# never tells whether an account exists. Administrators unlock with
# `socialmission axes_reset_username NAME` / `axes_reset_ip ADDRESS` (or delete the access
# attempt in the admin when the database handler is in use).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "socialmission.core.views.signin_locked_out"
AXES_CLIENT_IP_CALLABLE = "socialmission.core.clients.axes_client_address"
AXES_DISABLE_ACCESS_LOG = (
    True  # failures are kept; successful sign-ins are not logged with addresses
)
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# The one catalog of the site (`make messages LANG=es` writes locale/es/LC_MESSAGES/django.po):
# every app's Python and Django templates, and the Jinja2 templates.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Large uploads spool to a temporary file; a full disk there is a 400 saying so (core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "socialmission.core.uploads.DiskFullAwareUploadHandler",
]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"


def _email_settings() -> dict[str, object]:
    url = os.environ.get("EMAIL_URL")
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlparse(url)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme in {"smtp+tls", "submission"},
        "EMAIL_USE_SSL": parts.scheme == "smtps",
    }


globals().update(_email_settings())
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "library@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
SITE_NAME = os.environ.get("SITE_NAME", "Social Mission Resource Library")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Search alerts (socialmission/alerts): the From address of alert mail (a separate address
# for subscription mail helps deliverability; default DEFAULT_FROM_EMAIL), with SITE_NAME as
# its display name.
ALERTS_FROM_EMAIL = os.environ.get("ALERTS_FROM_EMAIL", "")

# Contributions and imports: limits an operator may tune.
# Two windows: a faculty member sending a reading list one item at a time never meets them.
CONTRIBUTIONS_RATE_LIMIT = env_int("CONTRIBUTIONS_RATE_LIMIT", 20)
CONTRIBUTIONS_RATE_WINDOW = env_int("CONTRIBUTIONS_RATE_WINDOW", 3600)
CONTRIBUTIONS_DAILY_LIMIT = env_int("CONTRIBUTIONS_DAILY_LIMIT", 100)
CONTRIBUTIONS_MIN_FILL_SECONDS = env_int("CONTRIBUTIONS_MIN_FILL_SECONDS", 3)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# How long the import page keeps a dry run's file (under DATA_DIR) for "Import now".
IMPORT_STAGING_SECONDS = env_int("IMPORT_STAGING_SECONDS", 3600)

# Exports (interop/exports.py, interop/dumps.py): a search export holds at most this many
# records (fewer in the slow citation styles); past that, the whole-library files, which are
# pre-built into EXPORT_DUMP_DIR and checked for changes every EXPORT_DUMP_CHECK_MINUTES.
# Search, guide and library downloads count EXPORTS_RATE_LIMIT per address per window.
EXPORT_SEARCH_MAX_RECORDS = env_int("EXPORT_SEARCH_MAX_RECORDS", 1000)
EXPORT_SEARCH_MAX_CITATIONS = env_int("EXPORT_SEARCH_MAX_CITATIONS", 200)
EXPORT_DUMP_DIR = Path(os.environ.get("EXPORT_DUMP_DIR", DATA_DIR / "exports")).resolve()
EXPORT_DUMP_CHECK_MINUTES = env_int("EXPORT_DUMP_CHECK_MINUTES", 10)
EXPORTS_RATE_LIMIT = env_int("EXPORTS_RATE_LIMIT", 30)
EXPORTS_RATE_WINDOW = env_int("EXPORTS_RATE_WINDOW", 600)

# A contributor's status link stops working this many days after the final decision
# (published, declined or merged): a link in an old mailbox or log shows nothing then.
CONTRIBUTION_STATUS_LINK_DAYS = env_int("CONTRIBUTION_STATUS_LINK_DAYS", 90)

# OAI-PMH: the repository identifier of oai: identifiers (default: the host of SITE_URL) and
# the addresses Identify names (default: ADMINS).
OAI_REPOSITORY_IDENTIFIER = os.environ.get("OAI_REPOSITORY_IDENTIFIER", "")
OAI_ADMIN_EMAILS = env_list("OAI_ADMIN_EMAILS")

# Behind a reverse proxy: how many proxies append to X-Forwarded-For (core/clients.py), and the
# header that says the original request was HTTPS, as "HTTP_X_FORWARDED_PROTO,https".
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if _proxy_ssl := env_list("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl[0], _proxy_ssl[1] if len(_proxy_ssl) > 1 else "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")

# TLS: all off by default (development on http://127.0.0.1); see README.md for production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE")
# The health check answers on plain HTTP from the proxy's side.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# The search index: derived from the database, rebuilt whenever it is missing or stale.
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", DATA_DIR / "index")).resolve()

CORS_URLS_REGEX = r"^/(api|oai)/.*$"
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_ALL_ORIGINS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles from this site only, no inline
# script and no eval (htmx runs with allowEval off; its handlers live in static/js/site.js).
# JSON-LD blocks are data, which browsers do not execute, so they need no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Every handler masks private links (status, alert and share links: core/logmasking.py), so
# "Not Found: /contribute/status/<token>/" and the development server's request lines never
# hold a working link. Django's own loggers keep their defaults otherwise: errors mail ADMINS
# (with DEBUG off), everything else reaches the console through the root logger.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_private_links": {"()": "socialmission.core.logmasking.MaskPrivateLinks"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_private_links"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_private_links"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "socialmission.core.adminmail.MaskingAdminEmailHandler",
            "filters": ["require_debug_false", "mask_private_links"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
AUTH_USER_MODEL = "accounts.User"

# Rate limits and the sign-in throttle count in the cache: with several workers, set CACHE_URL
# to a shared cache, e.g. redis://127.0.0.1:6379/0; else each process counts on its own.
# core/checks.py refuses to start when CACHE_URL is set but the cache cannot be used.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Background work (issue 11 §1; owner: core/tasks.py, core/mail.py, core/schedule.py) ------
# Django's tasks framework (django-tasks backport) with the database backend: the queue is a
# table here, so no broker; `socialmission worker` runs tasks, `socialmission scheduler` runs the
# periodic jobs. TASKS_BACKEND=immediate runs each task as it is enqueued (the tests do this).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "database")],
        "QUEUES": [],  # any queue name; the worker serves them all unless told otherwise
    }
}
# A mail server that hangs must not hold a worker for ever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Retries of a failing mail server: the wait doubles from the first delay up to the cap.
MAIL_RETRY_ATTEMPTS = int(os.environ.get("MAIL_RETRY_ATTEMPTS", "10"))
MAIL_RETRY_FIRST_DELAY_SECONDS = 60
MAIL_RETRY_MAX_DELAY_SECONDS = 6 * 3600

# Link health (socialmission.linkhealth): the periodic `check_links` job. A link is broken after
# two failed checks at least LINKHEALTH_BROKEN_AFTER apart; the same host gets at most one
# request every LINKHEALTH_HOST_INTERVAL seconds, redirect hops included.
LINKHEALTH_TIMEOUT = float(os.environ.get("LINKHEALTH_TIMEOUT", "10"))
LINKHEALTH_HOST_INTERVAL = float(os.environ.get("LINKHEALTH_HOST_INTERVAL", "3"))
LINKHEALTH_CONCURRENCY = int(os.environ.get("LINKHEALTH_CONCURRENCY", "4"))
LINKHEALTH_MAX_REDIRECTS = 10
LINKHEALTH_BATCH = int(os.environ.get("LINKHEALTH_BATCH", "1000"))
LINKHEALTH_CHUNK = 50
# A scheduled run claims no more links after this long (the scheduler runs jobs one by one).
LINKHEALTH_RUN_SECONDS = float(os.environ.get("LINKHEALTH_RUN_SECONDS", "900"))
LINKHEALTH_DOI_RESOLVER = os.environ.get("LINKHEALTH_DOI_RESOLVER", "https://doi.org/")
LINKHEALTH_BROKEN_AFTER = timedelta(days=1)
LINKHEALTH_RECHECK_EVERY = timedelta(days=int(os.environ.get("LINKHEALTH_RECHECK_DAYS", "7")))
LINKHEALTH_HISTORY_LENGTH = 10
LINKHEALTH_LEASE = timedelta(hours=6)

# Filling a suggestion from a DOI or PMID (socialmission.interop.lookup): the services asked,
# in a task, never in a request; each request's timeout; the contact address in the User-Agent
# (Crossref and NCBI ask for one); lookups a visitor may start per window.
LOOKUP_CROSSREF_URL = os.environ.get("LOOKUP_CROSSREF_URL", "https://api.crossref.org")
LOOKUP_DATACITE_URL = os.environ.get("LOOKUP_DATACITE_URL", "https://api.datacite.org")
LOOKUP_EUTILS_URL = os.environ.get(
    "LOOKUP_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
)
LOOKUP_TIMEOUT = float(os.environ.get("LOOKUP_TIMEOUT", "8"))
LOOKUP_CONTACT_EMAIL = os.environ.get("LOOKUP_CONTACT_EMAIL", "")
LOOKUP_RATE_LIMIT = env_int("LOOKUP_RATE_LIMIT", 30)
LOOKUP_RATE_WINDOW = env_int("LOOKUP_RATE_WINDOW", 3600)

# The sign-in throttle counts in the shared cache when there is one, else in the database (one
# count across all workers either way; a per-process memory cache would let each worker count alone).
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if os.environ.get("CACHE_URL")
    else "axes.handlers.database.AxesDatabaseHandler"
)
