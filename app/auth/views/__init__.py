"""The account pages: one blueprint, ``auth``, whose routes live in the modules here."""

from app.auth.views import account, login, reset, two_factor  # noqa: F401  (they add routes)
from app.auth.views.blueprint import bp

__all__ = ["bp"]
