"""The inbox's buttons are forms, so they carry a CSRF token."""

from app.core.forms import SiteForm


class MarkReadForm(SiteForm):
    """Mark one item read (and open its link)."""


class MarkAllReadForm(SiteForm):
    """Mark every item read."""
