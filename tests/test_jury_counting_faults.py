"""Counting under faults: a crash in the middle of a verdict, and two counting processes."""

import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from app.cases.models import Case
from app.cases.states import CaseState
from app.core import clock
from app.core.audit import AuditEvent
from app.core.config import PROJECT_ROOT
from app.core.extensions import db
from app.jury import counting
from app.jury.counting import count_due_panels
from app.jury.models import Panel, PanelStatus, Tally
from app.notifications.outbox import OutboxMessage
from tests.helpers.counts import table_count
from tests.helpers.jury import FOR_BUYER, START, make_panel, votes


class Crash(Exception):
    pass


def _verdicts(case_id: int) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "case.panel_verdict", AuditEvent.subject_id == str(case_id)
        )
    )


def test_a_crash_in_the_middle_of_a_verdict_leaves_nothing_and_the_next_sweep_decides_once(
    monkeypatch,
):
    clock.freeze(START)
    panel = make_panel()
    votes(panel, FOR_BUYER, 9)
    real_notify = counting._notify

    def crash_after_the_tally_and_the_decision(*args, **kwargs):
        raise Crash  # the process dies after writing the tally and the case's decision

    monkeypatch.setattr(counting, "_notify", crash_after_the_tally_and_the_decision)
    assert count_due_panels() == 0
    db.session.expire_all()
    assert table_count(Tally) == 0
    assert db.session.get(Panel, panel.id).status == PanelStatus.OPEN.value
    assert db.session.get(Case, panel.case_id).current_state is CaseState.PANEL
    assert _verdicts(panel.case_id) == 0

    monkeypatch.setattr(counting, "_notify", real_notify)  # restarted
    assert count_due_panels() == 1
    assert count_due_panels() == 0
    assert table_count(Tally) == 1 and _verdicts(panel.case_id) == 1
    assert db.session.get(Case, panel.case_id).current_state is CaseState.DECIDED


COUNTER = textwrap.dedent(
    """
    import sys
    from app import create_app
    from app.core import clock
    from app.core.extensions import db
    from app.jury.counting import count_due_panels
    from datetime import datetime
    app = create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
    clock.freeze(datetime.fromisoformat(sys.argv[2]))
    with app.app_context():
        closed = count_due_panels()
        db.session.commit()
    print(closed)
    """
)


@pytest.mark.committing
def test_two_counting_processes_at_once_decide_each_panel_once(app):
    clock.freeze(START)
    panels = []
    for _ in range(4):
        panel = make_panel()
        votes(panel, FOR_BUYER, 9)
        panels.append((panel.id, panel.case_id))
    db.session.commit()
    db.session.remove()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, url, clock.now().isoformat()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=PROJECT_ROOT,
        )
        for _ in range(2)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], results
    assert sum(int(out.strip()) for out, _err in results) == len(panels)
    assert table_count(Tally) == len(panels)
    for _panel_id, case_id in panels:
        assert _verdicts(case_id) == 1
    keys = db.session.scalars(select(OutboxMessage.idempotency_key)).all()
    assert len(keys) == len(set(keys))


KILLED_COUNTER = COUNTER.replace(
    "from app.jury.counting import count_due_panels",
    "from app.jury import counting\n"
    "from app.jury.counting import count_due_panels\n"
    "import os, signal\n"
    "counting._notify = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)",
)


@pytest.mark.committing
def test_a_counting_process_killed_mid_verdict_loses_and_doubles_nothing(app):
    clock.freeze(START)
    panel = make_panel()
    votes(panel, FOR_BUYER, 9)
    panel_id, case_id = panel.id, panel.case_id
    db.session.commit()
    db.session.remove()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    args = [url, clock.now().isoformat()]

    killed = subprocess.run(
        [sys.executable, "-c", KILLED_COUNTER, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr  # SIGKILL with the verdict half written
    assert table_count(Tally) == 0 and _verdicts(case_id) == 0
    assert db.session.get(Panel, panel_id).status == PanelStatus.OPEN.value
    db.session.remove()  # hold no SQLite transaction while the restarted process counts

    restarted = subprocess.run(
        [sys.executable, "-c", COUNTER, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert restarted.returncode == 0, restarted.stderr
    assert restarted.stdout.strip() == "1"
    db.session.expire_all()
    assert table_count(Tally) == 1 and _verdicts(case_id) == 1
    assert db.session.get(Case, case_id).current_state is CaseState.DECIDED
