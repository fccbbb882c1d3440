"""Route guards that ask the one question a view needs answered."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.auth.models import Role


def role_required(role: Role):
    """Logged in and holding ``role``; otherwise the login page (anonymous) or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def staff_required(view):
    """Logged in as a mediator or admin; otherwise the login page (anonymous) or 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
