"""A stateful model of the whole case lifecycle (design: Case lifecycle, Rules for the
scheduler): Hypothesis drives people's actions, the clock and the sweeps, in any order, and
checks after every step what must always hold, whatever happened before.

Each rule calls the real service; a ``CaseRefused`` (or a subclass) means "not allowed now"
and is part of the model, anything else is a failure. Every example runs in a savepoint of
the test's rolled-back transaction, so examples do not see each other's rows.

The states the cases rest in after each step are recorded; once the runs are over, the test
checks that they reached every state of ``CaseState``.
"""

from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from flask import current_app
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.cases import services
from app.cases.models import Case
from app.cases.services import Claim
from app.cases.states import (
    ALLOWED_TRANSITIONS,
    CaseState,
    ClaimType,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.cases.transitions import CaseRefused
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution import services as execution
from app.execution.ledger import deposit_balance, pay_in
from app.execution.models import DepositEntry, Obligation, ObligationKind, ObligationStatus
from app.execution.sweeps import sweep_obligations
from app.jury.counting import count_due_panels
from app.jury.models import (
    Appeal,
    AppealHearing,
    Panel,
    PanelStatus,
    Reviewer,
    Seat,
    SeatStatus,
    Tally,
    Vote,
)
from app.jury.voting import cast_vote
from app.mediation import appeals
from app.mediation import services as mediation
from app.mediation.models import ProposalStatus, SettlementProposal
from app.mediation.services import Settlement
from app.scheduler.deadlines import remind_case_deadlines, sweep_case_deadlines
from tests.helpers.factories import make_order, make_reviewers, make_user

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OPTIONS = ["grant:full_refund:19900", "reject"]
REASON = "I read both timelines and the photos carefully."
DEPOSIT_FEN = 50_000

PICK = st.integers(min_value=0, max_value=10_000)


# steps no longer running: done, missed, or cancelled by a later decision
FINISHED_STEPS = {
    s.value for s in (ObligationStatus.DONE, ObligationStatus.MISSED, ObligationStatus.CANCELLED)
}


def steps(least: int = 0) -> st.SearchStrategy[list[int]]:
    """The branch of each step a push takes (see ``CaseLifecycle.next_step``): up to 16
    steps, 8 on average (a plain list averages 5, too few to carry cases far along)."""
    return st.integers(min_value=least, max_value=16).flatmap(
        lambda count: st.lists(
            st.integers(min_value=0, max_value=5), min_size=count, max_size=count
        )
    )


CLAIMS_LIST = [
    Claim(ClaimType.DAMAGED_IN_TRANSIT, ResponsibleParty.SELLER, "Cracked.", Remedy.FULL_REFUND),
    Claim(
        ClaimType.NOT_AS_DESCRIBED,
        ResponsibleParty.SELLER,
        "Wrong colour.",
        Remedy.PARTIAL_REFUND,
        remedy_amount_fen=5000,
    ),
    Claim(
        ClaimType.NOT_AS_DESCRIBED,
        ResponsibleParty.SELLER,
        "Not what was shown.",
        Remedy.RETURN_AND_REFUND,
    ),
    Claim(ClaimType.COUNTERFEIT, ResponsibleParty.SELLER, "A fake.", Remedy.REPLACEMENT),
    Claim(
        ClaimType.LATE_DELIVERY,
        ResponsibleParty.LOGISTICS,
        "Two weeks late.",
        Remedy.COMPENSATION,
        remedy_amount_fen=2000,
    ),
]
CLAIMS = st.sampled_from(CLAIMS_LIST)
SETTLEMENTS = st.sampled_from(
    [
        Settlement(Remedy.FULL_REFUND, None, "The photos show the damage."),
        Settlement(Remedy.PARTIAL_REFUND, 9950, "Half the price is fair."),
        Settlement(Remedy.RETURN_AND_REFUND, None, "Send it back for a refund."),
        Settlement(Remedy.REPLACEMENT, None, "A new pair makes it right."),
        Settlement(Remedy.COMPENSATION, 3000, "Something for the delay."),
        Settlement(Remedy.CLAIM_REJECTED, None, "The parcel left intact."),
    ]
)
DURATIONS = st.sampled_from(
    [
        timedelta(hours=1),
        timedelta(hours=3),
        timedelta(hours=12),
        timedelta(hours=23),
        timedelta(hours=25),
        timedelta(hours=47),
        timedelta(hours=49),
        timedelta(hours=71),
        timedelta(hours=73),
        timedelta(days=5),
        timedelta(days=7, hours=1),
        timedelta(days=10),
    ]
) | st.integers(min_value=1, max_value=240).map(lambda h: timedelta(hours=h))

PANEL_CONFIG = {
    "PANEL_SEATS": 3,
    "PANEL_MAJORITY": 2,
    "APPEAL_PANEL_SEATS": 5,
    "APPEAL_PANEL_MAJORITY": 3,
}


def reachable(start: str, end: str) -> bool:
    """Whether ``end`` can be reached from ``start`` along zero or more allowed edges."""
    seen, queue = {start}, deque([start])
    while queue:
        state = queue.popleft()
        if state == end:
            return True
        for nxt in ALLOWED_TRANSITIONS[CaseState(state)]:
            if nxt.value not in seen:
                seen.add(nxt.value)
                queue.append(nxt.value)
    return False


# what the runs reached, for the curious (pytest -s): carried-out calls and states seen
REACHED: Counter = Counter()
# the appeals made, as (kind of decision appealed, who heard it)
APPEALS_MADE: set[tuple[str, str]] = set()


def _refused(call, *args, **kwargs) -> bool:
    """Call a service; True if it was carried out, False if it was refused (not allowed now)."""
    try:
        call(*args, **kwargs)
    except CaseRefused:
        return False
    REACHED[call.__name__] += 1
    return True


def case_claim(case: Case) -> Claim:
    """The case's claim as filed, to resubmit it."""
    return Claim(
        ClaimType(case.claim_type),
        ResponsibleParty(case.responsible_party),
        case.description,
        Remedy(case.remedy),
        case.remedy_amount_fen,
    )


class CaseLifecycle(RuleBasedStateMachine):
    # the states the cases were seen in after each step, across every run of a test (a test
    # gives its own set to a subclass, then checks the union once the runs are over)
    states_seen: ClassVar[set[str]] = set()

    def __init__(self):
        super().__init__()
        self.savepoint = db.session.begin_nested()
        self.case_ids: list[int] = []
        self.orders = []
        self.history: dict[int, list[str]] = {}
        self.log: list[str] = []

    def teardown(self):
        if self.savepoint.is_active:
            self.savepoint.rollback()
        db.session.expire_all()

    @initialize(pick=PICK, history=steps(), settlement=SETTLEMENTS)
    def world(self, pick, history, settlement):
        """Two cases just filed, then ``history``: steps taken before the run begins, as a
        push (below) takes them. Hypothesis switches rules off at random in each example
        (swarm testing), push among them; the history walks cases along in every example."""
        clock.freeze(START)
        self.buyer = make_user(name="Li Na")
        self.seller = make_user(name="Wang Wei", shop_name="Earbud Shop")
        self.mediator = make_user(name="Mediator Zhou", roles=(Role.MEDIATOR,))
        # an appeal to a second mediator needs one who has not had the case
        self.second_mediator = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
        make_reviewers(12)
        self.orders = [make_order(self.buyer, self.seller) for _ in range(3)]
        pay_in(self.seller, DEPOSIT_FEN, "Opening deposit")
        db.session.flush()
        for order in self.orders[:2]:
            claim = Claim(
                ClaimType.DAMAGED_IN_TRANSIT,
                ResponsibleParty.SELLER,
                "Cracked.",
                Remedy.FULL_REFUND,
            )
            case = services.open_case(order, self.buyer, claim)
            db.session.flush()
            self.case_ids.append(case.id)
            self.history[case.id] = [case.state]
        self.push(pick, history, settlement)

    # Picking rows

    def case(self, pick: int, *states: CaseState) -> Case:
        """A case in one of ``states`` if there is one (so that most calls can succeed), else
        any case (so that refusals are exercised too); ``pick`` chooses among them."""
        ids = self.case_ids
        if states and pick % 5:  # one call in five goes to any case at all
            ids = (
                db.session.scalars(
                    select(Case.id)
                    .where(Case.id.in_(self.case_ids), Case.state.in_([s.value for s in states]))
                    .order_by(Case.id)
                ).all()
                or self.case_ids
            )
        case_id = ids[(pick // 5) % len(ids)]
        return db.session.get(Case, case_id, populate_existing=True)

    def _pick(self, rows, pick):
        return rows[pick % len(rows)] if rows else None

    def obligation(self, pick: int, status: ObligationStatus) -> Obligation | None:
        """An obligation in ``status`` if there is one, else (and one call in five) any."""
        query = select(Obligation).where(Obligation.case_id.in_(self.case_ids))
        rows = []
        if pick % 5:
            rows = db.session.scalars(
                query.where(Obligation.status == status.value)
                .order_by(Obligation.id)
                .execution_options(populate_existing=True)
            ).all()
        rows = (
            rows
            or db.session.scalars(
                query.order_by(Obligation.id).execution_options(populate_existing=True)
            ).all()
        )
        return self._pick(rows, pick // 5)

    def open_seat(self, pick: int) -> Seat | None:
        rows = db.session.scalars(
            select(Seat)
            .join(Panel, Panel.id == Seat.panel_id)
            .where(
                Panel.case_id.in_(self.case_ids),
                Panel.status == PanelStatus.OPEN.value,
                Seat.status == SeatStatus.OPEN.value,
            )
            .order_by(Seat.id)
            .execution_options(populate_existing=True)
        ).all()
        return self._pick(rows, pick)

    def party(self, buyer: bool) -> User:
        return self.buyer if buyer else self.seller

    def mediator_of(self, case: Case) -> User:
        """The mediator who has the case: cases are shared between the two, and after an
        appeal to a second mediator the one whose decision was appealed stands down."""
        if case.mediator_id == self.second_mediator.id:
            return self.second_mediator
        return self.mediator

    def appeal(self, case: Case, party: User, to_mediator: bool) -> bool:
        """The party appeals, to a panel or (configured) to a second mediator."""
        config = current_app.config
        saved = config["DECISION_APPEAL_TO"]
        config["DECISION_APPEAL_TO"] = "mediator" if to_mediator else "panel"
        kind = case.decision_kind
        try:
            appealed = _refused(appeals.appeal, case, party, "The decision missed the receipt.")
        finally:
            config["DECISION_APPEAL_TO"] = saved
        if appealed:
            heard_by = "mediator" if to_mediator and kind != "panel" else "panel"
            APPEALS_MADE.add((kind, heard_by))
            REACHED[f"appeal:{kind}->{heard_by}"] += 1
        return appealed

    def note(self, text: str) -> None:
        self.log.append(text)

    # Opening and intake

    @rule(pick=PICK, fresh=st.booleans(), claim=CLAIMS)
    def open_case(self, pick, fresh, claim):
        if fresh:
            order = make_order(self.buyer, self.seller)
            self.orders.append(order)
        else:
            order = self._pick(self.orders, pick)
        try:
            case = services.open_case(order, self.buyer, claim)
        except CaseRefused:
            return
        db.session.flush()
        self.case_ids.append(case.id)
        self.history[case.id] = [case.state]

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, urgent=st.booleans())
    def accept_intake(self, pick, urgent):
        severity = Severity.URGENT if urgent else Severity.IMPORTANT
        _refused(services.accept_intake, self.case(pick, CaseState.FILED), self.mediator, severity)

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def return_case(self, pick):
        _refused(
            services.return_case,
            self.case(pick, CaseState.FILED),
            self.mediator,
            "Add a photo of the box.",
        )

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, claim=CLAIMS)
    def resubmit(self, pick, claim):
        _refused(services.resubmit_case, self.case(pick, CaseState.RETURNED), self.buyer, claim)

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def withdraw(self, pick):
        _refused(services.withdraw_case, self.case(pick), self.buyer)

    # The seller's answer and the counter-offer

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def seller_accepts(self, pick):
        _refused(
            services.seller_accepts_claim, self.case(pick, CaseState.AWAITING_SELLER), self.seller
        )

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, amount=st.sampled_from([0, 5000, 9950, 19900]))
    def seller_counter_offers(self, pick, amount):
        _refused(
            services.seller_counter_offers,
            self.case(pick, CaseState.AWAITING_SELLER),
            self.seller,
            Remedy.PARTIAL_REFUND,
            amount,
            "Half back and keep the earbuds.",
        )

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def seller_contests(self, pick):
        _refused(
            services.seller_contests,
            self.case(pick, CaseState.AWAITING_SELLER),
            self.seller,
            "It left us intact.",
        )

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, accept=st.booleans())
    def buyer_answers_counter_offer(self, pick, accept):
        call = (
            services.buyer_accepts_counter_offer if accept else services.buyer_refuses_counter_offer
        )
        _refused(call, self.case(pick, CaseState.AWAITING_SELLER), self.buyer)

    # Mediation

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, settlement=SETTLEMENTS)
    def propose(self, pick, settlement):
        case = self.case(pick, CaseState.MEDIATION, CaseState.PROPOSAL)
        _refused(mediation.propose_settlement, case, self.mediator_of(case), settlement)

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, buyer=st.booleans(), accept=st.booleans())
    def answer_proposal(self, pick, buyer, accept):
        _refused(
            mediation.answer_proposal,
            self.case(pick, CaseState.PROPOSAL),
            self.party(buyer),
            accept,
        )

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, settlement=SETTLEMENTS, first=st.booleans())
    def decide(self, pick, settlement, first):
        """The case's mediator decides, or (refused after an appeal) the other one tries."""
        case = self.case(pick, CaseState.MEDIATION)
        mediator = self.mediator if first else self.mediator_of(case)
        _refused(mediation.decide, case, mediator, settlement)

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def route_to_panel(self, pick):
        case = self.case(pick, CaseState.MEDIATION)
        _refused(
            mediation.route_to_panel,
            case,
            self.mediator_of(case),
            "The buyer says it arrived cracked; the seller says it left intact.",
            "Was the earbud damaged before it reached the buyer?",
        )

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def reopen_evidence(self, pick):
        case = self.case(pick, CaseState.MEDIATION)
        _refused(mediation.reopen_evidence_window, case, self.mediator_of(case))

    # Panels

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, option=st.sampled_from(OPTIONS))
    def vote(self, pick, option):
        seat = self.open_seat(pick)
        if seat is None:
            return
        reviewer = db.session.get(User, seat.reviewer_id)
        _refused(cast_vote, seat, reviewer, option, REASON)

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, buyer=st.booleans(), to_mediator=st.booleans())
    def appeal_decision(self, pick, buyer, to_mediator):
        self.appeal(self.case(pick, CaseState.DECIDED), self.party(buyer), to_mediator)

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, to_mediator=st.booleans())
    def silent_seller_appeals_the_default_judgment(self, pick, to_mediator):
        """The seller lets the response window pass, then appeals the judgment it brought: the
        commonest appeal of a default judgment, which random pushes reach too seldom."""
        case = self.case(pick, CaseState.AWAITING_SELLER)
        if case.current_state is not CaseState.AWAITING_SELLER:
            return
        self.time_runs_out(case)
        self.states_move_along_allowed_edges()
        db.session.refresh(case)
        if case.current_state is CaseState.DECIDED:
            self.appeal(case, self.seller, to_mediator)

    # Execution

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def mark_done(self, pick):
        obligation = self.obligation(pick, ObligationStatus.OPEN)
        if obligation is None:
            return
        debtor = self.party(obligation.debtor == "buyer")
        tracking = "SF0000123" if obligation.kind == ObligationKind.RETURN_SHIPMENT.value else None
        _refused(execution.mark_done, obligation, debtor, "Done, reference R-1.", tracking)

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def confirm(self, pick):
        obligation = self.obligation(pick, ObligationStatus.DONE)
        if obligation is None:
            return
        creditor = self.party(obligation.debtor != "buyer")
        _refused(execution.confirm, obligation, creditor)

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK)
    def dispute(self, pick):
        obligation = self.obligation(pick, ObligationStatus.DONE)
        if obligation is None:
            return
        creditor = self.party(obligation.debtor != "buyer")
        _refused(execution.dispute, obligation, creditor, "Nothing arrived.")

    # A push along the lifecycle: the next steps people (or timers) would take for the live
    # cases, so that runs reach panels, appeals and execution, not only intake. A push keeps
    # to one live case (``pick``) until it closes, then goes on with another, filing a new
    # one when none is left; each ``choice`` picks the branch of one step. After each step
    # the cases' states are recorded and checked against the allowed edges; the other
    # invariants hold after the push as after any rule (the audit trail's covers every step).

    @precondition(lambda self: self.case_ids)
    @rule(pick=PICK, choices=steps(least=1), settlement=SETTLEMENTS)
    def push(self, pick, choices, settlement):
        for choice in choices:
            live = db.session.scalars(
                select(Case.id)
                .where(Case.id.in_(self.case_ids), Case.state != CaseState.CLOSED.value)
                .order_by(Case.id)
            ).all()
            if live:
                case = db.session.get(Case, live[pick % len(live)], populate_existing=True)
                if not self.next_step(case, choice, settlement):
                    self.time_runs_out(case)
            else:
                self.open_case(pick, fresh=True, claim=CLAIMS_LIST[choice % len(CLAIMS_LIST)])
            self.states_move_along_allowed_edges()

    def next_step(self, case: Case, choice: int, settlement: Settlement) -> bool:
        """The step a person takes for ``case`` in its state, ``choice`` picking which; False
        if there is none to take, or it was refused (a deadline passed: time acts instead)."""
        state = case.current_state
        if state is CaseState.FILED:
            if choice:
                return _refused(services.accept_intake, case, self.mediator, Severity.IMPORTANT)
            return _refused(services.return_case, case, self.mediator, "Add a photo of the box.")
        if state is CaseState.RETURNED:
            return _refused(services.resubmit_case, case, self.buyer, case_claim(case))
        if state is CaseState.AWAITING_SELLER and case.pending_counter_offer is not None:
            answers = [services.buyer_refuses_counter_offer, services.buyer_accepts_counter_offer]
            return _refused(answers[choice % 2], case, self.buyer)
        if state is CaseState.AWAITING_SELLER and choice < 3:
            return _refused(services.seller_contests, case, self.seller, "It left us intact.")
        if state is CaseState.AWAITING_SELLER and choice == 3:
            return _refused(services.seller_accepts_claim, case, self.seller)
        if state is CaseState.AWAITING_SELLER and choice == 4:
            return _refused(
                services.seller_counter_offers,
                case,
                self.seller,
                Remedy.PARTIAL_REFUND,
                5000,
                "Half back and keep the earbuds.",
            )
        if state is CaseState.MEDIATION and choice < 2:
            return _refused(
                mediation.route_to_panel,
                case,
                self.mediator_of(case),
                "The buyer says it arrived cracked; the seller says it left intact.",
                "Was the earbud damaged before it reached the buyer?",
            )
        if state is CaseState.MEDIATION and choice < 4:
            return _refused(mediation.decide, case, self.mediator_of(case), settlement)
        if state is CaseState.MEDIATION:
            return _refused(mediation.propose_settlement, case, self.mediator_of(case), settlement)
        if state is CaseState.PROPOSAL and choice < 3:
            accept = choice < 2
            answered = _refused(mediation.answer_proposal, case, self.buyer, accept)
            return _refused(mediation.answer_proposal, case, self.seller, accept) or answered
        if state is CaseState.PANEL:
            seats = db.session.scalars(
                select(Seat)
                .join(Panel, Panel.id == Seat.panel_id)
                .where(
                    Panel.case_id == case.id,
                    Panel.status == PanelStatus.OPEN.value,
                    Seat.status == SeatStatus.OPEN.value,
                )
                .order_by(Seat.id)
            ).all()
            voted = [
                _refused(cast_vote, seat, seat.reviewer, OPTIONS[choice % 2], REASON)
                for seat in seats[: choice % 3 + 1]
            ]
            count_due_panels()
            return any(voted)
        if state is CaseState.DECIDED and choice < 4:
            return self.appeal(case, self.party(choice % 2 == 0), to_mediator=choice >= 2)
        return False  # the seller's silence, the windows, the execution's steps: time acts

    def time_runs_out(self, case: Case) -> None:
        """The case's deadline passes and the sweeps run, as the scheduler would."""
        deadline = case.deadline_at
        if deadline is not None and deadline > clock.now():
            clock.advance(deadline - clock.now() + timedelta(minutes=1))
        sweep_case_deadlines()
        sweep_obligations()
        count_due_panels()

    # Time and the sweeps

    @rule(delta=DURATIONS)
    def time_passes(self, delta):
        clock.advance(delta)

    @rule(twice=st.booleans())
    def sweep_deadlines(self, twice):
        for _ in range(2 if twice else 1):
            sweep_case_deadlines()

    @rule(twice=st.booleans())
    def sweep_reminders(self, twice):
        for _ in range(2 if twice else 1):
            remind_case_deadlines()

    @rule(twice=st.booleans())
    def sweep_obligations(self, twice):
        for _ in range(2 if twice else 1):
            sweep_obligations()

    @rule(twice=st.booleans())
    def count_panels(self, twice):
        for _ in range(2 if twice else 1):
            count_due_panels()

    # Invariants

    @invariant()
    def states_move_along_allowed_edges(self):
        db.session.flush()
        rows = db.session.execute(
            select(Case.id, Case.state).where(Case.id.in_(self.case_ids))
        ).all()
        for case_id, state in rows:
            self.states_seen.add(state)
            previous = self.history[case_id][-1]
            assert reachable(previous, state), (
                f"case {case_id} went {previous} -> {state}, not along allowed edges"
            )
            if state != previous:
                self.history[case_id].append(state)
                REACHED[f"state:{state}"] += 1

    @invariant()
    def audit_trail_moves_along_allowed_edges(self):
        if not self.case_ids:
            return
        current = dict(
            db.session.execute(select(Case.id, Case.state).where(Case.id.in_(self.case_ids))).all()
        )
        events = db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.subject_type == "cases",
                AuditEvent.subject_id.in_([str(i) for i in self.case_ids]),
                AuditEvent.action.like("case.%"),
            )
            .order_by(AuditEvent.id)
        ).all()
        trail: dict[int, list[tuple[str, str | None, str]]] = {}
        for event in events:
            after = (event.after or {}).get("state")
            if after is None:
                continue
            before = (event.before or {}).get("state")
            trail.setdefault(int(event.subject_id), []).append((event.action, before, after))
        for case_id in self.case_ids:
            steps = trail.get(case_id, [])
            assert steps and steps[0] == ("case.opened", None, CaseState.FILED.value), (
                f"case {case_id}: trail does not start with its opening: {steps}"
            )
            state = steps[0][2]
            for action, before, after in steps[1:]:
                assert before == state, (
                    f"case {case_id}: {action} recorded before={before} but the trail "
                    f"had it in {state}; trail {steps}"
                )
                assert CaseState(after) in ALLOWED_TRANSITIONS[CaseState(before)], (
                    f"case {case_id}: {action} {before} -> {after} is not an allowed edge"
                )
                state = after
            assert state == current[case_id], (
                f"case {case_id}: trail ends in {state}, the row is {current[case_id]}; {steps}"
            )

    @invariant()
    def one_tally_and_verdict_per_panel_counting_every_vote(self):
        if not self.case_ids:
            return
        panels = db.session.scalars(
            select(Panel)
            .where(Panel.case_id.in_(self.case_ids))
            .execution_options(populate_existing=True)
        ).all()
        decided_per_case: Counter = Counter()
        for panel in panels:
            tallies = db.session.scalars(select(Tally).where(Tally.panel_id == panel.id)).all()
            assert len(tallies) <= 1, f"panel {panel.id} has {len(tallies)} tallies"
            assert (panel.status == PanelStatus.OPEN.value) == (not tallies), (
                f"panel {panel.id} is {panel.status} with {len(tallies)} tallies"
            )
            votes = db.session.execute(
                select(Vote.seat_id, Vote.option).where(Vote.panel_id == panel.id)
            ).all()
            seats = [seat_id for seat_id, _ in votes]
            assert len(seats) == len(set(seats)), f"panel {panel.id}: a seat voted twice"
            if tallies:
                tally = tallies[0]
                unique = Counter(option for _, option in set(votes))
                assert {o: tally.counts.get(o, 0) for o in panel.options} == {
                    o: unique.get(o, 0) for o in panel.options
                }, f"panel {panel.id}: tally {tally.counts} but votes {dict(unique)}"
                assert tally.votes_cast == len(set(votes))
                if tally.verdict is not None:
                    decided_per_case[panel.case_id] += 1
        verdict_events = Counter(
            int(subject_id)
            for subject_id in db.session.scalars(
                select(AuditEvent.subject_id).where(
                    AuditEvent.subject_type == "cases",
                    AuditEvent.subject_id.in_([str(i) for i in self.case_ids]),
                    AuditEvent.action == "case.panel_verdict",
                )
            )
        )
        assert verdict_events == decided_per_case, (
            f"verdict events {dict(verdict_events)} but panels with a verdict "
            f"{dict(decided_per_case)}"
        )

    @invariant()
    def one_appeal_per_case_heard_by_someone_new(self):
        if not self.case_ids:
            return
        rows = db.session.scalars(
            select(Appeal)
            .where(Appeal.case_id.in_(self.case_ids))
            .execution_options(populate_existing=True)
        ).all()
        assert len({row.case_id for row in rows}) == len(rows)
        for row in rows:
            if row.heard_by == AppealHearing.MEDIATOR.value:
                assert row.hearing_mediator_id not in (None, row.first_mediator_id), (
                    f"case {row.case_id}: appeal heard by the mediator who decided"
                )
            assert (row.panel_id is not None) == (row.decision_kind == "panel")
            if row.reputation_revised_at is None:
                assert row.final_verdict is None

    @invariant()
    def reputation_counts_each_vote_against_its_final_verdict(self):
        """Each reviewer's resolved cases are their votes on panels that gave a verdict; their
        coherent ones, the votes matching the final verdict — the appeal's, once counted."""
        if not self.case_ids:
            return
        finals = dict(
            db.session.execute(
                select(Appeal.panel_id, Appeal.final_verdict).where(
                    Appeal.case_id.in_(self.case_ids), Appeal.final_verdict.is_not(None)
                )
            ).all()
        )
        votes = db.session.execute(
            select(Seat.reviewer_id, Vote.option, Tally.verdict, Panel.id)
            .join(Vote, Vote.seat_id == Seat.id)
            .join(Panel, Panel.id == Seat.panel_id)
            .join(Tally, Tally.panel_id == Panel.id)
            .where(Panel.case_id.in_(self.case_ids), Tally.verdict.is_not(None))
        ).all()
        expected: dict[int, list[int]] = {}
        for reviewer_id, option, verdict, panel_id in votes:
            counts = expected.setdefault(reviewer_id, [0, 0])
            counts[0] += 1
            counts[1] += option == finals.get(panel_id, verdict)
        stored = {
            user_id: [resolved, coherent]
            for user_id, resolved, coherent in db.session.execute(
                select(Reviewer.user_id, Reviewer.resolved, Reviewer.coherent).where(
                    Reviewer.user_id.in_(list(expected))
                )
            )
        }
        assert stored == expected, f"reputation {stored}, votes say {expected}"
        revised = db.session.execute(
            select(AuditEvent.subject_id, func.count())
            .where(AuditEvent.action == "panel.reputation_revised")
            .group_by(AuditEvent.subject_id)
        ).all()
        assert all(count == 1 for _panel, count in revised), f"revised twice: {revised}"

    @invariant()
    def deposit_balance_is_the_sum_of_its_entries(self):
        if not hasattr(self, "seller"):
            return
        for seller in (self.seller, self.buyer):
            amounts = db.session.scalars(
                select(DepositEntry.amount_fen).where(DepositEntry.seller_id == seller.id)
            ).all()
            assert deposit_balance(seller) == sum(amounts)

    @invariant()
    def obligations_only_for_decided_cases(self):
        if not self.case_ids:
            return
        rows = db.session.execute(
            select(
                Obligation.id,
                Obligation.status,
                Case.id,
                Case.state,
                Case.outcome,
                Case.decision_kind,
                Case.decision_remedy,
                Case.decided_at,
            )
            .join(Case, Case.id == Obligation.case_id)
            .where(Case.id.in_(self.case_ids))
        ).all()
        appealed = set(
            db.session.scalars(select(Appeal.case_id).where(Appeal.case_id.in_(self.case_ids)))
        )
        for ob_id, ob_status, case_id, state, outcome, kind, remedy, decided_at in rows:
            if ob_status in FINISHED_STEPS and case_id in appealed:
                # steps of an earlier decision, finished or cancelled before a later decision
                # was appealed: the appeal clears the decision until it is heard
                continue
            assert None not in (outcome, kind, remedy, decided_at), (
                f"obligation {ob_id} ({ob_status}) on case {case_id} in {state} which has no "
                f"decision: outcome={outcome} kind={kind} remedy={remedy} decided_at={decided_at}"
            )

    @invariant()
    def at_most_one_open_proposal_per_case(self):
        if not self.case_ids:
            return
        counts = Counter(
            db.session.scalars(
                select(SettlementProposal.case_id).where(
                    SettlementProposal.case_id.in_(self.case_ids),
                    SettlementProposal.status == ProposalStatus.OPEN.value,
                )
            )
        )
        assert all(n <= 1 for n in counts.values()), f"open proposals per case {dict(counts)}"

    @invariant()
    def a_closed_case_says_why(self):
        if not self.case_ids:
            return
        rows = db.session.execute(
            select(Case.id, Case.closed_reason, Case.closed_at).where(
                Case.id.in_(self.case_ids), Case.state == CaseState.CLOSED.value
            )
        ).all()
        for case_id, reason, closed_at in rows:
            assert reason is not None and closed_at is not None, f"case {case_id} closed silently"


def test_the_lifecycle_state_machine_reaches_every_case_state(app):
    seen: set[str] = set()

    class Recorded(CaseLifecycle):
        states_seen = seen

    saved = {key: app.config[key] for key in PANEL_CONFIG}
    app.config.update(PANEL_CONFIG)
    try:
        run_state_machine_as_test(
            Recorded,
            settings=settings(
                max_examples=60,
                stateful_step_count=40,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )
    finally:
        app.config.update(saved)
        clock.reset()
    print(sorted(REACHED.items()))
    every_state = {state.value for state in CaseState}
    assert seen == every_state, f"the runs never reached {sorted(every_state - seen)}"
    # default judgments and mediators' decisions were appealed, to panels and to mediators
    assert {kind for kind, _heard in APPEALS_MADE} >= {"default_judgment", "mediator"}
    assert {heard for _kind, heard in APPEALS_MADE} == {"panel", "mediator"}
