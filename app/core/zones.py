"""The reader's time zone: every time a page or a message shows is in it.

A person's own choice (``User.time_zone``) comes first; without one, the language decides
(``DEFAULT_TIME_ZONES``: Asia/Shanghai for Chinese), then ``BABEL_DEFAULT_TIMEZONE``. Flask-Babel
asks ``select_timezone`` once per request, so ``|datetimeformat``, ``|dateformat`` and
``format_datetime`` all follow it; ``as_reader`` writes a message in its recipient's language
and zone instead of the request's.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pytz
from babel.dates import format_date, format_time, get_datetime_format
from flask import current_app, g, has_request_context
from flask_babel import force_locale, get_locale, get_timezone
from flask_login import current_user

# the regions of the IANA database whose zones are places people live; the rest are
# aliases kept for old systems (US/Eastern, Etc/GMT+5, …)
_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


class Reader(Protocol):
    """Whom a message is written for: a language and a time zone, either possibly unset."""

    locale: str | None
    time_zone: str | None


@cache
def zone_names() -> tuple[str, ...]:
    """Every zone a person may choose, sorted: the places in the IANA database that both
    ``zoneinfo`` (which checks a choice) and Flask-Babel's pytz (which formats) know."""
    known = available_timezones() & pytz.all_timezones_set
    return ("UTC", *sorted(name for name in known if name.startswith(_REGIONS)))


def checked_zone(name: str | None) -> str | None:
    """``name`` if it is a zone a person may choose, else None."""
    if not name or name not in zone_names():
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def default_zone(locale: str) -> str:
    """The zone for someone who chose none: their language's, else the site's."""
    return current_app.config["DEFAULT_TIME_ZONES"].get(
        locale, current_app.config["BABEL_DEFAULT_TIMEZONE"]
    )


def select_timezone() -> str:
    """Flask-Babel's time zone selector: the person's choice, else their language's zone."""
    if has_request_context() and current_user.is_authenticated and current_user.time_zone:
        return current_user.time_zone
    return default_zone(str(get_locale()))


@contextmanager
def as_reader(reader: Reader) -> Iterator[None]:
    """Within, texts are translated into ``reader``'s language and times shown in their zone
    (a message to them is composed in a request or a sweep that is nobody's, or someone
    else's)."""
    locale = reader.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    zone = checked_zone(reader.time_zone) or default_zone(locale)
    with force_locale(locale):
        state = g._flask_babel  # where Flask-Babel keeps the zone it chose for the request
        had = getattr(state, "babel_tzinfo", None)
        state.babel_tzinfo = pytz.timezone(zone)
        try:
            yield
        finally:
            state.babel_tzinfo = had


def zone_abbreviation(moment: datetime) -> str:
    """The zone's short name at ``moment`` (CST, CET, CEST, UTC); a zone the database gives
    no letters for shows its offset (UTC+04)."""
    name = moment.tzname() or "UTC"
    return f"UTC{name}" if name[0] in "+-" else name


def format_zoned(moment: datetime) -> str:
    """A moment to the minute in the reader's language and zone, naming the zone:
    "Dec 1, 2026, 2:13 PM CST", "2026年12月1日 14:13 CST". Deadlines are shown so, and
    every time a message gives."""
    zone, locale = get_timezone(), get_locale()
    local = zone.normalize(moment.astimezone(zone))
    # the locale's way to join a date and a time ("{1}, {0}" in English, "{1} {0}" in Chinese)
    joined = get_datetime_format("medium", locale).replace("'", "")
    text = joined.replace("{0}", format_time(local, "short", tzinfo=zone, locale=locale))
    text = text.replace("{1}", format_date(local, "medium", locale=locale))
    return f"{text} {zone_abbreviation(local)}"
