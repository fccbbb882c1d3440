"""The one refusal type: what someone asked cannot be done, and why.

Every feature's refusals derive from ``Refused``, so a view catches one thing and shows the
message beside the form field it names (``app.core.forms.apply_error``)."""


class Refused(Exception):
    """``message`` is meant for the person (translatable); ``field`` names the form field at
    fault, or None when the refusal concerns the whole request."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
