"""Settings for the campaign site, read from the environment (variables prefixed DJANGO_).

Local use needs no configuration: an SQLite database under var/ and a per-process secret key.
With DJANGO_ENV=production the site refuses to start without a secret key and allowed hosts.

A .env file beside manage.py (`make run` writes one with a local secret key) is a local
convenience: it is read only when the real environment does not say DJANGO_ENV=production, so a
server configured through its environment is never configured by a file that happens to lie
there. Variables already in the environment win over the file. A .env that itself says
DJANGO_ENV=production is an explicit choice, and configures production.
"""

import datetime
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from campaign_site.release import release

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.str("DJANGO_ENV", default="local") != "production":
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Environment --------------------------------------------------------------
# Read again: the .env file may say production itself.
ENVIRONMENT = env.str("DJANGO_ENV", default="local")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (50 characters or more) when DJANGO_ENV=production."
        )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS when DJANGO_ENV=production.")
else:
    # A random key per process is safe locally; sessions simply end when the server restarts.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or secrets.token_urlsafe(50)
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# --- Applications -------------------------------------------------------------
INSTALLED_APPS = [
    # Welsh beside English in the content models; before the admin, as it requires.
    "modeltranslation",
    # Django's admin, its "view on site" shortcut limited to what a user may see (core/sites.py).
    "core.sites.CampaignAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "import_export",
    "simple_history",
    # Background work (press emails): Django's tasks API, its queue kept in the database.
    "django_tasks",
    "django_tasks_db",
    # Staff sign-in: two factors (TOTP apps, recovery codes) and lockouts after failed
    # attempts (core/two_factor.py). Before core, whose roles grant managers their admin pages.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Pictures at the widths pages show them, made once on save (core/renditions.py).
    "imagekit",
    # Dependencies run one way: core <- regions <- campaigns.
    "core",
    "regions",
    "campaigns",
    "press",
]

# A version's reason ("Published without review: …", "Withdrawn: …") is kept whole.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

