"""Shared form helpers."""

from flask_wtf import FlaskForm


def apply_error(form: FlaskForm, error: Exception) -> None:
    """Show a service error beside the field it names, or above the form."""
    message = str(error)
    field = getattr(form, getattr(error, "field", None) or "", None)
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
