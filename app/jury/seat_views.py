"""A reviewer's seats: the list, the anonymised case with its ballot and the files the
mediator released (served by ``seat_files``); and the panel's outcome as the parties see it
(design: Crowd review).

A seat is shown to its reviewer only; anyone else gets 404. Every text a reviewer reads
passes through ``Redactor``: the page is built from redacted view objects, never from the
rows themselves, so a template cannot print a name by mistake.
"""

from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from app.cases import evidence
from app.cases.forms import ConfirmForm
from app.cases.models import (
    Case,
    EvidenceEntry,
    EvidenceKind,
)
from app.cases.releases import decisions_of
from app.cases.states import Party
from app.cases.thread import shown_thread
from app.core.confirm import Confirmation, confirmed_action, fingerprint
from app.core.extensions import db, limiter
from app.core.forms import SiteForm, apply_error
from app.jury import ballot, seat_files, voting
from app.jury.draw_log import DRAW_KIND_LABELS, reviewer_token
from app.jury.models import CASE_PANEL, Panel, PanelRule, PanelStatus, Seat, SeatStatus
from app.jury.outcomes import gold_grade
from app.jury.redaction import Redactor, file_label
from app.jury.seat_files import own_seat
from app.jury.voting import JuryRefused
from app.orders.categories import category_label

bp = Blueprint("jury_seats", __name__, url_prefix="/review/seats")


