"""Error pages: in the site's layout and the reader's language, each saying what happened,
what to do next, and a way back (the home page; the page the reader came from, when it is
on this site; logging in, when that would help).

Registered on the app for every HTTP error; a feature may answer its own paths otherwise
(the API answers with problem documents and calls ``error_page`` for every other path). A
rate limit's page says in words when to try again, from the limit's reset time, and sends
Retry-After. The server error's page reads nothing from the database: the session is rolled
back first and the page is rendered without the features' context processors (they ask the
database who is logged in); it shows a reference that the log's line carries too.
"""

import math
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    g,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from app.core.extensions import db, limiter, login_manager
from app.core.templating import layout_context
from app.core.urls import safe_next_url


@dataclass(frozen=True)
class ErrorText:
    """What an error page says: its heading, what happened, and what to do next."""

    title: str
    what_happened: str
    what_to_do: str


ERROR_TEXTS = {
    400: ErrorText(
        _l("The request could not be understood"),
        _l(
            "Something your browser sent was incomplete or not what this page expects, so "
            "nothing was done."
        ),
        _l("Go back, reload the page and try again."),
    ),
    401: ErrorText(
        _l("Please log in"),
        _l("This page is only for people who are logged in."),
        _l("Log in, then open the page again."),
    ),
    403: ErrorText(
        _l("You cannot open this page"),
        _l("Your account may not see this page or do this."),
        _l(
            "If you think you should be able to, ask the platform's staff. Otherwise go back, "
            "or start again from the home page."
        ),
    ),
    404: ErrorText(
        _l("Page not found"),
        _l("There is no page at this address. The link may be mistyped or out of date."),
        _l("Check the address, go back, or start again from the home page."),
    ),
    405: ErrorText(
        _l("This page cannot be used this way"),
        _l(
            "The address exists, but not for this kind of request: a form may have been sent "
            "to a page that only shows information."
        ),
        _l("Go back and use the page's own links and buttons."),
    ),
    413: ErrorText(
        _l("What you sent is too large"),
        _l("The file or text you sent is larger than the site accepts, so nothing was saved."),
        _l("Go back and send a smaller file: each form says how large a file may be."),
    ),
    429: ErrorText(
        _l("Too many attempts"),
        _l("You tried this too many times in a short while, so the site has paused it for now."),
        _l("Please wait a little and try again."),
    ),
    500: ErrorText(
        _l("Something went wrong on our side"),
        _l(
            "The site could not finish your request. It was not your fault, and what you asked "
            "may not have been done."
        ),
        _l(
            "Please try again in a few minutes. If it keeps happening, contact the platform "
            "and give this reference:"
        ),
    ),
}
EXPIRED_FORM = ErrorText(
    _l("This form has expired"),
    _l(
        "The form was open too long, or it was sent from another page or site, so nothing was done."
    ),
    _l("Go back, reload the page and send the form again."),
)
OTHER_ERROR = ErrorText(
    _l("This request could not be carried out"),
    _l("The site could not do what was asked, so nothing was done."),
    _l("Go back, or start again from the home page."),
)


def wait_in_words(seconds: int) -> str:
    """When to try again, in whole minutes rounded up: "Please wait 3 minutes and try again"."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Please wait a minute and try again.",
        "Please wait %(num)d minutes and try again.",
        minutes,
    )


def error_page(error: HTTPException) -> Response | HTTPException:
    """The page for an HTTP error, keeping the error's own headers (Allow, Retry-After)."""
    if error.code is None or error.response is not None:  # its response is already made
        return error
    text = EXPIRED_FORM if isinstance(error, CSRFError) else ERROR_TEXTS.get(error.code)
    text = text or OTHER_ERROR
    what_to_do = text.what_to_do
    wait = seconds_to_wait(error) if error.code == 429 else None
    if wait is not None:
        what_to_do = wait_in_words(wait)
    page = render_template(
        "errors/page.html", code=error.code, text=text, what_to_do=what_to_do, **_ways_back(error)
    )
    response = make_response(page, error.code)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    return response


def seconds_to_wait(error: HTTPException) -> int | None:
    """Until the limit that refused the request lets it through again, in seconds."""
    breached = limiter.current_limit if isinstance(error, RateLimitExceeded) else None
    if breached is not None:
        # the limiter's storage keeps real time, not the application's movable clock
        return max(1, math.ceil(breached.window.reset_time - time.time()))
    retry_after = getattr(error, "retry_after", None)
    return retry_after if isinstance(retry_after, int) else None


def _ways_back(error: HTTPException) -> dict:
    login_url = None
    if error.code in (401, 403) and not current_user.is_authenticated:
        next_url = request.full_path.rstrip("?") if request.method == "GET" else None
        login_url = url_for(login_manager.login_view, next=next_url)
    return {"login_url": login_url, "back_url": came_from()}


def came_from() -> str | None:
    """The page the reader came from, if it is a page of this site other than this one."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if path == request.full_path.rstrip("?"):
        return None
    return safe_next_url(path)


def server_error_page(error: InternalServerError) -> Response:
    """The page for an unexpected error: rolled back, logged under a reference the page
    shows, and rendered without reading the database."""
    reference = secrets.token_hex(4).upper()
    cause = error.original_exception or error
    # the line a reader's report is matched to (Flask's traceback comes just before it):
    # the route, not the path or query, which may hold tokens; production's database errors
    # carry no parameters (ProductionConfig), so the traceback holds no personal data either
    current_app.logger.error(
        "Server error %s: %s in %s %s",
        reference,
        type(cause).__name__,
        request.method,
        request.url_rule.rule if request.url_rule else "(no route)",
    )
    db.session.rollback()
    page = current_app.jinja_env.get_template("errors/server_error.html").render(
        **layout_context(),
        request=request,
        session=session,
        g=g,
        config=current_app.config,
        code=500,
        text=ERROR_TEXTS[500],
        what_to_do=ERROR_TEXTS[500].what_to_do,
        reference=reference,
        back_url=came_from(),
        login_url=None,
    )
    response = make_response(page, 500)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(InternalServerError, server_error_page)
