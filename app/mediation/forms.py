"""The mediator's forms and the parties' answers, and the words the mediation pages use.

Forms only turn what was typed into plain values; the services decide what is allowed, and
their refusals are shown beside the field they name (``app.forms.apply_error``).
"""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length

from app.cases.forms import (
    CLAIM_TYPE_LABELS,
    LONG_TEXT,
    PARTY_LABELS,
    REMEDY_LABELS,
    STATE_LABELS,
    YuanField,
    choices_of,
    counted,
)
from app.cases.states import (
    Party,
    Remedy,
)
from app.core.forms import SiteForm
from app.jury.ballot import BallotKind
from app.mediation.escalation_notices import ESCALATION_AUDIT_LABELS
from app.mediation.models import Answer
from app.mediation.queue import (
    ALL_STATES,
    MINE,
    UNASSIGNED,
    WAITING,
    DeskFilter,
    normalised_search,
)
from app.mediation.saved_filters import NAME_MAX_CHARS
from app.mediation.services import MAX_TEXT, REJECTION_REASON_MAX_CHARS, Settlement

PROPOSAL_ANSWER_LABELS = {
    Answer.ACCEPTED: _l("Accepted"),
    Answer.REJECTED: _l("Rejected"),
}
# the audit trail in words; an action without words here is shown as it is stored
AUDIT_ACTION_LABELS = {
    "case.opened": _l("Opened the case"),
    "case.intake_accepted": _l("Accepted the case at intake"),
    "case.returned": _l("Returned the case to the buyer"),
    "case.resubmitted": _l("Resubmitted the case"),
    "case.not_resubmitted": _l("Closed: not resubmitted in time"),
    "case.withdrawn": _l("Withdrew the case"),
    "case.seller_accepted": _l("Accepted the claim"),
    "case.counter_offered": _l("Made a counter-offer"),
    "case.counter_offer_accepted": _l("Accepted the counter-offer"),
    "case.counter_offer_refused": _l("Refused the counter-offer"),
    "case.counter_offer_lapsed": _l("The counter-offer was not answered in time"),
    "case.contested": _l("Contested the claim"),
    "case.default_judgment": _l("Decided for the buyer: the seller did not answer in time"),
    "case.evidence_closed": _l("The evidence window closed"),
    "case.evidence_reopened": _l("Reopened the evidence window"),
    "case.reminded": _l("Sent a deadline reminder"),
    "evidence.added": _l("Added evidence"),
    "case.note_added": _l("Wrote an internal note"),
    "case.question_asked": _l("Asked a party a question"),
    "case.question_answered": _l("Answered the mediator's question"),
    "case.thread_posted": _l("Wrote in the negotiation thread"),
    "case.proposed": _l("Proposed a settlement"),
    "case.proposal_superseded": _l("Replaced the open proposal with a new one"),
    "proposal.answered": _l("Answered the settlement proposal"),
    "case.proposal_rejected": _l("The proposal was rejected: back to the mediator"),
    "case.proposal_expired": _l("The proposal expired unanswered: back to the mediator"),
    "case.settled": _l("Settled: both sides accepted the proposal"),
    "case.decided_by_mediator": _l("Decided the case"),
    "case.routed_to_panel": _l("Sent the case to a reviewer panel"),
    "case.reassigned": _l("Gave the case to another mediator"),
    "case.taken_over": _l("Took over the case from another mediator"),
    "case.execution_started": _l("Started carrying out the decision"),
    "obligation.done": _l("Marked a step done"),
    "obligation.confirmed": _l("Confirmed a step"),
    "obligation.confirmed_by_silence": _l("A step counted as confirmed: no answer in time"),
    "obligation.missed": _l("A step's deadline passed without it being done"),
    "obligation.enforced": _l("Enforced a missed step: deposit deducted, selling restricted"),
    "case.obligation_disputed": _l("Disputed a step marked done: back to the mediator"),
    "case.claim_lapsed": _l("Closed: the buyer did not ship the return in time"),
    "case.closed": _l("Closed the case"),
    "case.rated": _l("Rated the handling of the case"),
    "evidence.released_to_reviewers": _l("Released a file to the reviewers"),
    "evidence.withheld_from_reviewers": _l("Withheld a file from the reviewers"),
    **ESCALATION_AUDIT_LABELS,
}


# The queue

SEARCH_MAX_CHARS = 100


