"""The forms of the admin tools: lifting a restriction, a deposit pay-in, a reviewer's
suspension, a mediator's duty and skills, and the audit log's filters."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.cases.forms import YuanField
from app.core.forms import SiteForm
from app.core.urls import MAX_ID
from app.orders.categories import category_label


class LiftRestrictionForm(SiteForm):
    reason = TextAreaField(_l("Why it is lifted"), render_kw={"rows": 2, "maxlength": 500})


class PayInForm(SiteForm):
    amount = YuanField(
        _l("Amount in yuan"),
        validators=[InputRequired(_l("Enter an amount in yuan, such as 12.50."))],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    reason = StringField(_l("What the payment is"), render_kw={"maxlength": 200})


class ReviewerStandingForm(SiteForm):
    """Suspend or reinstate: the same reason field, each with its own button."""

    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2, "maxlength": 500})


class MediatorProfileForm(SiteForm):
    on_duty = BooleanField(_l("On duty: receives new cases"))
    skills = SelectMultipleField(
        _l("Skills: the order categories they know best"),
        choices=[],
        validate_choice=False,  # the service names a category no order has
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def set_categories(self, categories: list[str]) -> None:
        self.skills.choices = [
            SelectChoice(category, category_label(category)) for category in categories
        ]


class AuditFilterForm(SiteForm):
    """The audit log's filters: a GET form, read from the query string."""

    class Meta:
        csrf = False

    case = IntegerField(_l("Case number"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    actor = StringField(_l("Who (e-mail address, or “system”)"), validators=[Optional()])
    action = SelectField(_l("Event"), default="")
    since = DateField(_l("From (UTC)"), validators=[Optional()])
    until = DateField(_l("To (UTC)"), validators=[Optional()])

    def set_actions(self, labels: dict) -> None:
        ordered = sorted(labels.items(), key=lambda item: str(item[1]))
        self.action.choices = [SelectChoice("", _l("Any"))] + [
            SelectChoice(action, label) for action, label in ordered
        ]
