"""The main pages issue as many SQL statements with much data as with little: no page loads
a row, or a relationship, once per entry, case, seat, vote or item it lists (no N+1).

Each test renders a page once on small data and once on much more, counting the statements
with a ``before_cursor_execute`` listener, and compares the counts. Each also checks that
the bigger page really lists more rows, so an equal count is not an empty page's count. The
paged lists (the desk's queue, the inbox, the orders) get more than a page of rows.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.auth.models import Role
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import (
    Case,
    EvidenceKind,
)
from app.cases.states import (
    Party,
    Remedy,
)
from app.core import clock
from app.core.extensions import db
from app.jury import voting
from app.jury.counting import count_due_panels
from app.jury.models import Panel, Seat, Tally
from app.mediation import services as mediation
from app.mediation.saved_filters import save_filter
from app.mediation.services import Settlement
from app.notifications.delivery import deliver_outbox
from app.notifications.outbox import queue_message
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.case_factories import (
    PANEL_QUESTION,
    PANEL_SUMMARY,
    add_photo,
    add_statement,
    make_case,
)
from tests.helpers.counts import statements_issued
from tests.helpers.factories import make_case_row, make_order, make_reviewers, make_user
from tests.helpers.pages import as_user, page

BALLOT = ["grant:full_refund:19900", "reject"]
REASON = "The photos show the box was crushed before it was delivered."
ENTRY = 'id="entry-'  # one per evidence card, on the case page and the reviewer's page
NOTE = "check the courier photos"


# Counting


@dataclass(repr=False)
class Rendered:
    url: str
    statements: list[str]
    html: str

    def __repr__(self) -> str:
        return f"<GET {self.url}: {len(self.statements)} statements>"


def render(client, user, url: str) -> Rendered:
    """``url`` as ``user`` sees it, with the statements its request issued."""
    as_user(client, user)
    db.session.flush()  # the test's own pending writes are not the page's
    with statements_issued() as issued:
        html = page(client, url)
    return Rendered(url, issued, html)


def assert_same_count(small: Rendered, large: Rendered, row_marker: str) -> None:
    """Both renderings issued as many statements; the large one listed more rows."""
    small_rows, large_rows = small.html.count(row_marker), large.html.count(row_marker)
    assert large_rows > small_rows, (
        f"the bigger page should list more rows ({row_marker!r}): "
        f"{small_rows} on {small.url}, {large_rows} on {large.url}"
    )
    assert len(large.statements) == len(small.statements), growth_report(small, large)


def growth_report(small: Rendered, large: Rendered) -> str:
    """What a developer needs to find the N+1: the statements that ran more often."""
    grown = Counter(map(shape, large.statements)) - Counter(map(shape, small.statements))
    fewer = Counter(map(shape, small.statements)) - Counter(map(shape, large.statements))
    lines = [
        f"GET {small.url} issued {len(small.statements)} statements with little data, "
        f"GET {large.url} {len(large.statements)} with more: a query per row?",
        "Ran more often with more data:",
        *(f"  +{times}  {statement}" for statement, times in grown.most_common()),
    ]
    if fewer:
        lines.append("Ran more often with little data:")
        lines += [f"  +{times}  {statement}" for statement, times in fewer.most_common()]
    lines.append("Every statement with more data:")
    lines += [f"  {n:3d}. {statement}" for n, statement in enumerate(large.statements, 1)]
    return "\n".join(lines)


def shape(statement: str) -> str:
    """A statement without what varies between two renderings of the same page: the length
    of its IN lists and the names of savepoints."""
    statement = re.sub(
        r"IN \((?:\?|%\(\w+\)s|\$\d+)(?:, (?:\?|%\(\w+\)s|\$\d+))*\)", "IN (...)", statement
    )
    return re.sub(r"sa_savepoint_\d+", "sa_savepoint_N", statement)


def test_the_counter_sees_a_query_per_row():
    """The listener sees the statements of the test's connection, lazy loads included (a
    page loading each case's order on its own would be caught), and stops at the block's end."""
    cases = [make_case_row() for _ in range(3)]
    db.session.expire_all()
    with statements_issued() as issued:
        for case in cases:
            _ = db.session.get(Case, case.id).order.marketplace_order_id
    assert len([s for s in issued if s.startswith("SELECT orders.")]) == len(cases), issued
    counted = len(issued)
    make_user()
    assert len(issued) == counted


# The case page: both timelines, the mediator's notes, questions and proposal


def add_entries(case: Case, per_side: int) -> None:
    """``per_side`` entries on each timeline: statements, every fourth a photo, the third
    a correction of the first, and with room for it a tracking number and a retraction."""
    for user in (case.buyer, case.seller):
        first = None
        for n in range(per_side):
            if n % 4 == 1:
                add_photo(case, user, f"photo-{n}.jpg")
            elif n == 2:
                add_evidence(
                    case,
                    user,
                    NewEvidence(
                        EvidenceKind.CORRECTION,
                        text="I meant the left earbud.",
                        refers_to_id=first.id,
                    ),
                )
            elif n == 6:
                add_evidence(
                    case,
                    user,
                    NewEvidence(EvidenceKind.TRACKING_NUMBER, text="SF Express SF1234567890"),
                )
            elif n == 7:
                add_evidence(
                    case,
                    user,
                    NewEvidence(
                        EvidenceKind.RETRACTION, text="Wrong photo.", refers_to_id=first.id
                    ),
                )
            else:
                entry = add_statement(case, user, f"Statement {n}: what happened next.")
                first = first or entry


def contested_case(per_side: int, mediator) -> Case:
    """A case in mediation with ``per_side`` entries on each timeline, and a third as many
    added late."""
    case = make_case("evidence", mediator=mediator)
    add_entries(case, per_side)
    clock.advance(current_app.config["EVIDENCE_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    db.session.refresh(case)
    add_entries(case, max(per_side // 3, 1))
    return case


def case_with_proposal(per_side: int, mediator_items: int) -> Case:
    """A contested case with ``mediator_items`` internal notes, questions to each side (every
    other one answered) and proposals, each superseding the one before."""
    mediator = make_user(name="Mediator Zhou", roles=(Role.MEDIATOR,))
    case = contested_case(per_side, mediator)
    for n in range(mediator_items):
        mediation.add_note(case, mediator, f"Note {n}: {NOTE}")
        for party in Party:
            question = mediation.ask_question(case, mediator, party, f"Question {n}?", 48)
            if n % 2:
                mediation.answer_question(question, getattr(case, party.value), "Answered.")
    for n in range(mediator_items):
        mediation.propose_settlement(
            case,
            mediator,
            Settlement(Remedy.PARTIAL_REFUND, 9900 - n, "Half the price is fair."),
        )
    db.session.flush()
    db.session.refresh(case)
    return case


@pytest.mark.parametrize("viewer", ["buyer", "seller", "mediator"])
def test_case_page(client, viewer):
    def rendered(per_side: int, mediator_items: int) -> Rendered:
        case = case_with_proposal(per_side, mediator_items)
        assert case.state == "proposal"
        return render(client, getattr(case, viewer), f"/cases/{case.id}")

    small = rendered(per_side=2, mediator_items=1)
    large = rendered(per_side=20, mediator_items=6)
    assert_same_count(small, large, ENTRY)
    # the parties see the questions put to them; the mediator the notes
    marker = NOTE if viewer == "mediator" else 'class="question"'
    assert large.html.count(marker) > small.html.count(marker) > 0


# The reviewer's seat page


def panel_case(per_side: int) -> Case:
    """A contested case routed to a panel of new reviewers."""
    mediator = make_user(roles=(Role.MEDIATOR,))
    case = contested_case(per_side, mediator)
    make_reviewers(current_app.config["PANEL_SEATS"])
    mediation.route_to_panel(case, mediator, PANEL_SUMMARY, PANEL_QUESTION)
    db.session.flush()
    return case


def open_panel_of(case: Case) -> Panel:
    return db.session.scalars(
        select(Panel).where(Panel.case_id == case.id, Panel.status == "open")
    ).one()


def cast(seats: list[Seat], option: str) -> None:
    for seat in seats:
        voting.cast_vote(seat, seat.reviewer, option, REASON)


def test_seat_page_while_the_panel_is_open(client):
    def rendered(per_side: int, others_voted: int) -> Rendered:
        panel = open_panel_of(panel_case(per_side))
        mine, *others = panel.seat_rows
        cast(others[:others_voted], BALLOT[0])
        return render(client, mine.reviewer, f"/review/seats/{mine.id}")

    small = rendered(per_side=2, others_voted=1)
    large = rendered(per_side=20, others_voted=12)
    assert_same_count(small, large, ENTRY)
    assert "Cast my vote" in small.html and "Cast my vote" in large.html


def test_seat_page_once_the_panel_has_decided(client):
    def rendered(per_side: int, against: int) -> Rendered:
        panel = open_panel_of(panel_case(per_side))
        majority = panel.majority
        seats = panel.seat_rows
        cast(seats[:against], BALLOT[1])
        cast(seats[against : against + majority], BALLOT[0])
        assert count_due_panels() == 1  # this panel closes, decided
        return render(client, seats[0].reviewer, f"/review/seats/{seats[0].id}")

    small = rendered(per_side=2, against=1)
    large = rendered(per_side=20, against=current_app.config["PANEL_MAJORITY"] - 1)
    assert_same_count(small, large, ENTRY)
    reason = f'<div class="entry-text">{REASON}</div>'
    assert large.html.count(reason) > small.html.count(reason) > 0


# A reviewer's seats and record


def seated_reviewer(panels: int):
    """An active reviewer seated on ``panels`` panels: a third voted on panels since
    decided, a third voted on open panels, the rest waiting for the vote."""
    [reviewer] = make_reviewers(1)
    for n in range(panels):
        case = make_case_row(state="panel")
        add_statement(case, case.buyer, "The earbud arrived cracked.")
        panel = Panel(
            case_id=case.id,
            round="first",
            seats=17,
            majority=9,
            options=BALLOT,
            question=f"Should {case.buyer.display_name} get a full refund?",
            summary=PANEL_SUMMARY,
            seed="0" * 64,
            pool=[],
            deadline_at=clock.now() + timedelta(hours=72),
        )
        db.session.add(panel)
        seat = Seat(panel=panel, reviewer=reviewer, vote_due_at=clock.now() + timedelta(hours=24))
        db.session.add(seat)
        db.session.flush()
        if n % 3 != 2:
            voting.cast_vote(seat, reviewer, BALLOT[n % 2], REASON)
        if n % 3 == 0:
            panel.status, panel.closed_at = "decided", clock.now()
            counts = {BALLOT[0]: 9, BALLOT[1]: 1}
            db.session.add(
                Tally(panel_id=panel.id, counts=counts, verdict=BALLOT[0], votes_cast=10)
            )
    db.session.flush()
    return reviewer


def test_my_seats(client):
    small = render(client, seated_reviewer(3), "/review/seats")
    large = render(client, seated_reviewer(15), "/review/seats")
    assert_same_count(small, large, 'href="/review/seats/')


def test_reviewer_dashboard(client):
    small = render(client, seated_reviewer(3), "/review/")
    large = render(client, seated_reviewer(15), "/review/")
    assert_same_count(small, large, "<tr>")


# The mediator desk


QUEUE_STATES = ("filed", "awaiting_seller", "counter_offer", "evidence")


def open_cases(count: int, mediator=None) -> None:
    """``count`` open cases in every state before mediation, each side a new pair of people,
    all overdue; every other one's question to the buyer answered."""
    mediator = mediator or make_user(roles=(Role.MEDIATOR,))
    for n in range(count):
        case = make_case(QUEUE_STATES[n % len(QUEUE_STATES)], mediator=mediator)
        case.deadline_at = clock.now() - timedelta(minutes=1)
        if n % 2 and case.state == "evidence":
            question = mediation.ask_question(case, mediator, Party.BUYER, "When?", 48)
            mediation.answer_question(question, case.buyer, "On Monday.")


