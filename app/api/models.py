"""Bearer tokens of marketplace integrations and what each may do; only their SHA-256 is
stored."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db


class Scope(StrEnum):
    """What a token may do; each endpoint needs one."""

    ORDERS_WRITE = "orders:write"
    CASES_WRITE = "cases:write"
    CASES_READ = "cases:read"
    SELLERS_READ = "sellers:read"


# a token made without naming its scopes may do everything, as tokens did before scopes
ALL_SCOPES = " ".join(Scope)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the granted scopes, separated by spaces (as OAuth writes them)
    scopes: Mapped[str] = mapped_column(String(200), default=ALL_SCOPES, server_default=ALL_SCOPES)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # written at most once a minute (``app.api.auth``), not on every request
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @property
    def granted(self) -> tuple[Scope, ...]:
        """The token's scopes, in the order ``Scope`` lists them."""
        named = set(self.scopes.split())
        return tuple(scope for scope in Scope if scope.value in named)

    def allows(self, scope: Scope) -> bool:
        return scope in self.granted
