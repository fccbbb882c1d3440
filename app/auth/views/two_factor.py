"""Two-factor login: the code step of logging in, and setting it up or turning it off."""

import segno
from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app.auth import two_factor
from app.auth.errors import AccountError
from app.auth.forms import ButtonForm, TwoFactorCodeForm
from app.auth.guards import staff_required
from app.auth.views.blueprint import bp, sign_in
from app.auth.views.login import PENDING_LOGIN
from app.core.extensions import db
from app.core.forms import apply_error
from app.core.urls import safe_next_url


@bp.route("/login/two-factor", methods=["GET", "POST"], endpoint="two_factor")
def two_factor_login():
    """The second step of logging in: the password was right, now the code."""
    state = session.get(PENDING_LOGIN)
    if state is None and current_user.is_authenticated:
        return redirect(url_for("public.index"))
    try:
        user = two_factor.user_for_pending_login(state)
    except AccountError as error:
        session.pop(PENDING_LOGIN, None)
        flash(str(error), "error")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            two_factor.check_code(user, form.code.data)
        except AccountError as error:
            db.session.commit()  # the wrong code counts
            apply_error(form, error)
        else:
            session.pop(PENDING_LOGIN)
            sign_in(user, remember=state.get("remember", False))
            db.session.commit()
            return redirect(safe_next_url(state.get("next")) or url_for("public.index"))
    return render_template("auth/two_factor.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@staff_required
def two_factor_setup():
    """Scan the QR code, then confirm with a first code; the recovery codes are shown once."""
    user = current_user._get_current_object()
    if user.has_two_factor:
        return redirect(url_for("auth.account"))
    form = TwoFactorCodeForm()
    if user.two_factor is not None and form.validate_on_submit():
        try:
            recovery_codes = two_factor.confirm_two_factor(user, form.code.data)
        except AccountError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=recovery_codes)
    uri = two_factor.provisioning_uri(user) if user.two_factor is not None else None
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        button=ButtonForm(),
        uri=uri,
        secret=user.two_factor.secret if uri else None,
        qr_code=_qr_svg(uri) if uri else None,
        required=two_factor.staff_two_factor_required(),
    )


def _qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG, drawn on the server (the pages run no script)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return Markup(svg)  # noqa: S704  (segno's own markup, built from the otpauth address)


@bp.post("/account/two-factor/start")
@staff_required
def start_two_factor():
    if ButtonForm().validate_on_submit():
        try:
            two_factor.start_two_factor(current_user)
        except AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
    return redirect(url_for("auth.two_factor_setup"))


@bp.post("/account/two-factor/disable")
@login_required
def disable_two_factor():
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            two_factor.disable_two_factor(current_user, form.code.data)
        except AccountError as error:
            db.session.commit()  # a wrong code counts
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Two-factor login is off."), "info")
    return redirect(url_for("auth.account"))
