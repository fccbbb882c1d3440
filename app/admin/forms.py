from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import AnyOf, DataRequired

from app.auth.models import Role


class RoleChangeForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[(Role.MEDIATOR.value, _l("Mediator")), (Role.ADMIN.value, _l("Admin"))],
        validators=[DataRequired()],
    )
    action = HiddenField(validators=[AnyOf(["grant", "revoke"])])
