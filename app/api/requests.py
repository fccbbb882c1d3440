"""Reading what a request sends: its JSON body, and the fields of a JSON object or a query
string, each wrong field reported by name (``InvalidRequest``) rather than the first only."""

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from flask import abort, current_app, request

from app.api.problems import InvalidRequest, problem

# JSON's integers are unbounded; ids and amounts past 64 bits are refused as they are read
MAX_INTEGER = 2**63 - 1
# an unknown field's name is echoed in the problem, cut to this length
NAME_SHOWN_CHARS = 100


def limit_body_size() -> None:
    """JSON bodies are held to ``API_MAX_BODY_BYTES``; file uploads to the site's own limit."""
    if request.mimetype != "multipart/form-data":
        request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]


def json_body() -> Any:
    """The decoded JSON body: 415 if it is not sent as JSON, 400 if it does not decode."""
    if not request.is_json:
        abort(problem(415, "Send the body as JSON, with Content-Type: application/json."))
    try:
        return json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError) as error:  # bad syntax or UTF-8, or nested too deep
        abort(problem(400, f"The body is not valid JSON: {error}"))


class Fields:
    """Typed fields of a JSON object (status 422) or a query string (status 400). Each
    getter returns the value, or None after noting the problem; ``check`` then raises one
    ``InvalidRequest`` listing them all. Names not in ``known`` are problems too, so a
    misspelt field is never ignored."""

    def __init__(self, values: dict, known: set[str], status: int):
        self.values = values
        self.status = status
        self.errors: list[tuple[str, str]] = [
            (str(name)[:NAME_SHOWN_CHARS], "is not a field of this request")
            for name in values
            if name not in known
        ]

    def problem(self, name: str, message: str) -> None:
        self.errors.append((name, message))

    def _present(self, name: str, required: bool) -> bool:
        if self.values.get(name) is None:
            if required:
                self.problem(name, "is required")
            return False
        return True

    def text(self, name: str, *, required: bool = True) -> str | None:
        if not self._present(name, required):
            return None
        value = self.values[name]
        if not isinstance(value, str):
            self.problem(name, "must be a string")
            return None
        return value

    def choice(self, name: str, enum: type[StrEnum], allowed=None, required: bool = True):
        """A member of ``enum`` (of ``allowed`` when given), or None."""
        value = self.text(name, required=required)
        options = [member.value for member in (allowed or enum)]
        if value is None:
            return None
        if value not in options:
            self.problem(name, f"must be one of: {', '.join(options)}")
            return None
        return enum(value)

    def integer(self, name: str, *, minimum: int = 0, required: bool = False) -> int | None:
        if not self._present(name, required):
            return None
        value = self.values[name]
        if self.status == 400 and isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)  # a query string's number
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(name, "must be a whole number")
            return None
        if not minimum <= value <= MAX_INTEGER:
            self.problem(name, f"must be a whole number from {minimum} to {MAX_INTEGER}")
            return None
        return value

    def boolean(self, name: str) -> bool:
        if not self._present(name, required=False):
            return False
        value = self.values[name]
        if not isinstance(value, bool):
            self.problem(name, "must be true or false")
            return False
        return value

    def time(self, name: str) -> datetime | None:
        """An ISO 8601 time with its UTC offset."""
        value = self.text(name, required=False)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC)
        except (ValueError, OverflowError):  # not a time, or past the edge of the calendar
            pass
        self.problem(name, "must be a time with its UTC offset, e.g. 2026-01-05T10:00:00Z")
        return None

    def check(self) -> None:
        if self.errors:
            raise InvalidRequest(self.status, self.errors)


def body_fields(known: set[str]) -> Fields:
    """The fields of a JSON object body (422 when they are wrong, 400 if it is no object)."""
    body = json_body()
    if not isinstance(body, dict):
        abort(problem(400, "The body must be a JSON object."))
    return Fields(body, known, 422)


def query_fields(known: set[str]) -> Fields:
    """The query string's parameters, each given once (400 when they are wrong)."""
    fields = Fields(request.args.to_dict(), known, 400)
    for name in request.args:
        if len(request.args.getlist(name)) > 1:
            fields.problem(name, "is given more than once")
    return fields
