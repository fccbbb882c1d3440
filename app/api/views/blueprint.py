"""The API's blueprint, and how it answers errors: always as problem details."""

from flask import Blueprint, request
from werkzeug.exceptions import HTTPException, InternalServerError

from app.api.problems import InvalidRequest, invalid_request, problem, problem_for
from app.api.requests import limit_body_size
from app.core.error_pages import error_page

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(limit_body_size)


@bp.errorhandler(InvalidRequest)
def _invalid_request(error: InvalidRequest):
    return invalid_request(error)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return problem_for(error)


@bp.errorhandler(InternalServerError)
def _server_error(_error: InternalServerError):
    return problem(500, "Something went wrong on our side; the request was not carried out.")


# A URL that matches no route (404) or not with this method (405) belongs to no blueprint,
# so these two are registered on the app: problem details under /api/, the site's page
# elsewhere.
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def _routing_error(error: HTTPException):
    if request.path.startswith("/api/"):
        return problem_for(error)
    return error_page(error)
