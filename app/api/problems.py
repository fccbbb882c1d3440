"""Problem details (RFC 9457): the one shape in which the API reports every error."""

from typing import Any

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from app.core.errors import Refused

PROBLEM_JSON = "application/problem+json"
# Problem types with their own semantics (RFC 9457 §3.1.1); tag URIs (RFC 4151) name them
# without promising a page to resolve. Any other error is "about:blank": its HTTP status
# says it all and "detail" explains.
INVALID_ORDERS = "tag:tribunal,2026:problems/invalid-orders"
# a request whose fields are wrong: ``errors`` lists each field at fault and why
INVALID_REQUEST = "tag:tribunal,2026:problems/invalid-request"


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    type_uri: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": type_uri,
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update(extensions)
    response = current_app.response_class(
        current_app.json.dumps(body), status=status, mimetype=PROBLEM_JSON
    )
    response.headers.update(headers or {})
    return response


def problem_for(error: HTTPException) -> Response:
    """An HTTP error (404, 405, 413…) as problem details, keeping headers such as Allow."""
    if error.code is None:  # abort(response): the response is already made
        return error.get_response()
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    return problem(error.code, error.description, headers=headers)


class InvalidRequest(Exception):
    """Fields of the request are wrong: 400 for the query string, 422 for the body. Raised
    by a view; the blueprint answers it with a problem listing every field at fault."""

    def __init__(self, status: int, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.status = status
        self.errors = errors


def invalid_request(error: InvalidRequest) -> Response:
    count = len(error.errors)
    return problem(
        error.status,
        f"{count} problem{'s' if count != 1 else ''} found; nothing was done.",
        title="Invalid request",
        type_uri=INVALID_REQUEST,
        errors=[{"field": field, "message": message} for field, message in error.errors],
    )


def refused(error: Refused, fields: dict[str, str], default_field: str | None = None) -> Response:
    """A service's refusal: 422 naming the request's field when the refusal names one
    (``fields`` maps the service's field names to the API's), else 409: the request was
    well formed but the case's state does not allow it now."""
    field = fields.get(error.field, error.field) if error.field else default_field
    if field is None:
        return problem(409, str(error.message))
    return invalid_request(InvalidRequest(422, [(field, str(error.message))]))
