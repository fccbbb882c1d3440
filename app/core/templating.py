"""What every template can see: the language form and the translation functions templates
call. Features add what they own (the unread count, the scheduler's health) with context
processors of their own."""

from collections.abc import Callable, Hashable

from flask import Flask, g, request
from flask_babel import get_locale, get_translations
from markupsafe import Markup

from app.core.forms import control_attributes, field_key, field_target, text_limit
from app.core.kept import KeptMarkup
from app.core.money import format_amount
from app.core.zones import format_zoned


def layout_context() -> dict:
    """What the layout (``base.html``) needs; nothing here reads the database."""
    return {
        # the language form's values (base.html writes its fields out, as building the form
        # on every page cost more than the rest of the layout)
        "current_locale": str(get_locale()),
        "language_next": request.full_path.rstrip("?"),
        "current_locale_tag": lambda: str(get_locale()).replace("_", "-"),
    }


def _locale_and_translations():
    """The locale in force and Flask-Babel's translations for it, remembered on ``g`` for as
    long as that locale holds (``force_locale`` sets another). A page calls ``_()`` hundreds
    of times, and looking the translations up anew each time cost a fifth of its rendering."""
    state = g.get("_flask_babel")  # Flask-Babel keeps the chosen or forced locale here
    locale = getattr(state, "babel_locale", None)
    remembered = g.get("_template_translations")
    if locale is not None and remembered is not None and remembered[0] is locale:
        return remembered
    g._template_translations = (get_locale(), get_translations())
    return g._template_translations


def _gettext(string: str) -> str:
    return _locale_and_translations()[1].ugettext(string)


def _ngettext(singular: str, plural: str, number: int) -> str:
    return _locale_and_translations()[1].ungettext(singular, plural, number)


# a page's fields: a few dozen forms in two languages, and the choices some of them offer
KEPT_FIELDS = KeptMarkup(2048)


def kept(key: tuple[Hashable, ...] | None, caller: Callable[[], Markup]) -> Markup:
    """For ``{% call kept(key) %}…{% endcall %}``: the markup inside, rendered once per
    language for each ``key`` (which must name everything that markup is made of) and then
    kept; rendered every time when ``key`` is None."""
    if key is None:
        return caller()
    return KEPT_FIELDS.get((str(_locale_and_translations()[0]), *key), caller)


def init_app(app: Flask) -> None:
    app.context_processor(layout_context)
    # Jinja's own wrappers format the variables and escape, as with Flask-Babel's callables
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    app.jinja_env.globals["format_amount"] = format_amount
    app.jinja_env.filters["zoned"] = format_zoned
    app.jinja_env.globals.update(
        text_limit=text_limit,
        control_attributes=control_attributes,
        field_target=field_target,
        field_key=field_key,
        kept=kept,
    )
