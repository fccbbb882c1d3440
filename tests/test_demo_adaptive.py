"""The demo's case decided by a panel that sized itself on a ballot of final offers: a second
wave drawn, the verdict for the buyer's request when the posterior reached the confidence,
before every seat voted; the case page says how it decided."""

from sqlalchemy import select

from app.cases.models import CaseState
from app.core.extensions import db
from app.demo import DEMO_PASSWORD
from app.demo.cases import seed_cases
from app.demo.marketplace import seed_marketplace
from app.jury import ballot
from app.jury.ballot import Stance
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
    config = app.config
    assert (panel.waves, panel.seats_drawn) == (
        1,
        config["ADAPTIVE_FIRST_WAVE"] + config["ADAPTIVE_WAVE"],
    )
    assert [ballot.parse(key).stance for key in panel.options] == [
        Stance.OFFER,
        Stance.OFFER,
        Stance.REJECT,
    ]
    assert tally.verdict == panel.options[0]  # the buyer's request
    assert config["ADAPTIVE_FIRST_WAVE"] < tally.votes_cast < panel.seats_drawn
    assert tally.posterior[tally.verdict] >= panel.confidence
    case = panel.case
    assert case.state == CaseState.DECIDED.value

    login(client, case.buyer, DEMO_PASSWORD)
    html = page(client, f"/cases/{case.id}")
    assert "This panel sized itself" in html
    assert "the verdict is right with a probability of" in html
