"""Problem details (RFC 9457): the one shape in which the API reports every error."""

from typing import Any

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

PROBLEM_JSON = "application/problem+json"
# Problem types with their own semantics (RFC 9457 §3.1.1); tag URIs (RFC 4151) name them
# without promising a page to resolve. Any other error is "about:blank": its HTTP status
# says it all and "detail" explains.
INVALID_ORDERS = "tag:tribunal,2026:problems/invalid-orders"


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
