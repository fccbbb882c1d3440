"""The case page's evidence timelines, rendered once and kept.

Entries are never changed, only added, so a case's timelines read the same until its next
entry. The HTML is kept per case, language and the exact list of entries (their ids and
hashes), in a bounded least-recently-used store of this process; a new entry, a correction
or a retraction makes a new list and so a new rendering. Nothing but the entries and the
language goes into the HTML: no viewer, no clock.
"""

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from types import SimpleNamespace

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

KEPT_RENDERINGS = 256


class RenderedTimelines:
    def __init__(self, size: int):
        self._size = size
        self._kept: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple, render: Callable[[], Markup]) -> Markup:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        html = render()
        with self._lock:
            self._kept[key] = html
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


RENDERED = RenderedTimelines(KEPT_RENDERINGS)


def rendered_timelines(case, timelines, helpers: dict) -> SimpleNamespace:
    """The on-time and late timelines of ``case`` as HTML (None where one is empty)."""
    entries = tuple((entry.id, entry.entry_hash) for entry in timelines.by_id.values())
    key = (case.id, str(get_locale()), entries)

    def render(part: str, title_id: str) -> Callable[[], Markup]:
        template = current_app.jinja_env.get_template("cases/_timeline.html")
        context = dict(helpers, case=case, timelines=timelines, title_id=title_id)
        # the template escapes what it renders (autoescape on .html), so its output is markup
        return lambda: Markup(template.render(context, entries=getattr(timelines, part)))  # noqa: S704

    return SimpleNamespace(
        on_time=RENDERED.get((*key, "on_time"), render("on_time", "timeline-title"))
        if timelines.on_time
        else None,
        late=RENDERED.get((*key, "late"), render("late", "late-title")) if timelines.late else None,
    )
