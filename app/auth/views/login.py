"""Log in (the password, then the code where two-factor login is on), log out, register,
and the e-mailed links that confirm an address or claim an imported account."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import limits
from app.auth.errors import AccountError, AccountLocked
from app.auth.forms import ButtonForm, ClaimForm, LoginForm, RegistrationForm
from app.auth.limits import TooManyAttempts
from app.auth.models import User
from app.auth.services import Registration, authenticate, claim_account, register, verify_email
from app.auth.two_factor import pending_login_state
from app.auth.views.blueprint import bp, refused_for_now, sign_in, sign_out
from app.core.db import writes_on_get
from app.core.extensions import db
from app.core.forms import apply_error
from app.core.urls import safe_next_url

# the session's note of a login whose password was right and whose code is still to come
PENDING_LOGIN = "two_factor_login"


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            attempt = limits.count_attempt("login", form.email.data)
        except TooManyAttempts as refusal:
            return refused_for_now("auth/login.html", form, refusal)
        try:
            user = authenticate(form.email.data, form.password.data)
        except AccountLocked as error:
            apply_error(form, error)
        else:
            if user is not None:
                limits.refund(attempt)  # only failures use up the limit
                return _password_accepted(user, form.remember.data, form.next.data)
            form.password.errors.append(_("Wrong e-mail address or password."))
    elif not form.is_submitted():
        form.next.data = safe_next_url(request.args.get("next"))
    return render_template("auth/login.html", form=form)


def _password_accepted(user: User, remember: bool, next_url: str | None):
    """Logged in now, or, with two-factor login on, once a code follows (nothing before)."""
    next_url = safe_next_url(next_url)
    if user.has_two_factor:
        session[PENDING_LOGIN] = pending_login_state(user) | {
            "remember": bool(remember),
            "next": next_url,
        }
        db.session.commit()  # a password hash brought up to the current parameters
        return redirect(url_for("auth.two_factor"))
    session.pop(PENDING_LOGIN, None)  # another account's half-done login, left behind
    sign_in(user, remember=remember)
    db.session.commit()
    return redirect(next_url or url_for("public.index"))


@bp.post("/logout")
def logout():
    if ButtonForm().validate_on_submit():
        sign_out(everywhere=True)
        db.session.commit()
        flash(_("You are logged out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
def register_account():
    """Every registration that passes the form gets the same page, whether the address was
    new or not: what differs is in the e-mail its owner receives."""
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            limits.count_attempt("registration", form.email.data)
        except TooManyAttempts as refusal:
            return refused_for_now("auth/register.html", form, refusal)
        try:
            register(
                Registration(
                    form.email.data,
                    form.display_name.data,
                    form.password.data,
                    form.time_zone.data,
                )
            )
        except AccountError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            return render_template("auth/registration_sent.html", email=form.email.data)
    return render_template("auth/register.html", form=form)


@bp.get("/verify/<token>")
@writes_on_get
def verify(token: str):
    try:
        user = verify_email(token)
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("public.index"))
    if user is None:
        if not current_user.is_authenticated:
            flash(_("Your e-mail address is already confirmed: log in."), "info")
            return redirect(url_for("auth.login"))
        return redirect(url_for("public.index"))
    sign_in(user)
    db.session.commit()
    flash(_("Thank you, your e-mail address is confirmed. Welcome to Tribunal."), "success")
    return redirect(url_for("public.index"))


@bp.route("/claim/<token>", methods=["GET", "POST"])
def claim(token: str):
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            user = claim_account(token, form.display_name.data, form.password.data)
        except AccountError as error:
            apply_error(form, error)
        else:
            sign_in(user)
            db.session.commit()
            flash(_("Your password is set. Welcome to Tribunal."), "success")
            return redirect(url_for("public.index"))
    return render_template("auth/claim.html", form=form)
