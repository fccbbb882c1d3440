"""Every wrapped string has a Simplified Chinese translation, and the catalogue is current."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.core.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app"
CATALOGUE = APP / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "_l": None, "lazy_gettext": None, "gettext": None, "ngettext": (1, 2)}


def _catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="zh_Hans")


def _msgid(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def test_every_message_in_the_code_is_in_the_catalogue():
    in_code = {
        _msgid(message) if not isinstance(message, tuple) else message[0]
        for _file, _line, message, *_rest in extract_from_dir(str(APP), METHODS, keywords=KEYWORDS)
    }
    in_catalogue = {_msgid(message.id) for message in _catalogue() if message.id}
    missing = sorted(in_code - in_catalogue)
    assert missing == [], f"run `make extract-messages` and translate: {missing}"


def test_every_message_is_translated():
    untranslated = [
        _msgid(message.id)
        for message in _catalogue()
        if message.id and ("fuzzy" in message.flags or not _msgid(message.string or ("",)))
    ]
    assert untranslated == []
