"""Forgot your password? Ask for a link by e-mail, then set a new password through it."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.auth import limits, reset
from app.auth.errors import AccountError
from app.auth.forms import RequestResetForm, ResetPasswordForm
from app.auth.limits import TooManyAttempts
from app.auth.views.blueprint import bp, refused_for_now, sign_out
from app.core.extensions import db
from app.core.forms import apply_error


@bp.route("/password/forgot", methods=["GET", "POST"])
def request_password_reset():
    """The same page follows for every address, known or not."""
    form = RequestResetForm()
    if form.validate_on_submit():
        try:
            limits.count_attempt("password_reset", form.email.data)
        except TooManyAttempts as refusal:
            return refused_for_now("auth/request_reset.html", form, refusal)
        reset.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/request_reset.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        reset.user_for_reset(token)
    except AccountError as error:
        return render_template("auth/reset_password.html", form=None, problem=str(error))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset.reset_password(token, form.password.data)
        except AccountError as error:
            apply_error(form, error)
        else:
            sign_out(everywhere=False)  # the account's logins have all ended already
            db.session.commit()
            flash(
                _(
                    "Your new password is set, and every login of the account has ended. "
                    "Log in with it."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, problem=None)
