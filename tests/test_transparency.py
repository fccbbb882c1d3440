"""The public figures at /transparency: open to anyone in both languages, per month of
filing, never a name, and never a figure resting on a group smaller than ten."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.analytics.disclosure import publish
from app.analytics.facts import fill_case_facts
from app.analytics.transparency import compute_public_table
from app.cases.models import Case
from app.closing.models import Rating
from app.core import clock
from app.core.extensions import db
from app.execution.models import SellingRestriction
from tests.helpers.factories import make_case_row, make_order, make_user

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
BUYER_NAME, BUYER_EMAIL = "Quentin Zephyrbuyer", "quentin.zephyr@example.com"
SELLER_NAME, SELLER_EMAIL = "Wilhelmina Marchetti", "wilhelmina.m@example.com"
SHOP = "Quokka Curiosities Emporium"


def decided_cases(count: int, filed_at: datetime, kind: str, *, rated: bool = True) -> None:
    """``count`` cases filed at ``filed_at``, decided three days later, rated 4 by the buyer."""
    day = f"{filed_at:%m%d}."
    buyer = make_user(name=BUYER_NAME, email=day + BUYER_EMAIL)
    seller = make_user(name=SELLER_NAME, email=day + SELLER_EMAIL, shop_name=SHOP)
    for _ in range(count):
        case = make_case_row(
            make_order(buyer, seller),
            state="closed",
            outcome="for_buyer",
            decision_kind=kind,
            decision_remedy="full_refund",
            decided_at=filed_at + timedelta(days=3),
            closed_reason="completed",
            closed_at=filed_at + timedelta(days=5),
            filed_at=filed_at,
        )
        if rated:
            db.session.add(Rating(case_id=case.id, party="buyer", score=4))
    db.session.flush()
    fill_case_facts()  # these cases have no audit trail: their facts are filled afresh


@pytest.fixture
def months(app):
    """Ten cases in February, all decided by the mediator; nine in March, all agreed."""
    clock.freeze(NOW)
    decided_cases(10, datetime(2026, 2, 10, tzinfo=UTC), "mediator")
    decided_cases(9, datetime(2026, 3, 10, tzinfo=UTC), "seller_accepted")


def by_period(table) -> dict:
    return {row.period: row for row in [*table.months, table.total]}


def test_ten_cases_are_shown_and_nine_are_not(months):
    rows = by_period(compute_public_table(NOW))
    february, march, total = rows["2026-02"], rows["2026-03"], rows["all"]
    assert (february.cases.value, february.cases.hidden) == (10, False)
    assert february.endings["mediator"].value == 10
    assert february.median_days_to_decision.value == 3.0
    assert february.average_rating.value == 4.0
    # nine cases: every figure of the month is hidden, counts, median and rating alike
    assert march.cases.hidden and march.cases.value is None
    assert all(published.hidden for published in march.endings.values())
    assert march.median_days_to_decision.hidden and march.average_rating.hidden
    # over both months: 19 cases, 9 agreed is under ten, 10 by the mediator is not
    assert total.cases.value == 19
    assert total.endings["agreement"].hidden
    assert total.endings["mediator"].value == 10
    assert total.restrictions.hidden  # none at all is fewer than ten too


def test_the_page_says_fewer_than_ten_and_never_the_figure(app, months):
    html = app.test_client().get("/transparency").get_data(as_text=True)
    march = html.split('<time datetime="2026-03">')[1].split("</tr>")[0]
    assert "fewer than 10" in march and ">9<" not in march
    february = html.split('<time datetime="2026-02">')[1].split("</tr>")[0]
    assert re.search(r"<td[^>]*>10</td>", february)


def test_restrictions_count_once_there_are_ten(app, months):
    march_first = datetime(2026, 3, 1, tzinfo=UTC)
    for case in db.session.scalars(select(Case).where(Case.filed_at < march_first)):
        db.session.add(SellingRestriction(seller_id=case.seller_id, case_id=case.id, reason="x"))
    db.session.flush()
    rows = by_period(compute_public_table(NOW))
    assert rows["2026-02"].restrictions.value == 10


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_no_name_address_or_shop_appears(app, months, language):
    response = app.test_client().get("/transparency", headers={"Accept-Language": language})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for personal in (BUYER_NAME, BUYER_EMAIL, SELLER_NAME, SELLER_EMAIL, SHOP, "Zephyr", "Quokka"):
        assert personal not in html
    assert "/penalised-shops" in html


def test_the_page_is_in_chinese_for_a_chinese_browser(app, months):
    html = (
        app.test_client()
        .get("/transparency", headers={"Accept-Language": "zh-CN"})
        .get_data(as_text=True)
    )
    assert "透明度报告" in html and "少于 10" in html


def test_the_rule_hides_a_figure_when_any_group_is_under_ten():
    assert publish(9, 9).hidden
    assert publish(10, 10).value == 10
    assert publish(4.5, 12, 9).hidden  # a median over 12 ratings of a month of 9 cases
    assert publish(0, 0).hidden


def test_anyone_finds_the_page_from_the_front_page_and_the_footer(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert html.count('href="/transparency"') == 2


def test_the_figures_are_kept_for_a_while(app, months, monkeypatch):
    monkeypatch.setitem(app.config, "TRANSPARENCY_CACHE", timedelta(minutes=10))
    client = app.test_client()
    client.get("/transparency")
    decided_cases(1, datetime(2026, 2, 11, tzinfo=UTC), "mediator")
    assert re.search(r"<td[^>]*>10</td>", client.get("/transparency").get_data(as_text=True))
    clock.advance(timedelta(minutes=11))
    assert re.search(r"<td[^>]*>11</td>", client.get("/transparency").get_data(as_text=True))


def test_the_months_run_back_from_this_one():
    clock.freeze(NOW)
    table = compute_public_table(NOW)
    assert (table.start, table.end) == (date(2025, 4, 1), date(2026, 3, 31))
