"""Bearer tokens of the marketplace's integrations: issuing, revoking and checking them, the
scope each endpoint needs, and how often a token may call.

Only a token's SHA-256 is stored. A token holds 32 random bytes, so a fast unsalted hash is
enough: it cannot be reversed or guessed, and since a token is looked up by its hash there
is no secret compared character by character (no timing leak).
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import wraps

from flask import current_app, g, request
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.api.models import ApiToken, Scope
from app.api.problems import problem
from app.core import clock, rate_limits
from app.core.audit import record_event
from app.core.extensions import db

TOKEN_PREFIX = "trb_"  # noqa: S105  (a marker that makes leaked tokens easy to spot, no secret)
NAME_MAX_LENGTH = ApiToken.__table__.c.name.type.length
# a token's last use is written at most this often, not on every request
LAST_USE_PRECISION = timedelta(minutes=1)


class ApiTokenError(Exception):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(name: str, scopes: Iterable[Scope] = tuple(Scope)) -> tuple[ApiToken, str]:
    """Create a token named ``name`` that may do ``scopes`` (all, unless named); returns the
    row and the token, which is shown once."""
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ApiTokenError(f"a token name needs 1 to {NAME_MAX_LENGTH} characters")
    granted = [scope for scope in Scope if scope in set(scopes)]
    if not granted:
        raise ApiTokenError("a token needs at least one scope")
    if _token_named(name) is not None:
        raise ApiTokenError(f'a token named "{name}" already exists; choose another name')
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_token(plaintext), scopes=" ".join(granted))
    try:
        with db.session.begin_nested():
            db.session.add(token)
    except IntegrityError as error:  # the same name, created at the same moment
        raise ApiTokenError(f'a token named "{name}" already exists') from error
    record_event(None, "api_token.created", token, after={"name": name, "scopes": granted})
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


def token_required(scope: Scope):
    """Let the request through only with a live token that holds ``scope`` and is within its
    rate limit; ``g.api_token`` is that token. Answers 401, 429 or 403 otherwise, in that
    order: a request with a good token counts against its limit even when refused."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            presented = _presented_token()
            if presented is None:
                return _unauthorized("Send an API token: Authorization: Bearer <token>.")
            token = db.session.scalar(
                select(ApiToken).where(ApiToken.token_hash == hash_token(presented))
            )
            if token is None or token.revoked_at is not None:
                return _unauthorized(
                    "The API token is not valid or has been revoked.", invalid=True
                )
            retry_after = _over_rate_limit(token)
            if retry_after is not None:
                return problem(
                    429,
                    f"This token made too many requests; try again in {retry_after} seconds.",
                    headers={"Retry-After": str(retry_after)},
                )
            if not token.allows(scope):
                return problem(
                    403,
                    f'This token lacks the scope "{scope}" that this request needs.',
                    missing_scope=scope.value,
                )
            _record_use(token)
            g.api_token = token
            return view(*args, **kwargs)

        wrapped.scope = scope  # the OpenAPI document and the tests read it
        return wrapped

    return decorator


def integration() -> str:
    """The integration that makes this request, as the audit trail names it."""
    return f'API token "{g.api_token.name}"'


def _presented_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _unauthorized(detail: str, invalid: bool = False):
    challenge = 'Bearer realm="tribunal"'
    if invalid:  # RFC 6750 §3: say why a token that was sent is refused
        challenge += ', error="invalid_token"'
    return problem(401, detail, headers={"WWW-Authenticate": challenge})


def _over_rate_limit(token: ApiToken) -> int | None:
    """Count the request against the token's limits (``API_RATE_LIMIT``) in the shared
    rate-limit storage; the seconds to wait if over one."""
    _counted, wait = rate_limits.hit(current_app.config["API_RATE_LIMIT"], "api", str(token.id))
    return wait


def _record_use(token: ApiToken) -> None:
    """Note when the token was last used, at most once a minute: one write per token and
    minute, not one per request. The read so far ends first, so on SQLite the write starts
    a transaction of its own and never has to upgrade a read lock."""
    now = clock.now()
    if token.last_used_at is not None and token.last_used_at > now - LAST_USE_PRECISION:
        return
    token_id = token.id
    db.session.commit()
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= now - LAST_USE_PRECISION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
