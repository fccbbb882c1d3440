"""Accounts, the staff roles granted to them, the logins they hold and their second factor."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.extensions import db


class Role(StrEnum):
    """Roles an admin grants. Buyer and seller follow from orders, reviewer from enrolment."""

    MEDIATOR = "mediator"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.MEDIATOR, Role.ADMIN})


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # None until the person sets a password: accounts imported with orders start so
    password_hash: Mapped[str | None] = mapped_column(String(255))
    marketplace_user_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    shop_name: Mapped[str | None] = mapped_column(String(120))
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    disabled_at: Mapped[datetime | None]
    # the language notifications are written in; the last one the person chose or used
    locale: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    # the IANA zone pages and notifications show times in; None follows the language
    time_zone: Mapped[str | None] = mapped_column(String(64))

    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user",
        foreign_keys="RoleGrant.user_id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    two_factor: Mapped["TwoFactorCredential | None"] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.disabled_at is None

    @property
    def is_locked(self) -> bool:
        return self.disabled_at is not None

    @property
    def has_two_factor(self) -> bool:
        """Logging in asks for a code from the authenticator app."""
        return self.two_factor is not None and self.two_factor.confirmed_at is not None

    @property
    def is_claimed(self) -> bool:
        return self.password_hash is not None

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(grant.role) for grant in self.role_grants)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RoleGrant(db.Model):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=clock.now)

    user: Mapped[User] = relationship(back_populates="role_grants", foreign_keys=[user_id])


class LoginSession(db.Model):
    """One login on one device: what its session and remember-me cookies carry.

    The cookies hold ``"<id>:<secret>"``; the database only the secret's SHA-256, so a copy of
    the database forges no cookie. Deleting the row ends that login on its device at once,
    whatever cookies it still holds.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]


class TwoFactorCredential(db.Model):
    """A staff member's authenticator (TOTP) secret; ``confirmed_at`` is set once a first code
    proved the app holds it, and only then does logging in ask for a code."""

    __tablename__ = "two_factor_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None]
    # the time step of the last code accepted: a code is good once, never again
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)
    failed_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    user: Mapped[User] = relationship(back_populates="two_factor")


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class PasswordResetRequest(db.Model):
    """An address someone asked a password reset for, until the sweep has written to it.

    Every request is kept alike, whether the address has an account or not, so asking does
    the same work and takes as long for every address; the sweep looks the address up later.
    """

    __tablename__ = "password_reset_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(default=clock.now)
