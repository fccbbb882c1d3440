"""Cursor pagination, as Stripe's lists page: ``limit`` items at most, ``has_more``, and an
opaque ``next_cursor`` that continues after the last item given.

A cursor holds the sort key of the last item given (base64url of JSON, not signed: changing
it only moves where the list continues, and it is checked like any input). Paging by the
sort key, never by an offset, keeps pages stable while rows are added: nothing is given
twice or skipped because a row came in ahead of the cursor.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from app.api.requests import Fields
from app.core.urls import MAX_ID

MAX_LIMIT = 100
CURSOR_MAX_CHARS = 200


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: list | None  # the sort key of the last item of the page before


@dataclass(frozen=True)
class Page:
    items: list
    has_more: bool
    next_cursor: str | None

    def as_dict(self, data: list) -> dict:
        """The list's answer, ``data`` being the page's items as the API shows them."""
        return {
            "data": data,
            "has_more": self.has_more,
            "next_cursor": self.next_cursor,
        }


def page_request(fields: Fields, key_parts: tuple[Callable[[Any], Any], ...]) -> PageRequest:
    """``limit`` and ``cursor`` from the query string. A cursor holds a sort key whose parts
    ``key_parts`` read (each raises ValueError or TypeError on what it cannot read)."""
    limit = fields.integer("limit", minimum=1)
    if limit is not None and limit > MAX_LIMIT:
        fields.problem("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    after = None
    cursor = fields.text("cursor", required=False)
    if cursor is not None:
        after = _decoded(cursor, key_parts)
        if after is None:
            fields.problem("cursor", "is not a cursor this list gave")
    return PageRequest(limit or current_app.config["API_PAGE_SIZE"], after)


def page_of(rows: list, limit: int, key_of) -> Page:
    """The page from ``rows``, fetched with ``limit + 1`` so that one more row tells there
    is more; ``key_of(row)`` is the row's sort key, as the next cursor holds it."""
    items = rows[:limit]
    has_more = len(rows) > limit
    return Page(items, has_more, _encoded(key_of(items[-1])) if has_more else None)


def _encoded(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def _decoded(cursor: str, key_parts: tuple[Callable[[Any], Any], ...]) -> list | None:
    if len(cursor) > CURSOR_MAX_CHARS:
        return None
    try:
        key: Any = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        if not isinstance(key, list) or len(key) != len(key_parts):
            return None
        return [read(part) for read, part in zip(key_parts, key, strict=True)]
    except (ValueError, TypeError, OverflowError, UnicodeError, binascii.Error, RecursionError):
        return None


def id_part(value: Any) -> int:
    """A row id in a cursor."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
        raise ValueError("not an id")
    return value


def time_part(value: Any) -> datetime:
    """A UTC time in a cursor, as ``time_key`` wrote it."""
    if not isinstance(value, str):
        raise TypeError("not a time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a time without its offset")
    return moment.astimezone(UTC)


def time_key(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
