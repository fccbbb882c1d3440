"""The one check of a person's free text: stripped, made of what people type, present where it
must be, and within its limit.

A service checks each text it stores with ``checked_text`` and raises its feature's refusal
(any ``Refused``) naming the form field, so the message stands beside what was typed."""

import unicodedata

from flask_babel import lazy_gettext as _l

from app.core.errors import Refused

# characters that reorder the text around them: a "file name" that reads backwards
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# letters and symbols that draw nothing, used to pass "not empty" checks
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\u2800\uffa0")
LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85\x0b\x0c")


def checked_text(
    value: str | None,
    field: str,
    *,
    maximum: int,
    missing=None,
    one_line: bool = False,
    refusal: type[Refused] = Refused,
) -> str:
    """``value`` stripped of surrounding space; refused, naming ``field``, when it holds a
    control character (NUL and the like; line breaks and tabs are text, unless ``one_line``)
    or a bidirectional override, when it is longer than ``maximum`` characters, or when it is
    empty — or only invisible characters — while ``missing`` says what to write (with no
    ``missing``, an empty text is returned as ``""``)."""
    text = (value or "").strip()
    problem = text_problem(text, one_line=one_line)
    if problem is not None:
        raise refusal(problem, field)
    if not is_visible(text):
        if missing is not None:
            raise refusal(missing, field)
        text = ""
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


def text_problem(text: str, *, one_line: bool = False):
    """Why ``text`` is not something a person types, or None."""
    if one_line and any(character in LINE_BREAKS for character in text):
        return _l("Keep it on one line.")
    for character in text:
        if character in BIDI_CONTROLS:
            return _l("Remove the characters that change the direction of the text.")
        if unicodedata.category(character) == "Cc" and character not in "\n\r\t":
            return _l("Remove the control characters (such as NUL) from the text.")
    return None


def is_visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only spaces and invisible format characters
    (zero-width spaces, joiners, word joiners)."""
    return any(
        not character.isspace()
        and unicodedata.category(character) not in ("Cf", "Zs")
        and character not in BLANK_LOOKING
        for character in text
    )
