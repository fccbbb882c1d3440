"""The dashboard's page and its CSV files, read as a mediator: the filters of the query
string, each figure's accessible table beside its chart, and CSV a spreadsheet cannot run."""

import csv
import io
import re

import pytest

from app.auth.models import Role
from tests.helpers.analytics_world import INJECTED_COMMENT, build_world
from tests.helpers.factories import make_user
from tests.helpers.pages import login, page

MARCH = "start=2026-03-01&end=2026-03-31"


@pytest.fixture
def client(app):
    build_world()
    client = app.test_client()
    login(client, make_user(roles=(Role.MEDIATOR,)))
    return client


def csv_rows(client, key: str, query: str = MARCH) -> list[list[str]]:
    response = client.get(f"/analytics/{key}.csv?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_every_figure_has_a_table_with_caption_and_header_scopes(client):
    html = page(client, f"/analytics/?{MARCH}")
    sections = re.findall(r'<section class="figure" id="figure-([a-z-]+)"', html)
    assert len(sections) == 17
    for key in sections:
        section = html.split(f'id="figure-{key}"')[1].split("</section>")[0]
        assert "<caption>" in section and '<th scope="col">' in section, key
        assert f"/analytics/{key}.csv?" in section, key
    # a chart carries its figures for the script; the first-contact one, say
    assert "data-chart='{&#34;labels&#34;" in html or 'data-chart=\'{"labels"' in html
    assert '<th scope="row">Resolved later</th>' in html


def test_charts_come_from_the_site_with_no_inline_script(client):
    html = page(client, f"/analytics/?{MARCH}")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert client.get("/static/vendor/chartjs/chart.umd.min.js").status_code == 200


def test_csv_of_a_figure(client):
    assert csv_rows(client, "first-contact") == [
        ["How the case was decided", "Cases", "Share (%)"],
        ["The seller accepted the claim", "1", "16.7"],
        ["The buyer accepted the seller's counter-offer", "1", "16.7"],
        ["Both accepted the first proposal", "1", "16.7"],
        ["Resolved later", "3", "50.0"],
    ]


def test_csv_neutralises_cells_a_spreadsheet_would_run(client):
    rows = csv_rows(client, "comments")
    assert rows[1] == ["2026-03-22", "Buyer", "2", "'" + INJECTED_COMMENT]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_filters_narrow_the_page_and_the_csv(client):
    damaged = f"{MARCH}&claim_type=damaged_in_transit"
    assert csv_rows(client, "volume", damaged)[1:] == [
        ["2026-03-02", "1"],
        ["2026-03-04", "1"],
        ["2026-03-05", "1"],
        ["2026-03-08", "1"],
    ]
    books = f"{MARCH}&category=books"
    assert csv_rows(client, "categories", books)[1:] == [["Books", "3"]]
    html = page(client, f"/analytics/?{books}")
    assert "/analytics/volume.csv?start=2026-03-01&amp;end=2026-03-31&amp;category=books" in html


def test_the_default_range_is_the_last_days_today_included(app, client, monkeypatch):
    # the clock stands at 31 March: a week is 25 to 31 March, after every case of the world
    assert csv_rows(client, "volume", "") == [["Period", "Cases"]]
    assert "from 2026-03-25 to 2026-03-31" in page(client, "/analytics/")
    # thirty days are 2 to 31 March, c1 (2 March) included
    monkeypatch.setitem(app.config, "ANALYTICS_DEFAULT_DAYS", 30)
    assert len(csv_rows(client, "volume", "")) == 1 + 7


def test_a_range_that_ends_before_it_starts_is_refused_beside_the_field(client):
    html = page(client, "/analytics/?start=2026-03-31&end=2026-03-01")
    assert "The end of the range comes before its start." in html
    assert "from 2026-03-25 to 2026-03-31" in html  # the default range instead


def test_an_unknown_figure_has_no_csv(client):
    assert client.get("/analytics/nothing.csv").status_code == 404


def test_the_page_speaks_chinese(client):
    html = client.get(f"/analytics/?{MARCH}", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert "首次接触解决率" in html and "下载 CSV" in html


def test_staff_find_the_dashboard_in_the_menu_and_parties_do_not(app, client):
    assert 'href="/analytics/"' in page(client, "/orders")
    buyer = app.test_client()
    login(buyer, make_user())
    assert 'href="/analytics/"' not in page(buyer, "/orders")
