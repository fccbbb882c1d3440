"""Bearer tokens of the marketplace's integrations: issuing, revoking and checking them.

Only a token's SHA-256 is stored. A token holds 32 random bytes, so a fast unsalted hash is
enough: it cannot be reversed or guessed, and since a token is looked up by its hash there
is no secret compared character by character (no timing leak).
"""

import hashlib
import secrets
from functools import wraps

from flask import g, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.api.models import ApiToken
from app.api.problems import problem
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db

TOKEN_PREFIX = "trb_"  # noqa: S105  (a marker that makes leaked tokens easy to spot, no secret)
NAME_MAX_LENGTH = ApiToken.__table__.c.name.type.length


class ApiTokenError(Exception):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(name: str) -> tuple[ApiToken, str]:
    """Create a token named ``name``; returns the row and the token, which is shown once."""
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ApiTokenError(f"a token name needs 1 to {NAME_MAX_LENGTH} characters")
    if _token_named(name) is not None:
        raise ApiTokenError(f'a token named "{name}" already exists; choose another name')
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_token(plaintext))
    try:
        with db.session.begin_nested():
            db.session.add(token)
    except IntegrityError as error:  # the same name, created at the same moment
        raise ApiTokenError(f'a token named "{name}" already exists') from error
    record_event(None, "api_token.created", token, after={"name": name})
    return token, plaintext


def revoke_token(name: str) -> bool:
    """Refuse ``name``'s token from now on; False if it was revoked already."""
    token = _token_named(name.strip())
    if token is None:
        raise ApiTokenError(f'there is no token named "{name}"')
    if token.revoked_at is not None:
        return False
    token.revoked_at = clock.now()
    record_event(None, "api_token.revoked", token, after={"name": token.name})
    return True


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.name)))


def _token_named(name: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.name == name))


def token_required(view):
    """Let the request through only with a live token; ``g.api_token`` is that token.

    The use is recorded (``last_used_at``) and committed at once, so it is kept even when
    the request then fails.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        presented = _presented_token()
        if presented is None:
            return _unauthorized("Send an API token: Authorization: Bearer <token>.")
        token = db.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == hash_token(presented))
        )
        if token is None or token.revoked_at is not None:
            return _unauthorized("The API token is not valid or has been revoked.", invalid=True)
        token.last_used_at = clock.now()
        db.session.commit()
        g.api_token = token
        return view(*args, **kwargs)

    return wrapped


def _presented_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _unauthorized(detail: str, invalid: bool = False):
    challenge = 'Bearer realm="tribunal"'
    if invalid:  # RFC 6750 §3: say why a token that was sent is refused
        challenge += ', error="invalid_token"'
    return problem(401, detail, headers={"WWW-Authenticate": challenge})