class BallotForm(SiteForm):
    # the options are posted by their place on the ballot
    option = RadioField(
        _l("Your vote"), choices=[], validators=[InputRequired(_l("Choose one of the options."))]
    )
    reason = TextAreaField(
        _l("Your reason"),
        validators=[InputRequired(_l("Give the reason for your vote."))],
        render_kw={"rows": 6, "maxlength": voting.REASON_MAX_CHARS},
    )

    def __init__(self, options: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.option.choices = [(str(place), "") for place in range(len(options))]

    def label_options(self, options: list[str], redactor: Redactor) -> None:
        """The options' labels, for showing the form (validation needs none)."""
        self.option.choices = [
            (str(place), ballot.shown(key, redactor.redact)) for place, key in enumerate(options)
        ]

    def validate_reason(self, field) -> None:
        try:
            voting.checked_reason(field.data)
        except JuryRefused as refusal:
            raise ValidationError(str(refusal)) from refusal


# The seats


@bp.get("")
@login_required
def my_seats():
    seats = db.session.scalars(
        select(Seat)
        .where(Seat.reviewer_id == current_user.id)
        # what each summary reads: the panel, and its case as the Redactor needs it
        .options(
            selectinload(Seat.panel)
            .selectinload(Panel.case)
            .options(
                selectinload(Case.order),
                selectinload(Case.buyer),
                selectinload(Case.seller),
                selectinload(Case.evidence),
            )
        )
        .order_by(Seat.vote_due_at.desc(), Seat.id.desc())
    ).all()
    open_seats = [seat for seat in seats if voting.can_vote(seat, current_user)]
    past_seats = [seat for seat in seats if seat not in open_seats]
    return render_template(
        "jury/my_seats.html",
        open_seats=[_seat_summary(seat) for seat in reversed(open_seats)],
        past_seats=[_seat_summary(seat) for seat in past_seats],
    )


def _seat_summary(seat: Seat) -> SimpleNamespace:
    panel = seat.panel
    return SimpleNamespace(
        id=seat.id,
        case_id=panel.case_id,
        question=Redactor(panel.case).redact(panel.question),
        vote_due_at=seat.vote_due_at,
        status=seat.status,
        panel_status=panel.status,
    )


@bp.get("/<int:seat_id>")
@login_required
def show(seat_id: int):
    seat = own_seat(seat_id)
    return _render_seat(seat)


def _render_seat(seat: Seat, form: BallotForm | None = None, status: int = 200):
    panel = seat.panel
    redactor = Redactor(panel.case)
    may_vote = voting.can_vote(seat, current_user)
    if may_vote:
        form = form or BallotForm(panel.options)
        form.label_options(panel.options, redactor)
    closed = panel.status != PanelStatus.OPEN.value
    results = voting.panel_results(panel) if closed else None
    return (
        render_template(
            "jury/seat.html",
            seat=seat,
            panel=panel,
            case=anonymised_case(panel.case, redactor),
            summary=redactor.redact(panel.summary),
            question=redactor.redact(panel.question),
            options=[ballot.shown(option, redactor.redact) for option in panel.options],
            own_vote=_own_vote(seat, redactor),
            may_vote=may_vote,
            form=form if may_vote else None,
            recuse_form=ConfirmForm() if may_vote else None,
            results=_results_view(results, redactor.redact),
            draw_token=reviewer_token(panel.id, seat.reviewer_id),
            gold=gold_grade(seat),
        ),
        status,
    )


def _own_vote(seat: Seat, redactor: Redactor) -> SimpleNamespace | None:
    vote = seat.vote
    if vote is None:
        return None
    return SimpleNamespace(
        option=ballot.shown(vote.option, redactor.redact), reason=redactor.redact(vote.reason)
    )


def _results_view(results, clean=str) -> SimpleNamespace | None:
    """A closed panel's counts and reasons, without who gave them, in the reader's language;
    each text a person wrote ``clean``ed."""
    if results is None:
        return None

    def shown(option: str) -> str:
        return ballot.shown(option, clean)

    return SimpleNamespace(
        verdict=shown(results.verdict) if results.verdict else None,
        counts=[(shown(option), count) for option, count in results.counts.items()],
        votes_cast=results.votes_cast,
        reasons=[(shown(option), clean(reason)) for option, reason in results.reasons],
        agreement=results.agreement,
    )


def anonymised_case(case: Case, redactor: Redactor) -> SimpleNamespace:
    """What a reviewer reads of a case: no names, numbers or addresses, file names replaced."""
    order = case.order
    return SimpleNamespace(
        id=case.id,
        claim_type=case.claim_type,
        responsible_party=case.responsible_party,
        description=redactor.redact(case.description),
        remedy=case.remedy,
        remedy_amount_fen=case.remedy_amount_fen,
        currency=order.currency,
        amount_fen=order.amount_fen,
        items=[
            SimpleNamespace(
                title=redactor.redact(item.title),
                category=redactor.redact(category_label(item.category)),
                quantity=item.quantity,
            )
            for item in order.items
        ],
        timelines=anonymised_timelines(case, redactor),
        thread=shown_thread(case, clean=redactor.redact),
    )


def anonymised_timelines(case: Case, redactor: Redactor) -> SimpleNamespace:
    """Both timelines on one time axis, late entries apart, as on the case page."""
    entries = sorted(
        [*evidence.timeline(case, Party.BUYER), *evidence.timeline(case, Party.SELLER)],
        key=lambda entry: (entry.created_at, entry.id),
    )
    decisions = decisions_of(case)
    file_numbers: dict[str, int] = {}
    shown = []
    for entry in entries:
        file = None
        if entry.stored_name is not None:
            file_numbers[entry.kind] = file_numbers.get(entry.kind, 0) + 1
            label = file_label(entry.kind, file_numbers[entry.kind])
            file = seat_files.reviewer_file(entry, label, decisions)
        shown.append(_anonymised_entry(entry, redactor, file))
    return SimpleNamespace(
        on_time=[entry for entry in shown if not entry.is_late],
        late=[entry for entry in shown if entry.is_late],
        retracted={e.refers_to_id for e in entries if e.kind == EvidenceKind.RETRACTION},
        corrected={e.refers_to_id for e in entries if e.kind == EvidenceKind.CORRECTION},
    )


def _anonymised_entry(entry: EvidenceEntry, redactor: Redactor, file: SimpleNamespace | None):
    is_tracking = entry.kind == EvidenceKind.TRACKING_NUMBER
    return SimpleNamespace(
        id=entry.id,
        party=entry.party,
        sequence=entry.sequence,
        kind=entry.kind,
        is_late=entry.is_late,
        created_at=entry.created_at,
        refers_to_id=entry.refers_to_id,
        text=None if is_tracking else redactor.redact(entry.text),
        carrier=redactor.carrier(entry) if is_tracking else None,
        file=file,
    )


# The files the mediator released, each scoped to the seat, its case and the release
SEAT_FILE = "/<int:seat_id>/evidence/<int:entry_id>"
bp.add_url_rule(f"{SEAT_FILE}/thumbnail", view_func=seat_files.evidence_thumbnail)
bp.add_url_rule(f"{SEAT_FILE}/pages/<int:number>", view_func=seat_files.document_page)
bp.add_url_rule(f"{SEAT_FILE}/video", view_func=seat_files.video)
bp.add_url_rule(f"{SEAT_FILE}/poster", view_func=seat_files.video_poster)


# Voting


@bp.post("/<int:seat_id>/vote")
@limiter.limit(lambda: current_app.config["VOTE_RATE_LIMIT"], methods=["POST"])
@login_required
def vote(seat_id: int):
    seat = own_seat(seat_id)
    panel = seat.panel
    if not voting.can_vote(seat, current_user):
        flash(_("You can no longer vote on this seat."), "error")
        return redirect(url_for("jury_seats.show", seat_id=seat.id))
    form = BallotForm(panel.options)
    if not form.validate_on_submit():
        return _render_seat(seat, form, 400)
    option = panel.options[int(form.option.data)]

    def cast():
        voting.cast_vote(seat, current_user, option, form.reason.data)

    def done():
        flash(_("Your vote is cast. Thank you."), "success")
        return redirect(url_for("jury_seats.show", seat_id=seat_id))  # not reloaded

    def refused(error):
        apply_error(form, error)
        return _render_seat(seat, form, 400)

    return confirmed_action(
        vote_seen(seat.id, seat.status, panel.status),
        cast,
        lambda: _vote_confirmation(seat, ballot.shown(option, Redactor(panel.case).redact)),
        done=done,
        refused=refused,
        back=lambda: _render_seat(seat, form),
    )


def vote_seen(seat_id: int, seat_status: str, panel_status: str) -> str:
    """What a reviewer confirms a vote about: the seat and its panel as they stood."""
    return fingerprint(seat_id, seat_status, panel_status)


def _vote_confirmation(seat: Seat, option: str) -> Confirmation:
    return Confirmation(
        title=_("Cast your vote?"),
        consequences=[
            _("Vote for: %(option)s.", option=option),
            _("Your vote is final once cast; you cannot change it or recuse afterwards."),
            _("Other reviewers do not see it until the panel closes."),
        ],
        confirm_label=_("Cast my vote"),
        back_url=url_for("jury_seats.show", seat_id=seat.id),
    )


@bp.post("/<int:seat_id>/recuse")
@login_required
def recuse(seat_id: int):
    seat = own_seat(seat_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        voting.recuse(seat, current_user)
    except JuryRefused as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("jury_seats.show", seat_id=seat.id))
    db.session.commit()
    flash(_("You have stepped down from this seat; another reviewer takes it."), "success")
    return redirect(url_for("jury_seats.my_seats"))


# What the parties see


def panel_outcomes(case: Case, user) -> list[SimpleNamespace]:
    """Each closed panel of ``case``, for its parties and staff: the verdict, the counts and
    the reasons, never who gave them. Empty for anyone else, and while no panel has closed."""
    if user is None or not user.is_authenticated or not case.can_view(user):
        return []
    panels = db.session.scalars(
        select(Panel)
        .where(Panel.case_id == case.id, CASE_PANEL, Panel.status != PanelStatus.OPEN.value)
        .order_by(Panel.id)
    ).all()
    outcomes = []
    for panel in panels:
        results = voting.panel_results(panel)
        if results is not None:
            outcomes.append(
                SimpleNamespace(
                    round=panel.round,
                    adaptive=panel.rule == PanelRule.ADAPTIVE.value,
                    seats=panel.seats,
                    returned=panel.status == PanelStatus.RETURNED.value,
                    closed_at=panel.closed_at,
                    results=_results_view(results),
                )
            )
    return outcomes


SEAT_STATUS_LABELS = {
    SeatStatus.OPEN: _l("Waiting for your vote"),
    SeatStatus.VOTED: _l("You voted"),
    SeatStatus.RECUSED: _l("You stepped down"),
    SeatStatus.REPLACED: _l("Replaced: no vote in time"),
    SeatStatus.WITHDRAWN: _l("Withdrawn: you were suspended"),
}


@bp.app_context_processor
def _panel_template_helpers() -> dict:
    return {
        "panel_outcomes": panel_outcomes,
        "ballot_label": ballot.label,
        "seat_status_label": lambda value: str(SEAT_STATUS_LABELS.get(value, value)),
        "draw_kind_label": lambda value: str(DRAW_KIND_LABELS.get(value, value)),
    }
