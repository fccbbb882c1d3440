"""Password hashing with argon2id, parameters from configuration.

argon2id is memory-hard: each hash or check takes ``ARGON2_MEMORY_COST_KIB`` of memory (64
MiB by default) while it runs. At most ``CONCURRENT_HASHES`` run at once in a process, so a
burst of logins queues for a moment instead of taking the web worker's memory with it.
"""

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

CONCURRENT_HASHES = 2
_hashing = threading.BoundedSemaphore(CONCURRENT_HASHES)


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
    if not password_hash:
        return False
    hasher = _hasher()
    try:
        with _hashing:
            return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
