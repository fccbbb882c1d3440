"""Register, log in, log out, verify and claim accounts, change the password."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import emails, limits
from app.auth.forms import ChangePasswordForm, ClaimForm, LoginForm, LogoutForm, RegistrationForm
from app.auth.limits import TooManyAttempts
from app.auth.models import User
from app.auth.services import (
    AccountError,
    Registration,
    authenticate,
    change_password,
    claim_account,
    register,
    verify_email,
)
from app.core.db import writes_on_get
from app.core.extensions import db, login_manager
from app.core.forms import apply_error
from app.core.i18n import select_locale
from app.core.urls import safe_next_url

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def refused_for_now(template: str, form, refusal: TooManyAttempts):
    """The form again, with the wait above it: 429 and Retry-After."""
    apply_error(form, refusal)
    response = make_response(render_template(template, form=form), 429)
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            attempt = limits.count_attempt("login", form.email.data)
        except TooManyAttempts as refusal:
            return refused_for_now("auth/login.html", form, refusal)
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            limits.refund(attempt)  # only failures use up the limit
            user.locale = select_locale()  # notifications speak the language they use
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data) or url_for("public.index"))
        form.password.errors.append(_("Wrong e-mail address or password."))
    elif not form.is_submitted():
        form.next.data = safe_next_url(request.args.get("next"))
    return render_template("auth/login.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
def register_account():
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            limits.count_attempt("registration", form.email.data)
        except TooManyAttempts as refusal:
            return refused_for_now("auth/register.html", form, refusal)
        try:
            registered = register(
                Registration(form.email.data, form.display_name.data, form.password.data)
            )
        except AccountError as error:
            apply_error(form, error)
        else:
            user = registered.user
            if not registered.needs_claim:
                emails.send_verification(user)
                db.session.commit()
                login_user(user)
                flash(_("Welcome! We sent you a link to confirm your e-mail address."), "success")
                return redirect(url_for("public.index"))
            emails.send_claim_link(user)
            db.session.commit()
            flash(
                _(
                    "This address is already known to Tribunal. We e-mailed you a link to "
                    "prove it is yours and set your password."
                ),
                "info",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.get("/verify/<token>")
@writes_on_get
def verify(token: str):
    try:
        verify_email(token)
    except AccountError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Thank you, your e-mail address is confirmed."), "success")
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
            db.session.commit()
            login_user(user)
            flash(_("Your password is set. Welcome to Tribunal."), "success")
            return redirect(url_for("public.index"))
    return render_template("auth/claim.html", form=form)


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except AccountError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("public.index"))
    return render_template("auth/password.html", form=form)
