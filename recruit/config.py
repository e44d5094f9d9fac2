"""Configuration from environment variables only; no secrets in code."""

import os
from datetime import timedelta

DEVELOPMENT_SECRET_KEY = "dev-only-secret-key-change-me"
# Where `make run` serves the app; emailed links point here outside production unless BASE_URL says otherwise.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"The environment variable {name} must be a whole number, not {value!r}.") from None


DEFAULT_NATIONALITY_REQUIREMENTS = (
    "Who can apply depends on the employer's nationality rules. These may open the job to British nationals, "
    "to Commonwealth citizens, and to nationals of the EU, the EEA or Switzerland with settled or pre-settled "
    "status, or may limit it further. Check with the contact for this vacancy if you are not sure you are "
    "eligible."
)


def _env_pairs(name: str) -> dict[str, str]:
    """A setting of comma-separated name=value pairs ("password_reset=1d2c…,staff_invitation=9a8b…")."""
    pairs = {}
    for item in os.environ.get(name, "").split(","):
        if item.strip():
            key, separator, value = item.partition("=")
            if not separator or not key.strip() or not value.strip():
                raise SystemExit(f"The environment variable {name} must be name=value pairs separated by commas.")
            pairs[key.strip()] = value.strip()
    return pairs


class Config:
    RECRUIT_ENV = os.environ.get("RECRUIT_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # None means "SQLite in the instance folder", resolved in create_app once the instance path is known.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEEDS_DIR = os.environ.get("RECRUIT_SEEDS_DIR") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seeds"
    )
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # The rendered public pages (recruit/public/page_cache.py): each worker process keeps its own copies, unless
    # PAGE_CACHE_REDIS_URL names a Redis for the workers to share them.
    PAGE_CACHE_REDIS_URL = os.environ.get("PAGE_CACHE_REDIS_URL") or None
    # How many pages each worker keeps in its own cache (the oldest are dropped past it).
    PAGE_CACHE_SIZE = _env_int("PAGE_CACHE_SIZE", 500)
    # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: use the connection's own).
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    # Reports covering more applications than this are rendered by a background job, with a progress page.
    REPORT_BACKGROUND_OVER = _env_int("REPORT_BACKGROUND_OVER", 500)
    # Processes laying out one large report's page ranges at once (0, the default: one per CPU core, counted when
    # a report is laid out).
    REPORT_WORKERS = _env_int("REPORT_WORKERS", 0)
    # The layout cost (about the number of tags) of one page range of a large report: some 65 sift-table rows.
    REPORT_RANGE_WEIGHT = _env_int("RECRUIT_REPORT_RANGE_WEIGHT", 4000)
    # Months after a campaign finishes before `retention purge` erases its personal data; checked by the purge.
    RETENTION_MONTHS = os.environ.get("RETENTION_MONTHS", "12")

    # argon2id parameters for new password hashes (argon2-cffi's PasswordHasher arguments); empty means its
    # defaults, RFC 9106's low-memory profile (3 passes over 64 MiB).
    PASSWORD_HASHING: dict[str, int] = {}

    # Uploads (CSV imports) larger than this are refused before they reach the app.
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "recruit_session"
    # The longest any session lives; staff sessions also end after 30 minutes idle.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # The cookie is sent again only when the session changes (its activity is recorded once a minute: security.py),
    # not with every response; a session ends 12 hours after sign-in whatever the cookie says.
    SESSION_REFRESH_EACH_REQUEST = False
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)

    # Per-client limits on sign-in and registration attempts (Flask-Limiter syntax).
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute; 100 per hour")
    RATELIMIT_HEADERS_ENABLED = True

    # The address people reach the service at (scheme, host, port and any path prefix): every emailed link is
    # built from it, never from the request's Host header, and only its host is served (Flask's TRUSTED_HOSTS).
    # Required in production; elsewhere it defaults to DEVELOPMENT_BASE_URL.
    BASE_URL = os.environ.get("BASE_URL", "").strip() or None
    # Further host names to answer to besides BASE_URL's, comma-separated (a load balancer's health check that
    # calls the app by its own address, say); a request for any other host gets a 400 page.
    EXTRA_TRUSTED_HOSTS = [
        host.strip() for host in os.environ.get("EXTRA_TRUSTED_HOSTS", "").split(",") if host.strip()
    ]

    # Branding. The GOV.UK crown, logotype and typeface are only for services on GOV.UK: BRAND=govuk says this
    # one is. Otherwise the header carries the organisation's name and the service's, as the GOV.UK Design
    # System asks of services that are not on GOV.UK.
    BRAND = os.environ.get("BRAND", "").strip().lower() or None
    ORG_NAME = os.environ.get("ORG_NAME", "").strip() or "Recruit demonstration organisation"
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "").strip() or "Recruit"
    # The phase banner: "alpha" or "beta", or "live" for none; FEEDBACK_URL is where its feedback link goes
    # (a web form or a mailto: address); without one the banner has no link.
    PHASE = os.environ.get("PHASE", "beta").strip().lower() or "beta"
    FEEDBACK_URL = os.environ.get("FEEDBACK_URL", "").strip() or None
    # The footer's pages: each setting is the path of an HTML file (a Jinja template, which may use the GOV.UK
    # macros) holding the page's text under its heading, replacing Recruit's own default text. A file that
    # cannot be read stops the app at start-up.
    PRIVACY_NOTICE_FILE = os.environ.get("PRIVACY_NOTICE_FILE", "").strip() or None
    ACCESSIBILITY_STATEMENT_FILE = os.environ.get("ACCESSIBILITY_STATEMENT_FILE", "").strip() or None
    COOKIES_PAGE_FILE = os.environ.get("COOKIES_PAGE_FILE", "").strip() or None

    # What a new campaign's advert says about nationality until the admin changes it for that campaign. The
    # employer decides who is eligible; set NATIONALITY_REQUIREMENTS to the organisation's own wording.
    NATIONALITY_REQUIREMENTS = (
        os.environ.get("NATIONALITY_REQUIREMENTS", "").strip() or DEFAULT_NATIONALITY_REQUIREMENTS
    )

    # Email goes through GOV.UK Notify when NOTIFY_API_KEY is set, else through the SMTP server MAIL_SERVER, else
    # (in development only) into the development outbox. Every message is queued in the notifications table first
    # and sent by `flask --app recruit notifications send` (or the RQ worker when REDIS_URL is set).
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY") or None
    # One Notify email template whose subject is ((subject)) and whose message is ((body)) ...
    NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID") or None
    # ... or a template per message, by Recruit's message name: "password_reset=<id>,staff_invitation=<id>".
    NOTIFY_TEMPLATES = _env_pairs("NOTIFY_TEMPLATES")
    # Notify's API address, when not the default (only for testing against a stand-in).
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL") or None
    NOTIFY_TIMEOUT = _env_int("NOTIFY_TIMEOUT", 30)
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "recruit@localhost")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    # Retries: a message that failed for a reason that may pass waits RETRY_SECONDS, doubling each time up to
    # RETRY_MAX_SECONDS, and is given up (shown to admins as not sent) after MAX_ATTEMPTS tries.
    NOTIFICATIONS_MAX_ATTEMPTS = _env_int("NOTIFICATIONS_MAX_ATTEMPTS", 10)
    NOTIFICATIONS_RETRY_SECONDS = _env_int("NOTIFICATIONS_RETRY_SECONDS", 30)
    NOTIFICATIONS_RETRY_MAX_SECONDS = _env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 4 * 3600)
    # A message still "sending" this long after a sender took it belongs to a sender that stopped.
    NOTIFICATIONS_SENDING_TIMEOUT_SECONDS = _env_int("NOTIFICATIONS_SENDING_TIMEOUT_SECONDS", 15 * 60)


class TestConfig(Config):
    TESTING = True
    RECRUIT_ENV = "test"
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    MAIL_SERVER = None
    NOTIFY_API_KEY = None
    NOTIFY_TEMPLATE_ID = None
    NOTIFY_TEMPLATES: dict[str, str] = {}
    NOTIFY_BASE_URL = None
    REDIS_URL = None
    PAGE_CACHE_REDIS_URL = None
    BASE_URL = None
    EXTRA_TRUSTED_HOSTS: list[str] = []
    # The suite checks Recruit's own texts and header, whatever the machine running it sets.
    BRAND = None
    ORG_NAME = "Recruit demonstration organisation"
    SERVICE_NAME = "Recruit"
    PHASE = "beta"
    FEEDBACK_URL = None
    PRIVACY_NOTICE_FILE = None
    ACCESSIBILITY_STATEMENT_FILE = None
    COOKIES_PAGE_FILE = None
    # Still argon2id, at a cost of a millisecond rather than a tenth of a second: the suite signs in thousands of
    # times. (Hashes made with other parameters are upgraded at sign-in, as in production.)
    PASSWORD_HASHING = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
