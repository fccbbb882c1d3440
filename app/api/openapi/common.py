"""Pieces every part of the OpenAPI document uses: references, problem responses, the
responses every authenticated operation may give, and small schema shapes."""

from app.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from app.api.idempotency import REPLAYED_HEADER
from app.api.models import Scope
from app.core.idempotency import KEY_MAX_LENGTH
from app.core.urls import MAX_ID

PROBLEM_JSON = "application/problem+json"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """``schema`` or null (JSON Schema 2020-12, as OpenAPI 3.1 uses it)."""
    return {"anyOf": [schema, {"type": "null"}]}


def time(description: str) -> dict:
    return {"type": "string", "format": "date-time", "description": description}


def fen(description: str) -> dict:
    return {"type": "integer", "description": f"{description} In fen (1/100 yuan)."}


def choice(values, description: str | None = None) -> dict:
    schema = {"type": "string", "enum": [str(value) for value in values]}
    if description:
        schema["description"] = description
    return schema


def problem_response(description: str, schema: str = "Problem", headers=None) -> dict:
    response = {"description": description, "content": {PROBLEM_JSON: {"schema": ref(schema)}}}
    if headers:
        response["headers"] = headers
    return response


def json_response(description: str, schema: dict, example=None, headers=None) -> dict:
    media = {"schema": schema}
    if example is not None:
        media["example"] = example
    response = {"description": description, "content": {"application/json": media}}
    if headers:
        response["headers"] = headers
    return response


def secured(scope: Scope, operation: dict) -> dict:
    """An operation that needs a token with ``scope``, with the answers every such
    operation may give besides its own."""
    responses = {
        "401": problem_response(
            "No token, or a wrong or revoked one.",
            headers={
                "WWW-Authenticate": {
                    "description": 'Bearer realm="tribunal", with error="invalid_token" when '
                    "a token was sent.",
                    "schema": {"type": "string"},
                }
            },
        ),
        "403": problem_response(f'The token lacks the scope "{scope}".', "MissingScopeProblem"),
        "429": problem_response(
            "The token made too many requests; wait as Retry-After says.",
            headers={
                "Retry-After": {
                    "description": "Seconds to wait before the next request counts.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
        ),
    }
    return {
        **operation,
        "security": [{"bearerToken": [scope.value]}],
        "responses": {**operation["responses"], **responses},
    }


CASE_ID = {
    "name": "case_id",
    "in": "path",
    "required": True,
    "description": "Tribunal's id of the case.",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}
IDEMPOTENCY_KEY = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Any unique string (a UUID, say). A retry with the same key and the same request "
        "gets the first answer again instead of doing it twice; the same key with another "
        "request is refused (422). Keys are kept 24 hours. A request that was refused or "
        "failed keeps nothing, so it may be corrected and sent again with its key."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": KEY_MAX_LENGTH,
        "pattern": "^[\\x20-\\x7e]+$",
    },
}
REPLAYED = {
    REPLAYED_HEADER: {
        "description": "true when this is the stored answer to an earlier request with the "
        "same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
PAGE_PARAMETERS = [
    {
        "name": "limit",
        "in": "query",
        "description": "How many items at most (default 20).",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
    {
        "name": "cursor",
        "in": "query",
        "description": "The next_cursor of the page before, to continue after it.",
        "schema": {"type": "string", "maxLength": 200},
    },
]


def page_of(item: str, example_item: dict) -> dict:
    """A page of a list, as Stripe pages: the items, whether more follow, and a cursor."""
    return {
        "type": "object",
        "required": ["data", "has_more", "next_cursor"],
        "properties": {
            "data": {"type": "array", "items": ref(item)},
            "has_more": {"type": "boolean", "description": "Whether another page follows."},
            "next_cursor": nullable(
                {"type": "string", "description": "Pass as cursor to get the next page."}
            ),
        },
        "examples": [{"data": [example_item], "has_more": False, "next_cursor": None}],
    }