# the whole queue; a search (every party's address holds it) with the filters that read the
# questions, notes and proposals; a page past the first
DESK_URLS = [
    "/mediation/",
    "/mediation/?q=example.com&assigned=waiting&state=evidence&claim_type=damaged_in_transit",
    "/mediation/?page=2&overdue=y",
]


@pytest.mark.parametrize(
    "roles", [(Role.MEDIATOR,), (Role.ADMIN, Role.MEDIATOR)], ids=["mediator", "admin"]
)
def test_mediator_desk(client, roles):
    """The desk, its counts and its saved filters, with a page of the queue, at each of
    ``DESK_URLS``: as many statements with many cases as with 4 (a page holds 25). The
    admin, who mediates too, has a reassign form on every row. The cases are opened once for
    all the addresses, which only read them."""
    staff = make_user(roles=roles)
    for n in range(3):
        save_filter(staff, f"Filter {n}", {"state": "evidence"})
    open_cases(4, staff)
    small = [render(client, staff, url) for url in DESK_URLS]
    open_cases(60, staff)
    large = [render(client, staff, url) for url in DESK_URLS]
    for small_page, large_page in zip(small, large, strict=True):
        assert_same_count(small_page, large_page, 'href="/cases/')


# A party's own lists


def test_my_cases(client):
    def rendered(count: int) -> Rendered:
        user = make_user()
        for n in range(count):
            state = QUEUE_STATES[n % len(QUEUE_STATES)]
            if n % 3 == 2:
                make_case(state, seller=user)
            else:
                make_case(state, buyer=user)
        return render(client, user, "/cases")

    assert_same_count(rendered(4), rendered(30), 'href="/cases/')


