"""How often a person may try: logging in, registering, asking for a password reset.
(Wrong two-factor codes are counted on the account itself: ``app.auth.two_factor``.)

Each kind of attempt is counted twice: per client address and per account, the account being
the e-mail address typed (known or not, so the limit tells nothing about which addresses
exist), keyed by an HMAC so the counters hold no address. An attempt is counted before any
work is done, by one atomic increment in the rate-limit storage; a successful login gives
its attempt back (``refund``), so only failures use up the limit.

The counters live in Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``): the database by
default, shared by every web worker of the machine, or Redis when several machines serve the
site; the count is exact across all of them.
"""

import hashlib
import hmac
import math
import unicodedata
from dataclasses import dataclass

from flask import current_app
from flask_babel import ngettext
from flask_limiter.util import get_remote_address

from app.core import rate_limits
from app.core.errors import Refused
from app.core.rate_limits import Counted

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

    counted: tuple[Counted, ...]


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
    counted: list[Counted] = []
    waits: list[int] = []
    for setting, who in counters:
        hits, wait = rate_limits.hit(current_app.config[setting], kind, who)
        counted += hits
        if wait is not None:
            waits.append(wait)
    if waits:
        raise TooManyAttempts(max(waits))
    return Attempt(tuple(counted))


def refund(attempt: Attempt) -> None:
    """Give an attempt back: the login it counted succeeded."""
    rate_limits.give_back(list(attempt.counted))
