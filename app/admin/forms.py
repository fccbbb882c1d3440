from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired

from app.auth.models import Role
from app.core.forms import SiteForm


class RoleChangeForm(SiteForm):
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.MEDIATOR.value, _l("Mediator")),
            SelectChoice(Role.ADMIN.value, _l("Admin")),
        ],
        validators=[DataRequired()],
    )
    action = HiddenField(validators=[AnyOf(["grant", "revoke"])])


class AccountLockForm(SiteForm):
    """Lock or unlock an account (the button carries only the CSRF token)."""


class StaffTwoFactorForm(SiteForm):
    required = HiddenField(validators=[AnyOf(["0", "1"])])
