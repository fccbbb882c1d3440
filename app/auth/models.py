"""Accounts and the staff roles granted to them."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
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

    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user",
        foreign_keys="RoleGrant.user_id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.disabled_at is None

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
