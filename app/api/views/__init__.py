"""The marketplace's JSON API, version 1: one blueprint, ``api``, whose routes live in the
modules here. Every error is a problem details document."""

from app.api.views import cases, docs, evidence, orders  # noqa: F401  (they add routes)
from app.api.views.blueprint import bp

__all__ = ["bp"]
