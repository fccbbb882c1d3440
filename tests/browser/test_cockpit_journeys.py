"""The cockpit in a browser, over the demo's months of history: a mediator reads the staff
dashboard (every chart drawn beside its table, a CSV downloaded, usable on a phone), and an
anonymous visitor reads the public figures in Chinese on a phone and in English on a desktop,
never meeting a person's name or address."""

import re
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1


def test_a_mediator_reads_the_dashboard_over_months_of_history(actors, site):
    mediator = actors("mediator@example.com", name="analytics")
    assert "/mediation/" in mediator.page.url  # a mediator lands on the desk

    today = datetime.now(UTC).date()
    start = today - timedelta(days=240)  # the demo's seven months of history, and more
    page = mediator.go(f"/analytics/?start={start.isoformat()}&end={today.isoformat()}")
    assert page.locator("h1").inner_text() == "Analytics"
    canvases = page.locator("canvas.chart")
    count = canvases.count()
    assert count >= 12
    # every chart is drawn by the vendored Chart.js (no inline script, no internet)
    page.wait_for_function(
        "n => [...document.querySelectorAll('canvas.chart')]"
        ".filter(c => window.Chart && window.Chart.getChart(c)).length === n",
        arg=count,
    )
    # each chart has its table beside it, with a caption, for a screen reader
    assert page.locator("table caption").count() >= count
    filed = page.locator("section", has=page.locator("h2", has_text="Cases filed over time"))
    assert re.search(r"\d", filed.locator("table tbody").inner_text())
    mediator.shot("1-dashboard")

    csv_link = page.locator("a[href*='.csv']").first
    response = mediator.page.request.get(site.url + csv_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text().count("\n") >= 2  # a header and figures

    mediator.page.set_viewport_size(PHONE)
    page = mediator.go(f"/analytics/?start={start.isoformat()}&end={today.isoformat()}")
    assert no_sideways_scroll(page)
    mediator.shot("2-dashboard-phone")


@pytest.mark.parametrize(
    ("locale", "viewport", "title", "step"),
    [
        ("zh-CN", PHONE, "透明度报告", "1-phone-zh"),
        ("en-GB", {"width": 1280, "height": 900}, "Transparency", "2-desktop-en"),
    ],
)
def test_anyone_reads_the_public_figures_without_personal_data(
    actors, site, locale, viewport, title, step
):
    visitor = actors("visitor@example.com", locale=locale, name="transparency", log_in=False)
    visitor.page.set_viewport_size(viewport)
    page = visitor.go("/transparency")
    assert page.locator("h1").inner_text() == title
    main = page.locator("main").inner_text()

    # the history's months are published: at least one month shows its count of cases
    rows = page.locator("table.transparency-table").first.locator("tbody tr")
    counts = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert any(re.fullmatch(r"[\d,]+", cell.strip()) for cell in counts), counts

    # nobody's name or address, in any script
    for name, email in site.sql("SELECT display_name, email FROM users"):
        assert name not in main and email not in main, name
    assert no_sideways_scroll(page)
    visitor.shot(step)
