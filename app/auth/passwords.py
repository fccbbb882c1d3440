"""Password hashing with argon2id, parameters from configuration.

argon2id is memory-hard: each hash or check takes ``ARGON2_MEMORY_COST_KIB`` of memory (64
MiB by default) while it runs. At most ``CONCURRENT_HASHES`` run at once in a process, so a
burst of logins queues for a moment instead of taking the web worker's memory with it.
"""

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.errors import AccountError

CONCURRENT_HASHES = 2
_hashing = threading.BoundedSemaphore(CONCURRENT_HASHES)
# per set of parameters, the hash of a password nobody knows (see ``verify_password``)
_stand_in_hashes: dict[tuple[int, int, int], str] = {}


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    hasher = _hasher()
    with _hashing:
        return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches. Without a hash (no such account, or one without a
    password) the password is checked against a stand-in hash all the same, so the answer
    takes as long and nobody learns from the time which addresses have an account."""
    hasher = _hasher()
    try:
        with _hashing:
            return hasher.verify(password_hash or _stand_in_hash(hasher), password) and bool(
                password_hash
            )
    except (VerificationError, InvalidHashError):
        return False


def _stand_in_hash(hasher: PasswordHasher) -> str:
    params = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if params not in _stand_in_hashes:
        _stand_in_hashes[params] = hasher.hash(secrets.token_urlsafe(32))
    return _stand_in_hashes[params]


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def check_password_strength(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError(_l("Use at least %(minimum)d characters.", minimum=minimum), "password")
