"""The forms of the webhook endpoints' page."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from app.core.forms import SiteForm


class WebhookEndpointForm(SiteForm):
    url = StringField(_l("URL"), validators=[Length(max=500)])
    events = StringField(_l("Events"), default="*", validators=[Length(max=500)])
    description = StringField(_l("Description (optional)"), validators=[Length(max=200)])


class WebhookButtonForm(SiteForm):
    """Rotate, disable, enable, send again: the button carries only the CSRF token."""
