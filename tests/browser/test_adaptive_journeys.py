"""A panel that sizes itself, in a browser: the mediator routes the case on a site whose
panels are adaptive, the first wave of reviewers splits, the scheduler's counting sweep
draws the next wave, reviewers vote until the weighed votes are sure enough, and the
parties read the verdict and how the panel reached it — in English at a desktop, and in
Chinese on a phone.

The counting runs in the journeys' one scheduler: a panel's rule is recorded on the panel,
so only routing needs the adaptive site."""

import time

import pytest

from tests.helpers.journeys import (
    BUYER,
    JOURNEY_ORDERS,
    MEDIATOR,
    SELLER,
    accept_at_intake,
    confirm,
    contest,
    expect_text,
    open_case,
    posting_to,
    to_mediation,
)
from tests.helpers.servers import same_site_with

pytestmark = pytest.mark.browser

TEXTS = {
    "en-GB": {
        "progress": "The panel decides as soon as the reviewers' agreement is strong enough",
        "sized": "This panel sized itself",
        "verdict": "Decided for the buyer",
    },
    "zh-CN": {
        "progress": "评审员的意见一旦足够一致，评审团即作出裁决",
        "sized": "本评审团按需扩充",
        "verdict": "裁决买家胜诉",
    },
}


@pytest.fixture(scope="module")
def adaptive_site(site, tmp_path_factory):
    """The same site and database, served with PANEL_RULE=adaptive."""
    settings = {
        "PANEL_RULE": "adaptive",
        # small waves, so that a journey sees a wave drawn after a handful of votes
        "ADAPTIVE_FIRST_WAVE": "5",
        "ADAPTIVE_WAVE": "4",
        "ADAPTIVE_CAP": "31",
        # a lower confidence: fewer votes after the split, so a journey stays short (still
        # above what one vote of the surest reviewer could reach alone)
        "ADAPTIVE_CONFIDENCE": "0.95",
    }
    with same_site_with(site, tmp_path_factory.mktemp("adaptive-site"), settings) as adaptive:
        yield adaptive


def open_seats(site, case_id: int) -> list[tuple[int, str]]:
    return site.sql(
        "SELECT seats.id, users.email FROM seats JOIN panels ON panels.id = seats.panel_id "
        "JOIN users ON users.id = seats.reviewer_id WHERE panels.case_id = ? "
        "AND panels.status = 'open' AND seats.status = 'open' ORDER BY seats.id",
        (case_id,),
    )


def swept(site, case_id: int) -> bool:
    """The counting sweep has weighed every vote cast on the case's panel, or closed it."""
    [(status, counted, cast)] = site.sql(
        "SELECT panels.status, panels.counted_votes, "
        "(SELECT COUNT(*) FROM votes WHERE votes.panel_id = panels.id) "
        "FROM panels WHERE panels.case_id = ?",
        (case_id,),
    )
    return status != "open" or counted == cast


def seats_drawn(site, case_id: int) -> int:
    return site.sql("SELECT seats_drawn FROM panels WHERE case_id = ?", (case_id,))[0][0]


def vote(actors, locale: str, phone: bool, seat_id: int, email: str, for_buyer: bool) -> None:
    reviewer = actors(email, locale, phone=phone)
    page = reviewer.go(f"/review/seats/{seat_id}")
    options = page.locator("input[name=option]")
    (options.first if for_buyer else options.last).check()
    page.fill("#reason", "The measurements in the photos decide this case, not the packaging.")
    posting_to(page, f"/review/seats/{seat_id}/vote").locator("button").click()
    confirm(page)
    reviewer.close()


def wait_until(condition, timeout: float = 25) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "the scheduler did not act in time"
        time.sleep(0.3)


@pytest.mark.parametrize(
    ("locale", "phone", "order"),
    [
        ("en-GB", False, "adaptive_en_desktop"),
        ("zh-CN", True, "adaptive_zh_phone"),
    ],
    ids=["english-desktop", "chinese-phone"],
)
def test_an_adaptive_panel_decides_in_waves(actors, site, adaptive_site, locale, phone, order):
    texts = TEXTS[locale]
    buyer = actors(BUYER, locale, phone=phone)
    case_id = open_case(
        buyer, JOURNEY_ORDERS[order], "The earbuds' case does not close and they do not charge."
    )
    mediator = actors(MEDIATOR)
    accept_at_intake(mediator, case_id)
    contest(actors(SELLER), case_id)
    to_mediation(site, case_id)

    # the mediator routes the case on the adaptive site: five reviewers are drawn first
    mediator.site = adaptive_site
    page = mediator.go(f"/cases/{case_id}")
    page.fill("#panel-summary", "The buyer says the earbuds do not charge; the seller disagrees.")
    page.fill("#panel-question", "Should the buyer get a full refund?")
    posting_to(page, f"/cases/{case_id}/mediation/panel").locator("button").click()
    page.wait_for_load_state()
    assert site.case_state(case_id) == "panel"
    assert site.sql("SELECT rule FROM panels WHERE case_id = ?", (case_id,)) == [("adaptive",)]
    first_wave = open_seats(site, case_id)
    assert len(first_wave) == 5

    page = buyer.go(f"/cases/{case_id}")
    expect_text(page, texts["progress"])
    buyer.shot(f"1-adaptive-panel-sitting-{locale}")

    # the first wave splits, never more than one vote apart: not sure enough, whatever the
    # reviewers' records, so the sweep draws the next wave as the votes come in
    for number, (seat_id, email) in enumerate(first_wave):
        vote(actors, locale, phone, seat_id, email, for_buyer=number % 2 == 1 or number == 4)
        wait_until(lambda: swept(site, case_id))
    assert seats_drawn(site, case_id) > len(first_wave)

    # the later waves vote for the buyer until the weighed votes are sure enough
    while site.case_state(case_id) == "panel":
        seats = open_seats(site, case_id)
        if not seats:  # the sweep is counting, or drawing the next wave
            time.sleep(0.5)
            continue
        seat_id, email = seats[0]
        vote(actors, locale, phone, seat_id, email, for_buyer=True)
        wait_until(lambda: swept(site, case_id))
    assert site.case_state(case_id) == "decided"
    votes, posterior = site.sql(
        "SELECT tallies.votes_cast, tallies.posterior FROM tallies "
        "JOIN panels ON panels.id = tallies.panel_id WHERE panels.case_id = ?",
        (case_id,),
    )[0]
    assert 6 <= votes <= 31 and posterior is not None

    # the parties read the verdict and how the panel reached it
    for party in (buyer, actors(SELLER)):
        page = party.go(f"/cases/{case_id}")
        expect_text(page, texts["verdict"] if party is buyer else "Decided for the buyer")
        expect_text(page, texts["sized"] if party is buyer else "This panel sized itself")
    buyer.shot(f"2-adaptive-panel-verdict-{locale}")
