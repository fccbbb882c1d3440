"""The demo's case decided by a panel that sized itself: two waves, eight votes, the
verdict when the posterior reached the confidence; the case page says how it decided."""

from sqlalchemy import select

from app.cases.models import CaseState
from app.core.extensions import db
from app.demo import DEMO_PASSWORD
from app.demo.cases import seed_cases
from app.demo.marketplace import seed_marketplace
from app.jury.models import Panel, PanelRule, PanelStatus, Tally
from tests.helpers.pages import login, page


def test_the_demo_has_a_case_decided_by_an_adaptive_panel(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    seed_marketplace()
    seed_cases()
    assert app.config["PANEL_RULE"] == "majority"  # the demo's panel is adaptive regardless

    panel = db.session.scalar(select(Panel).where(Panel.rule == PanelRule.ADAPTIVE.value))
    tally = db.session.scalar(select(Tally).where(Tally.panel_id == panel.id))
    assert panel.status == PanelStatus.DECIDED.value
    assert (panel.waves, panel.seats_drawn) == (1, 9)
    assert tally.votes_cast == 8 and tally.verdict == panel.options[0]
    assert tally.posterior[tally.verdict] >= panel.confidence
    case = panel.case
    assert case.state == CaseState.DECIDED.value

    login(client, case.buyer, DEMO_PASSWORD)
    html = page(client, f"/cases/{case.id}")
    assert "This panel sized itself" in html
    assert "the verdict is right with a probability of" in html
