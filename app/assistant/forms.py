"""The assistant's two questions, and the words it answers with."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.assistant.advice import Advice, Check, Evidence, Problem
from app.cases.forms import CLAIMABLE_REMEDY_LABELS
from app.core.forms import SiteForm

PROBLEM_LABELS = {
    Problem.NOT_RECEIVED: _l("It never arrived"),
    Problem.DAMAGED: _l("It arrived damaged"),
    Problem.NOT_AS_DESCRIBED: _l("It is not what the listing described"),
    Problem.OTHER: _l("Something else"),
}
CHECK_LABELS = {
    Check.NEIGHBOURS: _l(
        "Ask your neighbours, family and the building's reception whether they took it in."
    ),
    Check.LOCKER: _l(
        "Look in the parcel locker or collection point near you: a pick-up code may be waiting "
        "in your text messages."
    ),
    Check.SIGN_OFF_PHOTO: _l(
        "Ask the courier for the sign-off photo or signature taken at delivery, with the "
        "tracking number."
    ),
}
EVIDENCE_LABELS = {
    Evidence.TRACKING_PAGE: _l("A screenshot of the tracking page, with its last status."),
    Evidence.CHAT_WITH_SELLER: _l("Your messages with the seller about the order."),
    Evidence.PARCEL_PHOTOS: _l("Photos of the parcel's outside, its label readable."),
    Evidence.ITEM_PHOTOS: _l("Photos of the item, the problem close up."),
    Evidence.PACKAGING: _l("Photos of the packaging and padding: keep them until the end."),
    Evidence.UNBOXING_VIDEO: _l("A video of the unpacking, if you made one."),
    Evidence.LISTING: _l("Screenshots of the listing's words and pictures beside what came."),
}


class ProblemForm(SiteForm):
    problem = RadioField(
        _l("What happened?"),
        choices=[SelectChoice(problem.value, label) for problem, label in PROBLEM_LABELS.items()],
        validators=[InputRequired(_l("Choose what happened."))],
    )


class RemedyForm(SiteForm):
    remedy = RadioField(
        _l("What will you ask for?"), validators=[InputRequired(_l("Choose what you ask for."))]
    )

    def __init__(self, advice: Advice, *args, **kwargs):
        if advice.suggested is not None:
            kwargs.setdefault("remedy", advice.suggested.value)
        super().__init__(*args, **kwargs)
        self.remedy.choices = [
            SelectChoice(remedy.value, CLAIMABLE_REMEDY_LABELS[remedy])
            for remedy in advice.remedies
        ]
