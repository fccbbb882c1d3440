"""Forms of the reviewer pages: apply, answer a practice case, start the practice again."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.core.forms import SiteForm
from app.jury.practice import OPTION_LABELS


class EnrolForm(SiteForm):
    """Apply to become a reviewer (the form only carries the CSRF token)."""


class RestartPracticeForm(SiteForm):
    """Start the practice cases again (the form only carries the CSRF token)."""


class PracticeAnswerForm(SiteForm):
    option = RadioField(
        _l("Your answer"),
        choices=[SelectChoice(key, label) for key, label in OPTION_LABELS.items()],
        validators=[InputRequired(_l("Choose one of the answers."))],
    )


def practice_form(key: str, **kwargs) -> PracticeAnswerForm:
    """The answer form of the practice case ``key``; the prefix keeps field ids unique on a
    page that shows several."""
    return PracticeAnswerForm(prefix=key, **kwargs)