def test_my_orders(client):
    def rendered(count: int) -> Rendered:
        user = make_user()
        for n in range(count):
            if n % 2:
                make_order(buyer=user)
            else:
                make_order(seller=user)
        return render(client, user, "/orders")

    assert_same_count(rendered(3), rendered(30), 'href="/orders/')


# each state's whose-turn rule reads its cases together; made in this order from the same
# moment, no case's making lets the sweeps move one made before it
TURN_STATES = ("executing", "decided", "proposal", "panel", "counter_offer", "evidence")


def cases_in_every_turn_state(user, per_state: int) -> None:
    start = clock.now()
    for state in TURN_STATES:
        for n in range(per_state):
            clock.freeze(start)
            make_case(state, **({"seller": user} if n % 2 else {"buyer": user}))
    clock.freeze(start)


def test_whose_turn_on_my_lists(client):
    """My cases and My orders say whose turn it is on each case, whatever its state, with as
    many statements for three cases in each state as for one. Both lists read the same
    cases, opened once."""
    lists = [("/cases", 'href="/cases/'), ("/orders", "Case #")]

    def rendered(per_state: int) -> list[Rendered]:
        user = make_user()
        cases_in_every_turn_state(user, per_state)
        return [render(client, user, url) for url, _marker in lists]

    small, large = rendered(1), rendered(3)
    for (_url, marker), small_list, large_list in zip(lists, small, large, strict=True):
        assert "Your turn" in large_list.html
        assert "Waiting for a review panel" in large_list.html
        assert_same_count(small_list, large_list, marker)


def test_inbox(client):
    def rendered(count: int) -> Rendered:
        user = make_user()
        for n in range(count):
            link = f"/cases/{n}" if n % 2 else None
            queue_message(
                user,
                f"q:{user.id}:{n}",
                f"Update {n}",
                "Line one\nLine two",
                channels=("inbox",),
                link=link,
            )
        deliver_outbox()
        return render(client, user, "/inbox")

    assert_same_count(rendered(3), rendered(30), 'class="inbox-item"')
