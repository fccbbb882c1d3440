"""What every template can see: the language form and the translation functions templates
call. Features add what they own (the unread count, the scheduler's health) with context
processors of their own."""

from flask import Flask, g, request
from flask_babel import get_locale, get_translations

from app.core.i18n import LanguageForm
from app.core.money import format_amount
from app.core.zones import format_zoned


def _layout_context() -> dict:
    return {
        "language_form": LanguageForm(
            formdata=None, locale=str(get_locale()), next=request.full_path.rstrip("?")
        ),
        "current_locale_tag": lambda: str(get_locale()).replace("_", "-"),
    }


def _translations():
    """Flask-Babel's translations for the locale in force, remembered on ``g`` for as long
    as that locale holds (``force_locale`` sets another). A page calls ``_()`` hundreds of
    times, and looking the translations up anew each time cost a fifth of its rendering."""
    state = g.get("_flask_babel")  # Flask-Babel keeps the chosen or forced locale here
    locale = getattr(state, "babel_locale", None)
    remembered = g.get("_template_translations")
    if locale is not None and remembered is not None and remembered[0] is locale:
        return remembered[1]
    translations = get_translations()
    g._template_translations = (get_locale(), translations)
    return translations


def _gettext(string: str) -> str:
    return _translations().ugettext(string)


def _ngettext(singular: str, plural: str, number: int) -> str:
    return _translations().ungettext(singular, plural, number)


def init_app(app: Flask) -> None:
    app.context_processor(_layout_context)
    # Jinja's own wrappers format the variables and escape, as with Flask-Babel's callables
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    app.jinja_env.globals["format_amount"] = format_amount
    app.jinja_env.filters["zoned"] = format_zoned
