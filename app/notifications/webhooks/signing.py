"""Signatures as the Standard Webhooks specification gives them.

A secret is ``whsec_`` followed by the base64 of 32 random bytes. A message is signed with
HMAC-SHA256 over ``"{webhook-id}.{webhook-timestamp}.{body}"`` and the header carries
``v1,<base64 signature>``; during a rotation's overlap each secret signs, and the header
carries both signatures separated by a space, so a receiver holding either one verifies.
These are the few lines the specification gives; the tests check them against the reference
verifier (the ``standardwebhooks`` package).
"""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"  # noqa: S105  (the format's prefix, not a secret)
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """One ``v1,…`` signature of the message."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(
    signing_secrets: Iterable[str], message_id: str, timestamp: int, body: str
) -> dict[str, str]:
    """The three headers of a delivery, signed with every secret given."""
    signatures = [sign(secret, message_id, timestamp, body) for secret in signing_secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }
