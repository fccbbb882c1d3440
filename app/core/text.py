"""The one check of a person's free text: stripped, present where it must be, and within its
limit.

A service checks each text it stores with ``checked_text`` and raises its feature's refusal
(any ``Refused``) naming the form field, so the message stands beside what was typed."""

from flask_babel import lazy_gettext as _l

from app.core.errors import Refused


def checked_text(
    value: str | None,
    field: str,
    *,
    maximum: int,
    missing=None,
    refusal: type[Refused] = Refused,
) -> str:
    """``value`` stripped of surrounding space; refused, naming ``field``, when it is longer
    than ``maximum`` characters, or empty while ``missing`` says what to write (with no
    ``missing``, an empty text is returned as ``""``)."""
    text = (value or "").strip()
    if not text and missing is not None:
        raise refusal(missing, field)
    if len(text) > maximum:
        raise refusal(
            _l(
                "This text has %(length)d characters; at most %(limit)d are allowed.",
                length=len(text),
                limit=maximum,
            ),
            field,
        )
    return text