MIDDLEWARE = [
    # Outermost, so that every response carries it: static files and error pages too.
    "campaign_site.middleware.permissions_policy",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the page cache (campaigns/page_cache.py), before sessions and the rest:
    # a cached page is stored with the headers added inside it, and a hit touches none of them.
    "campaigns.page_cache.PageCacheMiddleware",
    # Pictures written by a request whose transaction rolled back (a full disk) are removed.
    "core.disk_full.DiscardUnsavedPictures",
    # Django's, letting a response through when the disk is too full to save the session.
    "core.disk_full.SessionMiddleware",
    # Before URLs are resolved: /cy/ addresses resolve only while Welsh is active.
    "campaign_site.languages.LanguageFromAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETags on every response, and 304 Not Modified when a browser or CDN already has the page.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Versions record who made each change in the admin.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "campaign_site.urls"
CSRF_FAILURE_VIEW = "campaign_site.views.csrf_failure"
WSGI_APPLICATION = "campaign_site.wsgi.application"

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
                "campaign_site.context_processors.site",
                "campaign_site.context_processors.languages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if not DATABASES["default"].get("ENGINE"):
    # An empty or garbled DATABASE_URL (say, a tool's message captured with it) would otherwise
    # fail later with a bare KeyError far from the cause.
    raise ImproperlyConfigured(
        "DATABASE_URL is not a database address Django knows, such as "
        "postgres://user:password@host:5432/name or sqlite:////path/to/db.sqlite3: "
        f"{env.str('DATABASE_URL', default='')!r}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing at once, and take it when their transaction
    # starts, so two imports at the same time wait for each other rather than deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    )
# Connections kept open between requests, for DJANGO_CONN_MAX_AGE seconds (0: a new one for
# every request, which costs a PostgreSQL server a new process each time), and checked before
# a request reuses one, so a database restarted between requests fails none of them. A
# conn_max_age in DATABASE_URL wins.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = reverse_lazy("admin:login")
# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Staff sign-in security ---------------------------------------------------
# The admin's address, so that it need not be the /admin/ every scanner tries: e.g. "staff-x7/".
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured("DJANGO_ADMIN_URL may not be empty: the admin needs an address.")
# Sessions are staff sessions (visitors get none): they end after STAFF_IDLE_MINUTES without a
# request (each request starts the count again) and when the browser closes.
SESSION_COOKIE_AGE = env.int("DJANGO_STAFF_IDLE_MINUTES", default=120) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# After AXES_FAILURE_LIMIT wrong passwords in a row, the account and, separately, the address
# they came from are refused for the cool-off time, even with the right password; each further
# try during it starts the time again. A campaign manager can unlock sooner (docs/signing-in.md).
AXES_FAILURE_LIMIT = env.int("DJANGO_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("DJANGO_SIGNIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.two_factor_views.locked_out"
# No banner on every command and worker start; lockouts are still logged.
AXES_VERBOSE = False
# Behind a reverse proxy the visitor's address is in X-Forwarded-For: set how many proxies
# (each adding one address) stand in front, or every visitor shares the proxy's address.
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
# Two factors (django-otp): no secrets shown in the admin's lists of staff members' devices.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Internationalisation -----------------------------------------------------
# English at /, Welsh at /cy/: a page's language is that of its address, never the browser's
# Accept-Language (campaign_site/languages.py). Each language is named in itself.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content in both languages (campaigns/translation.py, regions/translation.py): a Welsh text not
# written yet reads as the English, marked as English on the page (campaigns/templatetags).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en-gb"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en-gb",)
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Locally the site serves uploads itself; in production a web server or object storage does.
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=not PRODUCTION)
STORAGES = {
    # Django's, removing a file a full disk cut short (core/disk_full.py).
    "default": {"BACKEND": "core.disk_full.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Several app servers share uploads on object storage (the S3 API: Amazon S3, or any service or
# server that speaks it) through django-storages. DJANGO_S3_BUCKET holds what visitors see
# (hero images, logos, portraits), read straight from the bucket or a CDN in front of it
# (DJANGO_S3_PUBLIC_URL): it must allow public reads. DJANGO_S3_IMPORTS_BUCKET holds partners'
# files waiting for their preview to be confirmed (regions/imports/storage.py): it must not.
# Without them uploads stay under MEDIA_ROOT and waiting imports in the database.
S3_BUCKET = env.str("DJANGO_S3_BUCKET", default="")
S3_IMPORTS_BUCKET = env.str("DJANGO_S3_IMPORTS_BUCKET", default="")
S3_CONNECTION = {
    # Empty: Amazon S3 itself. Credentials left empty come from boto3's own places
    # (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an instance role).
    "endpoint_url": env.str("DJANGO_S3_ENDPOINT_URL", default="") or None,
    "region_name": env.str("DJANGO_S3_REGION", default="") or None,
    "access_key": env.str("DJANGO_S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env.str("DJANGO_S3_SECRET_ACCESS_KEY", default="") or None,
}
if S3_BUCKET:
    s3_public = urlsplit(
        env.str("DJANGO_S3_PUBLIC_URL", default="")
        or (
            f"{S3_CONNECTION['endpoint_url'].rstrip('/')}/{S3_BUCKET}"
            if S3_CONNECTION["endpoint_url"]
            else f"https://{S3_BUCKET}.s3.amazonaws.com"
        )
    )
    if s3_public.scheme not in ("http", "https") or not s3_public.netloc:
        raise ImproperlyConfigured(
            "DJANGO_S3_PUBLIC_URL must be an address such as https://media.example.org: "
            f"{s3_public.geturl()!r}"
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **S3_CONNECTION,
            "bucket_name": S3_BUCKET,
            # Plain addresses under the public URL, the same for every visitor (cacheable),
            # and never a second file written over the first under one name.
            "custom_domain": s3_public.netloc + s3_public.path.rstrip("/"),
            "url_protocol": f"{s3_public.scheme}:",
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    MEDIA_URL = f"{s3_public.scheme}://{s3_public.netloc}{s3_public.path.rstrip('/')}/"
    SERVE_MEDIA = False
if S3_IMPORTS_BUCKET:
    STORAGES["pending_imports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **S3_CONNECTION,
            "bucket_name": S3_IMPORTS_BUCKET,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Largest image an editor may upload (hero images, logos), in bytes.
MAX_IMAGE_UPLOAD_BYTES = env.int("DJANGO_MAX_IMAGE_UPLOAD_BYTES", default=5 * 1024 * 1024)
# Largest picture accepted, in pixels (width times height): 12,000 x 12,000 is, and is stored at
# 4,000 x 4,000. Pillow's decompression bomb limit too (core/images.py).
MAX_IMAGE_PIXELS = env.int("DJANGO_MAX_IMAGE_PIXELS", default=150_000_000)

# --- Imports ------------------------------------------------------------------
# The largest file and the most rows one import accepts; abandoned uploads are removed after
# IMPORT_PENDING_HOURS. A workbook (.xlsx or .ods) may not unpack to more than
# IMPORT_MAX_XLSX_UNPACKED_BYTES.
IMPORT_MAX_FILE_BYTES = env.int("DJANGO_IMPORT_MAX_FILE_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("DJANGO_IMPORT_MAX_ROWS", default=200_000)
IMPORT_MAX_XLSX_UNPACKED_BYTES = env.int(
    "DJANGO_IMPORT_MAX_XLSX_UNPACKED_BYTES", default=200 * 1024 * 1024
)
IMPORT_PENDING_HOURS = env.int("DJANGO_IMPORT_PENDING_HOURS", default=24)
IMPORT_EXPORT_TMP_STORAGE_CLASS = "regions.imports.storage.DatabaseStorage"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# The library's own escaping only drops one leading "=" (and turns every cell into text);
# exports escape every formula prefix in the resource instead (regions.imports.cells).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# --- Security -----------------------------------------------------------------
# Visitors may be looking for help in confidence: never tell another site which page they came from.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Asks browsers' built-in HSTS lists to include the domain, once submitted at
    # hstspreload.org: a commitment to HTTPS on every subdomain for good. Turning it off is a
    # decision, so Django's reminder about it is silenced then.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def content_security_policy(media_url: str, admin_prefix: str) -> dict:
    """The browser loads nothing but this site's own stylesheet, script and pictures (and
    uploads from the media host, when MEDIA_URL is absolute): no inline scripts, frames, fonts or
    forms, so a page can never tell another site of a visit, whatever an editor pastes into a
    text. The one script (static/js/site.js) only adds to pages that read whole without it.
    connect-src 'self' lets tools such as Lighthouse fetch the site's own robots.txt; the
    script itself fetches nothing. Every response outside the admin (at admin_prefix, from
    DJANGO_ADMIN_URL), which runs its own scripts
    and forms, carries it, error pages included (with DEBUG on, which production refuses,
    django-csp leaves 404 and 500 responses without it, so that Django's debug pages keep their
    inline styles)."""
    media = urlsplit(media_url)
    images = [SELF, "data:"]
    if media.scheme and media.netloc:
        images.append(f"{media.scheme}://{media.netloc}")
    return {
        "EXCLUDE_URL_PREFIXES": [admin_prefix],
        "DIRECTIVES": {
            "default-src": [NONE],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": images,
            "connect-src": [SELF],
            "base-uri": [NONE],
            "form-action": [NONE],
            "frame-ancestors": [NONE],
        },
    }


# A settings module that changes MEDIA_URL builds the policy again from the new value.
CONTENT_SECURITY_POLICY = content_security_policy(MEDIA_URL, f"/{ADMIN_URL}")

# --- Site ---------------------------------------------------------------------
SITE_NAME = env.str("DJANGO_SITE_NAME", default="Campaigns")
# The same name on the Welsh pages.
SITE_NAME_CY = env.str("DJANGO_SITE_NAME_CY", default="Ymgyrchoedd")
# The name an authenticator app shows beside this site's sign-in codes.
OTP_TOTP_ISSUER = SITE_NAME
# The licence line every statistics download carries.
STATISTICS_LICENCE = env.str(
    "DJANGO_STATISTICS_LICENCE",
    default=(
        "Open Government Licence v3.0 "
        "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/): "
        "free to reuse with attribution to the sources named."
    ),
)
# Public URLs for models whose app does not own the public pages (regions never imports campaigns).
ABSOLUTE_URL_OVERRIDES = {
    "regions.region": lambda region: reverse(
        "campaigns:region_detail", kwargs={"slug": region.slug}
    ),
    "regions.organisation": lambda organisation: reverse(
        "campaigns:partner_detail", kwargs={"slug": organisation.slug}
    ),
}

# Where visitors write about the site's accessibility or their privacy: the accessibility
# statement and the privacy notice give it. Operators must set it (docs/deployment.md).
CONTACT_EMAIL = env.str("DJANGO_CONTACT_EMAIL", default="webmaster@localhost")

# "Exit this page" on sensitive campaigns leaves for this neutral site (as GOV.UK's does).
EXIT_PAGE_URL = env.str("DJANGO_EXIT_PAGE_URL", default="https://www.bbc.co.uk/weather")

# The site's own helpline: shown while no campaign is current, and on the 500 page (which reads
# no database) when the current campaigns' helplines are not remembered in the cache
# (campaigns/helplines.py). The defaults are the Stop it Now! helpline's published facts.
HELPLINE = {
    "name": env.str("DJANGO_HELPLINE_NAME", default="Stop it Now! helpline"),
    "phone": env.str("DJANGO_HELPLINE_PHONE", default="0808 1000 900"),
    "hours": env.str("DJANGO_HELPLINE_HOURS", default=""),
    "url": env.str("DJANGO_HELPLINE_URL", default="https://www.stopitnow.org.uk/"),
    "confidentiality": env.str("DJANGO_HELPLINE_CONFIDENTIALITY", default="")
    or _(
        "Calls are confidential. You do not have to give your name or any details that "
        "identify you. Information that identifies a child at risk, or an offence, is passed "
        "on to the relevant agencies."
    ),
    "welsh": env.bool("DJANGO_HELPLINE_WELSH", default=True),
}

# The site's own address, for links that leave it: the review emails link to the admin with it.
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Email --------------------------------------------------------------------
# Review emails (campaigns/notifications.py). DJANGO_EMAIL_URL names the mail server, e.g.
# smtp+tls://user:password@smtp.example.org:587 (characters such as @ in the user or password
# written %40); without it every email is written to the console (the server's log) instead,
# which is what local use wants. Emails are sent while the request waits, so a mail server that
# does not answer is given up on after DJANGO_EMAIL_TIMEOUT seconds.
vars().update(
    {
        name: value
        for name, value in env.email_url("DJANGO_EMAIL_URL", default="consolemail://").items()
        if value is not None
    }
)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <no-reply@localhost>"
)

# --- Background tasks ---------------------------------------------------------
# Press emails go out in the background (press/delivery.py), through Django's tasks API. By
# default the queue is a table in the site's database and `manage.py press_worker` (started by
# `make run` beside the web server) works through it: nothing else to install. Larger sites
# may queue on Redis instead, through RQ: DJANGO_TASKS_REDIS_URL, e.g. redis://host:6379/2;
# `press_worker` then runs an RQ worker with its scheduler (docs/press-office.md).
TASKS_REDIS_URL = env.str("DJANGO_TASKS_REDIS_URL", default="")
if TASKS_REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # A delivery task sends a whole press send, one email after another: give it an hour.
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
TASKS = {
    "default": {
        "BACKEND": env.str(
            "DJANGO_TASKS_BACKEND",
            default="django_tasks_rq.RQBackend"
            if TASKS_REDIS_URL
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
        "OPTIONS": {},
    }
}

# --- Press distribution (press/) ----------------------------------------------
# A mail server's temporary refusal (4xx, or no answer) is tried again after
# PRESS_RETRY_SECONDS, then twice as long each time, PRESS_MAX_ATTEMPTS times in all. A worker
# holds an email it is sending for PRESS_CLAIM_SECONDS: if it stops (killed, the machine
# restarted) before saying how it went, another worker takes the email over after that. It
# must be longer than sending one email can take (EMAIL_TIMEOUT, above).
PRESS_RETRY_SECONDS = env.int("DJANGO_PRESS_RETRY_SECONDS", default=60)
PRESS_MAX_ATTEMPTS = env.int("DJANGO_PRESS_MAX_ATTEMPTS", default=6)
PRESS_CLAIM_SECONDS = env.int("DJANGO_PRESS_CLAIM_SECONDS", default=120)
# Where a press email's "unsubscribe" can also be asked for by email (List-Unsubscribe's
# mailto: address); the one-click web address always works without it.
PRESS_UNSUBSCRIBE_EMAIL = env.str("DJANGO_PRESS_UNSUBSCRIBE_EMAIL", default="")

# --- Page cache ---------------------------------------------------------------
# Public pages are cached whole, keyed by a content version that every save bumps (see
# campaigns/page_cache.py), so an edit shows at once. Each process may keep its own cache (the
# default, in memory) or share one: DJANGO_CACHE_URL, e.g. redis://host:6379/1 (rediss:// for
# TLS) or dbcache://page_cache (after `manage.py createcachetable`).
CACHES = {"default": env.cache_url("DJANGO_CACHE_URL", default="locmemcache://public-pages")}
# Each release keeps its own entries in a shared cache: a deploy never serves pages made by the
# code before it (campaign_site/release.py). DJANGO_RELEASE names it; else a digest of the code.
CACHES["default"].setdefault("KEY_PREFIX", release(BASE_DIR, env.str("DJANGO_RELEASE", default="")))
if CACHES["default"]["BACKEND"].endswith(".LocMemCache"):
    # Each process's own memory: room for every page in each encoding and its sections (the
    # default, 300 entries, would drop pages of a site with a few dozen).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
if CACHES["default"]["BACKEND"].endswith(".RedisCache"):
    # django-environ would choose django-redis whenever it happens to be installed: the site
    # uses Django's own Redis backend, whose behaviour the tests check (tests/servers/).
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
# How long a cached page may be kept at most (0 turns the page cache off), and how long a
# shared cache in front (a CDN) may keep a page without asking again. Browsers always ask again
# (with the page's ETag, answered by a cheap 304), so an editor sees an edit at once.
PUBLIC_PAGE_CACHE_SECONDS = env.int("DJANGO_PAGE_CACHE_SECONDS", default=600)
PUBLIC_SHARED_CACHE_SECONDS = env.int("DJANGO_SHARED_CACHE_SECONDS", default=60)
# How long a section of a public page (campaigns/sections.py) may be kept at most, 0 for never:
# a page built afresh (after an edit, or with the page cache off) takes its unchanged sections
# from the cache.
PUBLIC_SECTION_CACHE_SECONDS = env.int("DJANGO_SECTION_CACHE_SECONDS", default=600)

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Picture renditions -------------------------------------------------------
# Made once when a picture is saved (core/renditions.py), under CACHE/images/ in the default
# storage. django-imagekit, when django-rq is installed, sets up an RQ job as it is imported,
# and django-rq then needs RQ_QUEUES: without a Redis queue configured, a queue that is never
# used (renditions are not queued) stands in, so the site starts; it opens no connection.
if "RQ_QUEUES" not in globals():
    RQ_QUEUES = {"default": {"URL": "redis://localhost:6379/0"}}