class QueueFilterForm(SiteForm):
    """The desk's filters: a GET form, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search"),
        validators=[Length(max=SEARCH_MAX_CHARS)],
        description=_l("A case number, an order number, or a party's name or e-mail address"),
    )
    state = SelectField(
        _l("State"),
        choices=[
            SelectChoice("", _l("In progress (not decided or closed)")),
            SelectChoice(ALL_STATES, _l("Every case, finished ones too")),
        ]
        + choices_of(STATE_LABELS),
        default="",
    )
    assigned = SelectField(
        _l("Mediator"),
        choices=[
            SelectChoice("", _l("Anyone, or no one")),
            SelectChoice(MINE, _l("Mine")),
            SelectChoice(WAITING, _l("Mine, waiting for me")),
            SelectChoice(UNASSIGNED, _l("Unassigned")),
        ],
        default="",
    )
    claim_type = SelectField(
        _l("What went wrong"),
        choices=[SelectChoice("", _l("Any"))] + choices_of(CLAIM_TYPE_LABELS),
        default="",
    )
    overdue = BooleanField(_l("Only overdue cases"))

    def desk_filter(self) -> DeskFilter:
        return DeskFilter(
            # folded only once validated: a control character is refused, not folded away
            search=normalised_search(self.q.data),
            state=self.state.data or "",
            assigned=self.assigned.data or "",
            claim_type=self.claim_type.data or "",
            overdue=bool(self.overdue.data),
        )

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links: the pages, a saved filter."""
        args = {
            "q": normalised_search(self.q.data),
            "state": self.state.data,
            "assigned": self.assigned.data,
            "claim_type": self.claim_type.data,
            "overdue": "y" if self.overdue.data else "",
        }
        return {key: value for key, value in args.items() if value}

    @property
    def narrowing(self) -> bool:
        """Filters beyond the search box are in use (the form opens to show them)."""
        return any(key != "q" for key in self.query_args())


class SaveFilterForm(SiteForm):
    """The name to keep the desk's current filters under; the filters come with it as the
    query form's own fields."""

    name = StringField(_l("Save these filters as"), render_kw={"maxlength": NAME_MAX_CHARS})


class ReassignForm(SiteForm):
    mediator = SelectField(_l("Mediator"), coerce=int)

    def set_mediators(self, mediators) -> None:
        self.mediator.choices = [SelectChoice(m.id, m.display_name) for m in mediators]


# The mediator's work on a case


class ReviewerReleaseForm(SiteForm):
    """A button beside one file: show it to the case's reviewers ("yes") or not ("no")."""

    released = HiddenField(validators=[AnyOf(("yes", "no"))])

    @property
    def release(self) -> bool:
        return self.released.data == "yes"


class NoteForm(SiteForm):
    text = TextAreaField(_l("Internal note"), **LONG_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="note", **kwargs)
        counted(self.text, MAX_TEXT, rows=3)


class QuestionForm(SiteForm):
    party = SelectField(_l("Ask"), choices=choices_of(PARTY_LABELS))
    text = TextAreaField(_l("Question"), **LONG_TEXT)
    hours = IntegerField(
        _l("Hours to answer"),
        validators=[InputRequired(_l("Give the number of hours the party has to answer."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="question", **kwargs)
        counted(self.text, MAX_TEXT, rows=3)
        self.hours.render_kw = {"inputmode": "numeric", "min": 1, "max": 24 * 14}

    @property
    def chosen_party(self) -> Party:
        return Party(self.party.data)


class SettlementForm(SiteForm):
    """A settlement proposal; the decision form has the same fields."""

    PREFIX = "proposal"

    outcome = SelectField(_l("Outcome"), choices=choices_of(REMEDY_LABELS))
    amount = YuanField(_l("Amount in yuan"))
    rationale = TextAreaField(_l("Rationale"), **LONG_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix=self.PREFIX, **kwargs)
        counted(self.rationale, MAX_TEXT, rows=5)
        self.amount.render_kw = {"inputmode": "decimal", "autocomplete": "off"}

    def settlement(self) -> Settlement:
        return Settlement(
            outcome=Remedy(self.outcome.data),
            amount_fen=self.amount.fen,
            rationale=self.rationale.data or "",
        )


class DecisionForm(SettlementForm):
    PREFIX = "decision"

    rationale = TextAreaField(_l("Reasons"), **LONG_TEXT)


class PanelForm(SiteForm):
    """The referral: the ballot is made from the claim, where the mediator may add an option
    that grants part of it, or from the final offers (``app.jury.ballot``)."""

    summary = TextAreaField(_l("Neutral summary"), **LONG_TEXT)
    question = TextAreaField(_l("Question for the panel"), **LONG_TEXT)
    ballot = SelectField(
        _l("Ballot"),
        choices=[
            SelectChoice(BallotKind.CLAIM.value, _l("The claim: granted, in part, or rejected")),
            SelectChoice(
                BallotKind.FINAL_OFFERS.value,
                _l("Final offers: each side's and yours"),
            ),
        ],
        default=BallotKind.CLAIM.value,
    )
    partial_amount = YuanField(_l("Also offer part of the claim: amount in yuan (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="panel", **kwargs)
        counted(self.summary, MAX_TEXT, rows=5)
        counted(self.question, MAX_TEXT, rows=2)
        self.partial_amount.render_kw = {"inputmode": "decimal", "autocomplete": "off"}

    @property
    def ballot_kind(self) -> BallotKind:
        return BallotKind(self.ballot.data)


# The parties' side


class AnswerQuestionForm(SiteForm):
    text = TextAreaField(_l("Your answer"), **LONG_TEXT)

    def __init__(self, question_id: int, *args, **kwargs):
        super().__init__(*args, prefix=f"answer-{question_id}", **kwargs)
        counted(self.text, MAX_TEXT, rows=4)


class RejectProposalForm(SiteForm):
    """Rejecting a proposal, with a reason if the party gives one."""

    reason = TextAreaField(_l("Why you reject it (optional)"), **LONG_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reject", **kwargs)
        counted(self.reason, REJECTION_REASON_MAX_CHARS, rows=3)
