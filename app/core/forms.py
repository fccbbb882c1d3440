"""Shared form helpers: the site's form base, and service errors put beside their field."""

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, TextAreaField

from app.core.text import text_problem


class SiteForm(FlaskForm):
    """Every form of the site. Before a service sees anything, each field a person types in
    refuses what no person types (NUL and other control characters, direction overrides),
    with the message beside the field; a one-line input refuses line breaks as well."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            problem = typed_text_problem(field)
            if problem is not None:
                field.errors = [*field.errors, str(problem)]
                valid = False
        return valid


def is_typed_text(field: Field) -> bool:
    """An input or text area a person types in (not a hidden field, not a choice)."""
    return isinstance(field, StringField) and not isinstance(field, HiddenField)


def typed_text_problem(field: Field):
    """Why a typed text field's value is not something a person types, or None."""
    if not is_typed_text(field) or not isinstance(field.data, str) or not field.data:
        return None
    return text_problem(field.data, one_line=not isinstance(field, TextAreaField))


def apply_error(form: FlaskForm, error: Exception) -> None:
    """Show a service error beside the field it names, or above the form."""
    message = str(error)
    field = getattr(form, getattr(error, "field", None) or "", None)
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
