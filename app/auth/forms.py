from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.core.forms import SiteForm
from app.core.zones import zone_names


class LoginForm(SiteForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device (14 days)"))
    next = HiddenField()


class RegistrationForm(SiteForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    # filled by static/js/time-zone.js; without the script the language's zone applies
    time_zone = HiddenField(render_kw={"data-browser-time-zone": ""})


class ClaimForm(SiteForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(SiteForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ButtonForm(SiteForm):
    """A button-only action that changes state (log out, start two-factor setup), so it is a
    POST with a CSRF token and nothing else."""


class RequestResetForm(SiteForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(SiteForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class TwoFactorCodeForm(SiteForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text"},
    )


class TimeZoneForm(SiteForm):
    """The zone times are shown in; the service checks the name against the list."""

    # with none chosen yet, static/js/time-zone.js picks the browser's zone in the list
    time_zone = SelectField(
        _l("Time zone"), validate_choice=False, render_kw={"data-browser-time-zone": ""}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [
            ("", _l("Follow my language (Asia/Shanghai in Chinese, else UTC)")),
            *((name, name) for name in zone_names()),
        ]
