"""Checking a case's draws against their records and the public draw log (docs/draws.md):
what ``flask jury verify-draw CASE`` reports.

For each draw of each panel: the committed hashes match the panel's seed and the recorded
snapshot, the commitment was logged before the draw's seats, the seats recomputed from the
seed and the snapshot are the seats drawn, and a closed panel's revealed seed and seated
tokens are the ones recorded. Then the whole log's hash chain.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.core.extensions import db
from app.jury import draw_log
from app.jury.draw_rules import LEGACY_ALGORITHM, canonical, recompute, sha256_hex
from app.jury.models import DrawLogEntry, Panel, PanelDraw, PanelStatus, Seat


@dataclass
class DrawCheck:
    panel: Panel
    record: PanelDraw
    recomputed: list
    seated: list
    problems: list[str] = field(default_factory=list)


def check_panel(panel: Panel) -> list[DrawCheck]:
    records = db.session.scalars(
        select(PanelDraw).where(PanelDraw.panel_id == panel.id).order_by(PanelDraw.number)
    ).all()
    revealed = _revealed(panel)
    return [_check_draw(panel, record, revealed) for record in records]


def unrecorded_seats(panel: Panel) -> int:
    """Seats drawn before draws were recorded (early replacements): not checked."""
    return db.session.scalar(
        select(func.count(Seat.id)).where(Seat.panel_id == panel.id, Seat.draw_id.is_(None))
    )


def _check_draw(panel: Panel, record: PanelDraw, revealed: dict | None) -> DrawCheck:
    panel_seed = bytes.fromhex(panel.seed)
    legacy = record.algorithm == LEGACY_ALGORITHM
    if legacy:
        seated = draw_log.seated_by(record.id)
    else:
        seated = draw_log.seated_tokens(panel.id, record.id)
    check = DrawCheck(panel, record, recompute(record.snapshot, panel_seed), seated)
    problems = check.problems
    if sha256_hex(panel_seed) != record.seed_sha256:
        problems.append("the panel's seed does not match the seed hash")
    if sha256_hex(canonical(record.snapshot)) != record.snapshot_sha256:
        problems.append("the snapshot does not match its hash")
    if check.recomputed != check.seated:
        problems.append("the seats recomputed from the seed and snapshot are not the seats drawn")
    if not legacy:
        problems.extend(_commitment_problems(record))
        if revealed is not None:
            problems.extend(_reveal_problems(panel, record, revealed, seated))
    return check


def _commitment_problems(record: PanelDraw) -> list[str]:
    entry = db.session.scalar(select(DrawLogEntry).where(DrawLogEntry.draw_id == record.id))
    if entry is None:
        return ["no commitment in the draw log"]
    body = entry.fields
    problems = []
    if (body.get("seed_sha256"), body.get("snapshot_sha256")) != (
        record.seed_sha256,
        record.snapshot_sha256,
    ):
        problems.append("the logged commitment differs from the draw's hashes")
    seated_at = db.session.scalar(select(func.min(Seat.seated_at)).where(Seat.draw_id == record.id))
    if seated_at is not None and entry.recorded_at > seated_at:
        problems.append("the commitment was logged after the seats were drawn")
    return problems


def _revealed(panel: Panel) -> dict | None:
    """The body of the panel's reveal entry; None while the panel is open or if missing."""
    entry = db.session.scalar(
        select(DrawLogEntry).where(
            DrawLogEntry.panel_id == panel.id, DrawLogEntry.kind == draw_log.REVEAL
        )
    )
    if entry is None:
        return {} if panel.status != PanelStatus.OPEN.value else None
    return entry.fields


def _reveal_problems(panel: Panel, record: PanelDraw, revealed: dict, seated: list) -> list:
    if not revealed:
        return ["the panel is closed but its seed was never revealed"]
    problems = []
    if revealed.get("seed") != panel.seed:
        problems.append("the revealed seed is not the panel's seed")
    logged = {d.get("draw"): d.get("seated") for d in revealed.get("draws", [])}
    if logged.get(record.number) != seated:
        problems.append("the revealed seats are not the seats drawn")
    return problems
