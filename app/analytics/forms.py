"""The dashboard's filters: a GET form, read from the query string."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from app.analytics.scope import Scope
from app.cases.forms import CLAIM_TYPE_LABELS, choices_of
from app.core import clock
from app.core.forms import SiteForm
from app.orders.categories import category_label


class FilterForm(SiteForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    claim_type = SelectField(
        _l("Claim type"),
        choices=[SelectChoice("", _l("Any"))] + choices_of(CLAIM_TYPE_LABELS),
        default="",
    )
    category = SelectField(_l("Order category"), choices=[], default="")

    def set_categories(self, categories: list[str]) -> None:
        """Every category the marketplace has sent, in the reader's language."""
        self.category.choices = [SelectChoice("", _l("Any"))] + [
            SelectChoice(category, category_label(category)) for category in categories
        ]

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end of the range comes before its start."))

    def scope(self) -> Scope:
        """The scope the filters name; by default the last ``ANALYTICS_DEFAULT_DAYS`` days,
        today included."""
        today = clock.now().date()
        end = self.end.data or today
        default_days = current_app.config["ANALYTICS_DEFAULT_DAYS"]
        start = self.start.data or end - timedelta(days=default_days - 1)
        return Scope(
            start=start,
            end=end,
            claim_type=self.claim_type.data or None,
            category=(self.category.data or "").strip() or None,
        )
