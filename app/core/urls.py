"""URLs: ids in paths, targets that come from the visitor, and links that leave the site."""

from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter

# the largest id an INTEGER column holds on every backend (PostgreSQL's is 32-bit)
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` for a database id: a number past what an id column can hold matches no
    route (404) instead of reaching the database and failing there."""

    def __init__(self, url_map, *args, max: int = MAX_ID, **kwargs):  # noqa: A002
        super().__init__(url_map, *args, max=max, **kwargs)


def init_app(app: Flask) -> None:
    """Before any blueprint: every ``<int:…>`` in a route is an ``IdConverter``."""
    app.url_map.converters["int"] = IdConverter


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def public_url(path: str) -> str:
    """``path`` on the site's configured address (``PUBLIC_BASE_URL``; unset, the address the
    site is served on), as e-mails, webhooks and the API link it: never on the Host a request
    named, which anyone can set (a reset link would then carry its token to their site)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
