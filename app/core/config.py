"""Configuration classes. Every timer, size and limit of the design lives here.

Values are read from the environment so operators change them without code. Timers are
``timedelta``; the environment gives them in hours (``*_HOURS``) or days (``*_DAYS``).
"""

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``; another value stops the app at start, not at first use."""
    value = os.environ.get(name) or default
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def served_base_url(bind: str) -> str:
    """The site's address as ``make run`` serves it (gunicorn binds ``bind``, host:port),
    for links when ``PUBLIC_BASE_URL`` is not set. Taken from the server's own setting, never
    from the Host a request names: anyone can forge that, and a reset link would then carry
    its token to their site. An address on every interface is reached on this machine."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"WEB_BIND {bind!r} is not host:port; set PUBLIC_BASE_URL")
    if host in {"0.0.0.0", "[::]"}:  # noqa: S104  (the bind, not a listening socket)
        host = "127.0.0.1"
    return f"http://{host}:{port}"


# where gunicorn serves the site (gunicorn.conf.py)
WEB_BIND = os.environ.get("WEB_BIND", "127.0.0.1:5000")


def web_workers() -> int:
    """How many web worker processes gunicorn starts (gunicorn.conf.py): ``WEB_WORKERS``,
    or one per core this process may run on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return _env_int("WEB_WORKERS", cores)


def _hours(name: str, default: int) -> timedelta:
    return timedelta(hours=_env_int(name, default))


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=_env_int(name, default))


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tribunal.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Strict-Transport-Security's max-age; only production serves HTTPS itself
    HSTS_SECONDS = 0
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR", str(INSTANCE_DIR / "evidence"))
    # Where evidence files are kept (app/core/storage): "local" (under EVIDENCE_DIR) or "s3"
    # (a bucket every node shares; EVIDENCE_DIR then holds only files being prepared)
    STORAGE_BACKEND = _env_choice("STORAGE_BACKEND", "local", ("local", "s3"))
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # empty: AWS itself
    S3_REGION = os.environ.get("S3_REGION", "")
    # empty: boto's usual chain (environment, shared credentials file, instance role)
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    # while a local store moves to S3: the old folder, read where the bucket lacks a file
    STORAGE_FALLBACK_DIR = os.environ.get("STORAGE_FALLBACK_DIR", "")
    # how files go out once the viewer is authorised: streamed through the app, or "signed":
    # a redirect to a URL of the bucket valid this long (S3 only; local files are streamed)
    EVIDENCE_DOWNLOADS = _env_choice("EVIDENCE_DOWNLOADS", "stream", ("stream", "signed"))
    SIGNED_URL_SECONDS = _env_int("SIGNED_URL_SECONDS", 60)
    # stored files no row names (an upload whose request failed after the write) are removed
    # once this old, by a sweep this often
    ORPHAN_GRACE = _hours("ORPHAN_GRACE_HOURS", 24)
    SCHEDULER_ORPHANS_SECONDS = _env_int("SCHEDULER_ORPHANS_SECONDS", 3600)
    # How many reverse proxies in front of the app set X-Forwarded-*; 0 trusts none
    PROXY_FIX_HOPS = _env_int("PROXY_FIX_HOPS", 0)

    # Accounts and sessions
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = timedelta(days=min(_env_int("REMEMBER_ME_DAYS", 14), 14))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # also how long a login without "keep me logged in" lasts on the server, whatever the browser
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # argon2id; the library defaults (RFC 9106 low-memory profile) are above the OWASP floor
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST_KIB = _env_int("ARGON2_MEMORY_COST_KIB", 65536)
    ARGON2_PARALLELISM = _env_int("ARGON2_PARALLELISM", 4)
    PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 10)
    EMAIL_TOKEN_MAX_AGE = _hours("EMAIL_TOKEN_MAX_AGE_HOURS", 48)
    # how long an e-mailed password reset link works (it also ends when the password changes)
    PASSWORD_RESET_TTL = _hours("PASSWORD_RESET_TTL_HOURS", 1)
    # two-factor login (TOTP): the code step's time limit, and wrong codes allowed per pause
    TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "Tribunal")
    TWO_FACTOR_LOGIN_TTL = timedelta(minutes=_env_int("TWO_FACTOR_LOGIN_MINUTES", 5))
    TWO_FACTOR_MAX_FAILURES = _env_int("TWO_FACTOR_MAX_FAILURES", 5)
    TWO_FACTOR_PAUSE = timedelta(minutes=_env_int("TWO_FACTOR_PAUSE_MINUTES", 15))
    TWO_FACTOR_RECOVERY_CODES = _env_int("TWO_FACTOR_RECOVERY_CODES", 10)

    # Rate limits (Flask-Limiter). Unset, the counters are kept in the database, shared by
    # every worker of the machine (app/core/limit_storage.py); with several machines, set
    # redis://host:port/db
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # attempts per client address, then per account (the e-mail address typed); a
    # successful login gives its attempt back (app/auth/limits.py)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get(
        "LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour"
    )
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "5 per hour;20 per day")
    REGISTRATION_ACCOUNT_RATE_LIMIT = os.environ.get(
        "REGISTRATION_ACCOUNT_RATE_LIMIT", "3 per hour"
    )
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour;20 per day")
    PASSWORD_RESET_ACCOUNT_RATE_LIMIT = os.environ.get(
        "PASSWORD_RESET_ACCOUNT_RATE_LIMIT", "3 per hour"
    )
    VOTE_RATE_LIMIT = os.environ.get("VOTE_RATE_LIMIT", "30 per minute")
    THREAD_POST_RATE_LIMIT = os.environ.get("THREAD_POST_RATE_LIMIT", "10 per minute")
    RATELIMIT_HEADERS_ENABLED = True

    # Languages
    LANGUAGES = {"en": "English", "zh_Hans": "简体中文"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # the time zone of a reader who chose none, by language (app/core/zones.py)
    DEFAULT_TIME_ZONES = {"zh_Hans": "Asia/Shanghai"}

    # Marketplace API
    API_MAX_ORDERS_PER_REQUEST = _env_int("API_MAX_ORDERS_PER_REQUEST", 1000)
    API_MAX_BODY_BYTES = _env_int("API_MAX_BODY_BYTES", 10 * 1024 * 1024)
    # requests per token (Flask-Limiter's notation; several limits separated by ";")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    # how many cases or events a list answers with when the request names no limit
    API_PAGE_SIZE = _env_int("API_PAGE_SIZE", 20)
    # how long a retried request with the same Idempotency-Key gets the first answer back
    IDEMPOTENCY_KEY_TTL = _hours("IDEMPOTENCY_KEY_TTL_HOURS", 24)

    # Notifications
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")  # console | smtp | memory
    MAIL_FROM = os.environ.get("MAIL_FROM", "Tribunal <no-reply@tribunal.invalid>")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = _env_int("SMTP_PORT", 587)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", True)
    OUTBOX_BATCH_SIZE = _env_int("OUTBOX_BATCH_SIZE", 100)
    OUTBOX_LEASE = timedelta(seconds=_env_int("OUTBOX_LEASE_SECONDS", 120))
    OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_RETRY_BASE = timedelta(seconds=_env_int("OUTBOX_RETRY_BASE_SECONDS", 30))
    OUTBOX_RETRY_MAX = timedelta(seconds=_env_int("OUTBOX_RETRY_MAX_SECONDS", 3600))
    SMTP_TIMEOUT_SECONDS = _env_int("SMTP_TIMEOUT_SECONDS", 30)
    # Links in e-mails, webhooks and the API are made absolute with this (e.g.
    # https://tribunal.example.com); unset, they name the address the site is served on
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or served_base_url(WEB_BIND)

    # Webhooks to the marketplace (docs/webhooks.md)
    WEBHOOK_TIMEOUT_SECONDS = _env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
    # a delivery is retried with backoff and jitter until this long after its event
    WEBHOOK_RETRY_WINDOW = _hours("WEBHOOK_RETRY_HOURS", 72)
    WEBHOOK_RETRY_BASE = timedelta(seconds=_env_int("WEBHOOK_RETRY_BASE_SECONDS", 60))
    WEBHOOK_RETRY_MAX = timedelta(seconds=_env_int("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600))
    # an endpoint whose every attempt failed for this long is disabled, and its admins told
    WEBHOOK_DISABLE_AFTER = _hours("WEBHOOK_DISABLE_AFTER_HOURS", 72)
    # after a secret is rotated, the old one keeps signing beside the new one this long
    WEBHOOK_ROTATION_OVERLAP = _hours("WEBHOOK_ROTATION_OVERLAP_HOURS", 24)
    # endpoints on loopback and private addresses: refused unless allowed (development does)
    WEBHOOK_ALLOW_PRIVATE = _env_bool("WEBHOOK_ALLOW_PRIVATE", False)

    # Scheduler
    SCHEDULER_OUTBOX_SECONDS = _env_int("SCHEDULER_OUTBOX_SECONDS", 10)
    SCHEDULER_WEBHOOKS_SECONDS = _env_int("SCHEDULER_WEBHOOKS_SECONDS", 10)
    SCHEDULER_HEARTBEAT_SECONDS = _env_int("SCHEDULER_HEARTBEAT_SECONDS", 60)
    SCHEDULER_STALE_AFTER = timedelta(seconds=_env_int("SCHEDULER_STALE_AFTER_SECONDS", 180))
    SCHEDULER_HEARTBEAT_RETENTION = timedelta(
        hours=_env_int("SCHEDULER_HEARTBEAT_RETENTION_HOURS", 24)
    )

    # Case lifecycle timers (design: Case lifecycle)
    CASE_FILING_WINDOW = _days("CASE_FILING_WINDOW_DAYS", 90)
    INTAKE_SLA = _hours("INTAKE_SLA_HOURS", 24)
    RETURNED_EXPIRY = _hours("RETURNED_EXPIRY_HOURS", 72)
    SELLER_RESPONSE_WINDOW = _hours("SELLER_RESPONSE_HOURS", 72)
    # the buyer's time to answer a counter-offer; silence counts as refusal
    COUNTER_OFFER_WINDOW = _hours("COUNTER_OFFER_HOURS", 72)
    EVIDENCE_WINDOW = _hours("EVIDENCE_WINDOW_HOURS", 72)
    MEDIATION_SLA = _hours("MEDIATION_SLA_HOURS", 24)
    PROPOSAL_WINDOW = _hours("PROPOSAL_WINDOW_HOURS", 48)
    APPEAL_WINDOW = _hours("APPEAL_WINDOW_HOURS", 48)
    SURVEY_WINDOW = _days("SURVEY_WINDOW_DAYS", 7)
    RATING_COMMENT_MAX_CHARS = _env_int("RATING_COMMENT_MAX_CHARS", 2000)
    REMINDER_BEFORE_DEADLINE = _hours("REMINDER_BEFORE_DEADLINE_HOURS", 24)
    # SLAs per phase and their escalation (app/mediation/sla.py); intake and first action
    # are INTAKE_SLA and MEDIATION_SLA. A side's answer to a proposal: within this of its
    # making (less than PROPOSAL_WINDOW, or the proposal lapses first)
    PROPOSAL_ANSWER_SLA = _hours("PROPOSAL_ANSWER_SLA_HOURS", 24)
    # an open step this long past its deadline is stuck: neither done nor enforced
    EXECUTION_SLA = _hours("EXECUTION_SLA_HOURS", 1)
    # after the mediator is told, how long a case may stay overdue before the admins are
    ESCALATION_GRACE = _hours("ESCALATION_GRACE_HOURS", 4)
    SCHEDULER_ESCALATION_SECONDS = _env_int("SCHEDULER_ESCALATION_SECONDS", 300)

    # Evidence limits (design: Evidence timelines)
    STATEMENT_MAX_CHARS = _env_int("STATEMENT_MAX_CHARS", 5000)
    CHAT_TRANSCRIPT_MAX_CHARS = _env_int("CHAT_TRANSCRIPT_MAX_CHARS", 20000)
    THUMBNAIL_MAX_SIDE = _env_int("THUMBNAIL_MAX_SIDE", 320)
    # a video's poster, shown in the player before it plays
    VIDEO_POSTER_MAX_SIDE = _env_int("VIDEO_POSTER_MAX_SIDE", 640)
    # a PDF as reviewers see it: its first pages drawn as images, in a process with limits
    PDF_PAGES_SHOWN = _env_int("PDF_PAGES_SHOWN", 20)
    PDF_PAGE_WIDTH = _env_int("PDF_PAGE_WIDTH", 1100)
    PDF_PAGE_MAX_PIXELS = _env_int("PDF_PAGE_MAX_PIXELS", 4_000_000)
    PDF_RENDER_TIMEOUT_SECONDS = _env_int("PDF_RENDER_TIMEOUT_SECONDS", 20)
    PDF_RENDER_MAX_MEMORY_MB = _env_int("PDF_RENDER_MAX_MEMORY_MB", 1024)
    IMAGE_MAX_BYTES = _env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
    IMAGE_MAX_PIXELS = _env_int("IMAGE_MAX_PIXELS", 40_000_000)
    PDF_MAX_BYTES = _env_int("PDF_MAX_BYTES", 20 * 1024 * 1024)
    VIDEO_MAX_BYTES = _env_int("VIDEO_MAX_BYTES", 100 * 1024 * 1024)
    EVIDENCE_MAX_ITEMS_PER_PARTY = _env_int("EVIDENCE_MAX_ITEMS_PER_PARTY", 50)
    CASE_OPENING_MAX_FILES = _env_int("CASE_OPENING_MAX_FILES", 5)
    # one message of a case's negotiation thread (design: Negotiation and help before filing)
    THREAD_POST_MAX_CHARS = _env_int("THREAD_POST_MAX_CHARS", 2000)
    MAX_CONTENT_LENGTH = VIDEO_MAX_BYTES + 1024 * 1024

    # Execution and enforcement (design: Execution and enforcement)
    REFUND_DEADLINE = _hours("REFUND_DEADLINE_HOURS", 48)
    RETURN_SHIPMENT_DEADLINE = _days("RETURN_SHIPMENT_DAYS", 7)
    RECEIPT_CONFIRMATION_DEADLINE = _days("RECEIPT_CONFIRMATION_DAYS", 7)
    REPLACEMENT_SHIPMENT_DEADLINE = _days("REPLACEMENT_SHIPMENT_DAYS", 7)
    # after a step is marked done, the other side may dispute it for this long
    OBLIGATION_DISPUTE_WINDOW = _hours("OBLIGATION_DISPUTE_HOURS", 48)
    # deducted from the deposit when a seller misses an obligation that has no amount
    ENFORCEMENT_PENALTY_FEN = _env_int("ENFORCEMENT_PENALTY_FEN", 5000)
    # the most an admin records as one pay-in to a seller's deposit (default ¥1,000,000)
    DEPOSIT_PAY_IN_MAX_FEN = _env_int("DEPOSIT_PAY_IN_MAX_FEN", 100_000_000)
    QUESTION_DEFAULT_HOURS = _env_int("QUESTION_DEFAULT_HOURS", 48)
    # the mediator desk: how many filters each staff member may keep under a name
    DESK_SAVED_FILTERS_MAX = _env_int("DESK_SAVED_FILTERS_MAX", 20)
    SCHEDULER_EXECUTION_SECONDS = _env_int("SCHEDULER_EXECUTION_SECONDS", 60)

    # Crowd review (design: Crowd review)
    REVIEWER_MIN_ACCOUNT_AGE = _days("REVIEWER_MIN_ACCOUNT_AGE_DAYS", 90)
    REVIEWER_MIN_COMPLETED_ORDERS = _env_int("REVIEWER_MIN_COMPLETED_ORDERS", 3)
    PRACTICE_CASES = _env_int("PRACTICE_CASES", 5)
    PRACTICE_PASS_MARK = _env_int("PRACTICE_PASS_MARK", 4)
    PRACTICE_RETRY_AFTER = _days("PRACTICE_RETRY_AFTER_DAYS", 7)
    PANEL_SEATS = _env_int("PANEL_SEATS", 17)
    PANEL_MAJORITY = _env_int("PANEL_MAJORITY", 9)
    APPEAL_PANEL_SEATS = _env_int("APPEAL_PANEL_SEATS", 35)
    APPEAL_PANEL_MAJORITY = _env_int("APPEAL_PANEL_MAJORITY", 18)
    # who hears the appeal of a default judgment or a mediator's decision: a fresh appeal
    # panel ("panel") or a second mediator ("mediator"); a panel's verdict always goes to one
    DECISION_APPEAL_TO = _env_choice("DECISION_APPEAL_TO", "panel", ("panel", "mediator"))
    PANEL_DEADLINE = _hours("PANEL_DEADLINE_HOURS", 72)
    # keys the reviewers' tokens in the public draw log (docs/draws.md); the SECRET_KEY when
    # unset. Changing it changes the tokens of past draws, which then no longer verify
    DRAW_TOKEN_KEY = os.environ.get("DRAW_TOKEN_KEY")
    # how panels decide (docs/adaptive-panels.md): "majority" (PANEL_SEATS / PANEL_MAJORITY)
    # or "adaptive": seats drawn in waves, the verdict as soon as the leading option's
    # posterior reaches the confidence, the majority of the cap deciding at the cap or deadline
    PANEL_RULE = _env_choice("PANEL_RULE", "majority", ("majority", "adaptive"))
    # chosen in the simulator: at most 1 % wrong verdicts at accuracy 0.7 (docs/simulator.md)
    ADAPTIVE_FIRST_WAVE = _env_int("ADAPTIVE_FIRST_WAVE", 7)
    ADAPTIVE_WAVE = _env_int("ADAPTIVE_WAVE", 6)
    ADAPTIVE_CAP = _env_int("ADAPTIVE_CAP", 41)
    ADAPTIVE_CONFIDENCE = _env_float("ADAPTIVE_CONFIDENCE", 0.99)
    # an appeal is final: its adaptive panel may grow larger and must be surer
    APPEAL_ADAPTIVE_CAP = _env_int("APPEAL_ADAPTIVE_CAP", 51)
    APPEAL_ADAPTIVE_CONFIDENCE = _env_float("APPEAL_ADAPTIVE_CONFIDENCE", 0.995)
    SEAT_VOTE_WINDOW = _hours("SEAT_VOTE_WINDOW_HOURS", 24)
    SEAT_REPLACEMENT_ROUNDS = _env_int("SEAT_REPLACEMENT_ROUNDS", 2)
    REVIEWER_MAX_OPEN_SEATS = _env_int("REVIEWER_MAX_OPEN_SEATS", 3)
    VOTE_REASON_MIN_CHARS = _env_int("VOTE_REASON_MIN_CHARS", 20)
    COUNTING_SWEEP_SECONDS = _env_int("COUNTING_SWEEP_SECONDS", 30)
    # gold seats (docs/gold-cases.md): the chance, per real seat drawn, that its reviewer is
    # also seated on a gold case; the grading sweep's interval
    GOLD_SEAT_RATE = _env_float("GOLD_SEAT_RATE", 0.1)
    GOLD_GRADING_SECONDS = _env_int("GOLD_GRADING_SECONDS", 60)
    SCHEDULER_CASE_DEADLINES_SECONDS = _env_int("SCHEDULER_CASE_DEADLINES_SECONDS", 30)
    SCHEDULER_REMINDERS_SECONDS = _env_int("SCHEDULER_REMINDERS_SECONDS", 300)
    SCHEDULER_PASSWORD_RESETS_SECONDS = _env_int("SCHEDULER_PASSWORD_RESETS_SECONDS", 10)
    SCHEDULER_IDEMPOTENCY_KEYS_SECONDS = _env_int("SCHEDULER_IDEMPOTENCY_KEYS_SECONDS", 3600)
    # rate-limit counters kept in the database are deleted once their window has ended
    SCHEDULER_RATE_LIMIT_COUNTERS_SECONDS = _env_int("SCHEDULER_RATE_LIMIT_COUNTERS_SECONDS", 600)
    SWEEP_BATCH_SIZE = _env_int("SWEEP_BATCH_SIZE", 200)
    REPUTATION_LEVELS = (25, 50, 70, 90)
    REPUTATION_SUSPEND_AFTER_CASES = _env_int("REPUTATION_SUSPEND_AFTER_CASES", 20)

    # Analytics and transparency (docs/analytics.md)
    # the dashboard's date range when none is chosen: this many days, today included (what
    # each range costs at 1M cases is in docs/performance.md)
    ANALYTICS_DEFAULT_DAYS = _env_int("ANALYTICS_DEFAULT_DAYS", 7)
    # the public page's months (the current one included), and how long its figures are kept
    TRANSPARENCY_MONTHS = _env_int("TRANSPARENCY_MONTHS", 12)
    TRANSPARENCY_CACHE = timedelta(seconds=_env_int("TRANSPARENCY_CACHE_SECONDS", 600))
    # the figures read each case's facts, brought up to date by a sweep this often, reading
    # up to this many audit events a run; the watermark waits for events this old, so that
    # one committed late (PostgreSQL) is still read
    SCHEDULER_FACTS_SECONDS = _env_int("SCHEDULER_FACTS_SECONDS", 60)
    ANALYTICS_FACTS_BATCH = _env_int("ANALYTICS_FACTS_BATCH", 10_000)
    ANALYTICS_FACTS_SETTLE = timedelta(seconds=_env_int("ANALYTICS_FACTS_SETTLE_SECONDS", 60))
    # the claim assistant's "cases like yours" read the cases filed over this long
    SIMILAR_CASES_HISTORY = _days("SIMILAR_CASES_HISTORY_DAYS", 365)


class DevelopmentConfig(Config):
    DEBUG = False
    SECRET_KEY = Config.SECRET_KEY or "development-only-not-secret"  # noqa: S105
    # a listener on this machine (http://127.0.0.1:9009/hook) is what development wants
    WEBHOOK_ALLOW_PRIVATE = _env_bool("WEBHOOK_ALLOW_PRIVATE", True)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105  (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_BACKEND = "memory"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False
    # The OWASP floor for argon2id (m=19 MiB, t=2, p=1) keeps the suite quick
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19456
    ARGON2_PARALLELISM = 1
    # the tests' receivers listen on 127.0.0.1; the address checks are tested on their own
    WEBHOOK_ALLOW_PRIVATE = True
    # every test reads the public figures afresh
    TRANSPARENCY_CACHE = timedelta(0)


class ProductionConfig(Config):
    # database errors must not carry personal data into logs
    SQLALCHEMY_ENGINE_OPTIONS = {**Config.SQLALCHEMY_ENGINE_OPTIONS, "hide_parameters": True}
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    # browsers remember to use HTTPS only, for a year (0 turns it off)
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 24 * 3600))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
