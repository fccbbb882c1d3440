"""Signing secrets kept sealed in the database.

HMAC signing needs the secret itself, so it cannot be stored as a hash. It is encrypted
(Fernet: AES-128-CBC with an HMAC-SHA256, from ``cryptography``) under a key derived from
``SECRET_KEY`` with HKDF, so a copy of the database (a backup, a leaked dump) does not let
anyone sign events the marketplace would trust. Changing ``SECRET_KEY`` makes the stored
secrets unreadable: rotate every endpoint's secret afterwards (``flask webhooks rotate``).

``cryptography`` (about 7 MB resident) is imported when a secret is first sealed or
unsealed: the web workers of most sites never do either.
"""

import base64

from flask import current_app

PURPOSE = b"tribunal webhook signing secrets"


class SecretUnreadable(RuntimeError):
    """The sealed secret was not sealed under the current ``SECRET_KEY``."""


def _fernet():
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable(
            "the signing secret was sealed under another SECRET_KEY; rotate it"
        ) from error
