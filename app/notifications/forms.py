"""The inbox's buttons are forms, so they carry a CSRF token."""

from flask_wtf import FlaskForm


class MarkReadForm(FlaskForm):
    """Mark one item read (and open its link)."""


class MarkAllReadForm(FlaskForm):
    """Mark every item read."""
