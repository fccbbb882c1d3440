"""Shared form helpers: the site's form base, and service errors put beside their field."""

import re

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from app.core.text import text_problem


class SiteForm(FlaskForm):
    """Every form of the site. Before a service sees anything, each field a person types in
    refuses what no person types (NUL and other control characters, direction overrides),
    with the message beside the field; a one-line input refuses line breaks as well."""

    @property
    def anchor(self) -> str:
        """The form's id on its page ("ballot-form" for ``BallotForm``); its error summary's
        is this with "-problems" (``templates/macros/forms.html``)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "-", type(self).__name__).lower()

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


# What the shared form macros (templates/macros/forms.html) ask of a field

# where a limit is technical rather than something a person writes up to
UNCOUNTED_FIELDS = (PasswordField, EmailField)


def text_limit(field: Field) -> int | None:
    """The most characters a typed text field takes, for its counter and its hint: its
    ``Length`` validator's maximum, else the limit the form gives the browser. None for
    fields without one, and for passwords and e-mail addresses."""
    if not is_typed_text(field) or isinstance(field, UNCOUNTED_FIELDS):
        return None
    maxima = [v.max for v in field.validators if isinstance(v, Length) and v.max not in (None, -1)]
    if maxima:
        return min(maxima)
    given = (field.render_kw or {}).get("maxlength")
    return int(given) if given else None


def control_attributes(field: Field, hint: str | None) -> dict:
    """The attributes of a field's control: what describes it (its hint, which states its
    limit, and its errors), whether it is invalid, and its limit with the counter's wording
    (static/js/forms.js)."""
    limit = text_limit(field)
    described = [f"{field.id}-hint"] if hint or limit else []
    attributes = {}
    if field.errors:
        described.append(f"{field.id}-errors")
        attributes["aria-invalid"] = "true"
    if described:
        attributes["aria-describedby"] = " ".join(described)
    if limit:
        attributes["maxlength"] = limit
        attributes["data-counter"] = _("{count} of {max} characters")
    return attributes


def field_target(field: Field) -> str:
    """The id an error summary's link points at: a choice of radio buttons, its first."""
    return f"{field.id}-0" if isinstance(field, RadioField) else field.id


def field_key(field: Field, hint: str | None) -> tuple | None:
    """Everything the ``field`` macro renders a fresh field from, to keep its markup by
    (``app.core.templating.kept``): its kind, names, label, value, choices, attributes,
    flags, widget and hint. None for a field filled in from a request or with errors: what
    a person typed is shown back to them, never kept."""
    if field.raw_data is not None or field.errors:
        return None
    return (
        field.type,
        field.id,
        field.name,
        str(field.label.text),
        str(field.description),
        repr(field.data),
        repr(_choices(field)),
        repr(field.render_kw),
        repr(sorted(vars(field.flags).items())),
        _widget(field.widget),
        _widget(getattr(field, "option_widget", None)),
        getattr(field, "format", None),
        str(hint) if hint is not None else None,
    )


def _choices(field: Field) -> list | None:
    choices = getattr(field, "choices", None)
    if choices is None:
        return None
    return [tuple(str(part) for part in choice) for choice in choices]


def _widget(widget) -> tuple | None:
    return None if widget is None else (type(widget).__name__, repr(sorted(vars(widget).items())))
