"""The ``auth`` blueprint; how a request finds its account, and how a login begins and ends.

Flask-Login keeps a user id in the session (and the remember-me cookie). Here that id is the
key of one login (``app.auth.sessions``), so ending the login on the server ends what every
copy of those cookies can do.
"""

from flask import Blueprint, make_response, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app.auth.limits import TooManyAttempts
from app.auth.models import User
from app.auth.sessions import end_all_logins, end_login, open_login, user_for_login
from app.auth.two_factor import must_set_up_two_factor
from app.core.extensions import login_manager
from app.core.forms import apply_error
from app.core.i18n import select_locale

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"

# Flask-Login's session key for the user id; it holds the login's key here
LOGIN_KEY = "_user_id"


@login_manager.user_loader
def load_user(key: str) -> User | None:
    return user_for_login(key)


def refused_for_now(template: str, form, refusal: TooManyAttempts):
    """The form again with the wait above it: 429 and Retry-After."""
    apply_error(form, refusal)
    response = make_response(render_template(template, form=form), 429)
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def sign_in(user: User, *, remember: bool = False) -> None:
    """Log ``user`` in on this device with a login of its own; the caller commits."""
    if login_user(user, remember=remember):
        session[LOGIN_KEY] = open_login(user, remember=remember)
        user.locale = select_locale()  # notifications speak the language they use


def sign_out(*, everywhere: bool) -> None:
    """End this device's login on the server, or, ``everywhere``, every login of its
    account (logging out ends them all: an old copy of any device's cookies opens nothing),
    then forget it in the cookies."""
    key = session.get(LOGIN_KEY)
    if key is not None:
        user = user_for_login(key) if everywhere else None
        if user is not None:
            end_all_logins(user)
        else:
            end_login(key)
    logout_user()


# Pages a staff member who must set up two-factor login can still reach
OPEN_BEFORE_TWO_FACTOR = frozenset(
    {
        "auth.two_factor_setup",
        "auth.start_two_factor",
        "auth.logout",
        "auth.logout_everywhere",
        "i18n.set_language",
        "static",
    }
)


@bp.before_app_request
def _two_factor_first():
    """While two-factor login is required of staff, a mediator or admin without it is sent
    to set it up, from every page, until they have."""
    if request.endpoint in OPEN_BEFORE_TWO_FACTOR or request.blueprint == "api":
        return None
    if current_user.is_authenticated and must_set_up_two_factor(current_user):
        return redirect(url_for("auth.two_factor_setup"))
    return None
