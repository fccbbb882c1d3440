"""How often a person may try: logging in, registering, asking for a password reset.
(Wrong two-factor codes are counted on the account itself: ``app.auth.two_factor``.)

Each kind of attempt is counted twice: per client address and per account, the account being
the e-mail address typed (known or not, so the limit tells nothing about which addresses
exist), keyed by an HMAC so the counters hold no address. An attempt is counted before any
work is done, by one atomic increment in the rate-limit storage; a successful login gives
its attempt back (``refund``), so only failures use up the limit.

The counters live in Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``): memory for a single
process, Redis (or Memcached) as soon as several web workers or machines serve the site,
where the count is exact across all of them.
"""

import hashlib
import hmac
import math
import time
import unicodedata
from dataclasses import dataclass

from flask import current_app
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from app.core.errors import Refused
from app.core.extensions import limiter

# the kinds of attempt and the settings that hold their limits: (per address, per account)
LIMIT_SETTINGS = {
    "login": ("LOGIN_RATE_LIMIT", "LOGIN_ACCOUNT_RATE_LIMIT"),
    "registration": ("REGISTRATION_RATE_LIMIT", "REGISTRATION_ACCOUNT_RATE_LIMIT"),
    "password_reset": ("PASSWORD_RESET_RATE_LIMIT", "PASSWORD_RESET_ACCOUNT_RATE_LIMIT"),
}


class TooManyAttempts(Refused):
    """Refused for now; ``retry_after`` is how many seconds until the next try counts."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            ngettext(
                "Too many attempts. Please wait a minute and try again.",
                "Too many attempts. Please wait %(num)d minutes and try again.",
                minutes,
            )
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """The counters one attempt went into, so a success can give it back."""

    counted: tuple[tuple[RateLimitItem, str, str], ...]


def account_key(email: str | None) -> str:
    """The per-account counter's name: an HMAC of the address as typed, normalised."""
    typed = unicodedata.normalize("NFKC", email or "").strip().casefold()
    secret = current_app.config["SECRET_KEY"].encode()
    return "account:" + hmac.new(secret, typed.encode(), hashlib.sha256).hexdigest()[:32]


def count_attempt(kind: str, email: str | None) -> Attempt:
    """Count one attempt of ``kind`` for this client address and for ``email``'s account;
    raise ``TooManyAttempts`` if either is over its limit. Refused attempts count too."""
    address_setting, account_setting = LIMIT_SETTINGS[kind]
    counters = (
        (address_setting, "address:" + (get_remote_address() or "unknown")),
        (account_setting, account_key(email)),
    )
    if not current_app.config["RATELIMIT_ENABLED"]:
        return Attempt(())
    counted = []
    over: list[int] = []
    strategy = FixedWindowRateLimiter(limiter.storage)
    for setting, who in counters:
        for item in parse_many(current_app.config[setting]):
            counted.append((item, kind, who))
            if not strategy.hit(item, kind, who):
                over.append(_seconds_until_reset(strategy, item, kind, who))
    if over:
        raise TooManyAttempts(max(over))
    return Attempt(tuple(counted))


def refund(attempt: Attempt) -> None:
    """Give an attempt back: the login it counted succeeded."""
    for item, kind, who in attempt.counted:
        limiter.storage.incr(item.key_for(kind, who), item.get_expiry(), amount=-1)


def _seconds_until_reset(strategy, item: RateLimitItem, kind: str, who: str) -> int:
    # the storage keeps real time, not the application's movable clock
    reset_at = strategy.get_window_stats(item, kind, who).reset_time
    return max(1, math.ceil(reset_at - time.time()))
