"""The case page's evidence timelines, rendered once and kept.

Entries are never changed, only added, so a case's timelines read the same until its next
entry. The HTML is kept per case, language and the exact list of entries (their ids and
hashes), in a bounded least-recently-used store of this process; a new entry, a correction
or a retraction makes a new list and so a new rendering. Nothing but the entries and the
language goes into the HTML: no viewer, no clock.
"""

from collections.abc import Callable
from types import SimpleNamespace

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from app.core.kept import KeptMarkup

KEPT_RENDERINGS = 256
RENDERED = KeptMarkup(KEPT_RENDERINGS)


def rendered_timelines(
    case, outline: SimpleNamespace, read: Callable[[], SimpleNamespace], helpers: dict
) -> SimpleNamespace:
    """The on-time and late timelines of ``case`` as HTML (None where one is empty), kept by
    the ``outline`` of its entries; ``read()`` gives the entries themselves, read only when
    a timeline is rendered anew."""
    entries = tuple((entry.id, entry.entry_hash) for entry in outline.by_id.values())
    key = (case.id, str(get_locale()), entries)
    timelines = []  # read at most once, for both parts

    def render(part: str, title_id: str) -> Callable[[], Markup]:
        def rendered() -> Markup:
            if not timelines:
                timelines.append(read())
            template = current_app.jinja_env.get_template("cases/_timeline.html")
            context = dict(helpers, case=case, timelines=timelines[0], title_id=title_id)
            # the template escapes what it renders (autoescape on .html): its output is markup
            return Markup(template.render(context, entries=getattr(timelines[0], part)))  # noqa: S704

        return rendered

    return SimpleNamespace(
        on_time=RENDERED.get((*key, "on_time"), render("on_time", "timeline-title"))
        if outline.on_time
        else None,
        late=RENDERED.get((*key, "late"), render("late", "late-title")) if outline.late else None,
    )
