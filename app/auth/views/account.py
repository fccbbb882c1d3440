"""The account page: the password, the time zone, where one is logged in, two-factor login."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.auth.errors import AccountError
from app.auth.forms import ButtonForm, ChangePasswordForm, TimeZoneForm, TwoFactorCodeForm
from app.auth.services import change_password, set_time_zone
from app.auth.sessions import live_logins, log_out_everywhere
from app.auth.two_factor import recovery_codes_left, staff_two_factor_required
from app.auth.views.blueprint import bp, sign_in
from app.core import clock
from app.core.extensions import db
from app.core.forms import apply_error


@bp.get("/account")
@login_required
def account():
    return _account_page(TimeZoneForm(time_zone=current_user.time_zone or ""))


def _account_page(time_zone_form: TimeZoneForm):
    user = current_user
    return render_template(
        "auth/account.html",
        time_zone_form=time_zone_form,
        now=clock.now(),
        logins=live_logins(user),
        recovery_codes=recovery_codes_left(user) if user.has_two_factor else None,
        two_factor_required=user.is_staff and staff_two_factor_required(),
        button=ButtonForm(),
        code_form=TwoFactorCodeForm(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current_password.data, form.password.data)
        except AccountError as error:
            apply_error(form, error)
        else:
            sign_in(user)  # every other login has ended; this device goes on with a new one
            db.session.commit()
            flash(
                _("Your password is changed. You are logged out on every other device."), "success"
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@bp.post("/account/time-zone")
@login_required
def time_zone():
    form = TimeZoneForm()
    if form.validate_on_submit():
        try:
            set_time_zone(current_user, form.time_zone.data)
        except AccountError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Times are now shown in your chosen time zone."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(form), 400


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    if ButtonForm().validate_on_submit():
        log_out_everywhere(current_user)
        db.session.commit()
        logout_user()
        flash(_("You are logged out on every device."), "info")
    return redirect(url_for("public.index"))
