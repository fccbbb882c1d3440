"""The public draw log (design: Beyond today's systems, Verifiable draws; docs/draws.md).

Before any draw seats a reviewer, ``commit`` appends the draw's commitment: SHA-256 of the
panel's seed and of the draw's pool snapshot. When the panel closes, ``reveal`` appends its
seed and the tokens each draw seated, so anyone can recompute the seats. Entries are never
changed (``DrawLogEntry`` refuses it) and each carries the hash of the one before, which
``chain_breaks`` checks.

Reviewers appear only as tokens, an HMAC of the panel and the user id under the server's
``DRAW_TOKEN_KEY`` (the ``SECRET_KEY`` when unset): a reviewer can find their own token,
nobody can tell whose one is.
"""

import hashlib
import hmac
from collections.abc import Iterator
from types import SimpleNamespace

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select

from app.core import clock
from app.core.audit import record_event
from app.core.db import serialised
from app.core.extensions import db
from app.jury.draw_rules import LEGACY_ALGORITHM, canonical, sha256_hex
from app.jury.models import DrawKind, DrawLogEntry, Panel, PanelDraw, Seat

COMMITMENT = "commitment"
REVEAL = "reveal"
# the previous hash of the log's first entry
GENESIS = "0" * 64
# hex characters of a reviewer's token (128 bits)
TOKEN_CHARS = 32
DRAW_KIND_LABELS = {
    DrawKind.FIRST: _l("the panel's first draw"),
    DrawKind.REPLACEMENT: _l("replacements for seats not voted or stepped down from"),
    DrawKind.WAVE: _l("more reviewers for a panel still undecided"),
}


def reviewer_token(panel_id: int, user_id: int) -> str:
    """The reviewer's pseudonym in the snapshots of ``panel_id``'s draws."""
    config = current_app.config
    key = (config["DRAW_TOKEN_KEY"] or config["SECRET_KEY"]).encode()
    message = f"panel:{panel_id}:user:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:TOKEN_CHARS]


def commit(record: PanelDraw) -> DrawLogEntry:
    """Publish ``record``'s commitment; the caller writes its seats only after this."""
    return _append(
        COMMITMENT,
        record.panel_id,
        {
            "panel": record.panel_id,
            "draw": record.number,
            "draw_kind": record.kind,
            "algorithm": record.algorithm,
            "seed_sha256": record.seed_sha256,
            "snapshot_sha256": record.snapshot_sha256,
        },
        draw_id=record.id,
    )


def reveal(panel: Panel) -> DrawLogEntry | None:
    """Publish the seed of a closed panel with the tokens each committed draw seated, in the
    order drawn; nothing for a panel none of whose draws was committed."""
    records = committed_draws(panel.id)
    if not records:
        return None
    entry = _append(
        REVEAL,
        panel.id,
        {
            "panel": panel.id,
            "seed": panel.seed,
            "draws": [
                {"draw": record.number, "seated": seated_tokens(panel.id, record.id)}
                for record in records
            ],
        },
    )
    record_event(None, "panel.seed_revealed", panel, after={"log_entry": entry.id})
    return entry


def case_draws(case_id: int) -> list[SimpleNamespace]:
    """What the case page shows of each panel's draws: its commitments, and its seed once
    revealed (which happens only when the panel closes)."""
    entries = db.session.execute(
        select(DrawLogEntry, Panel.round)
        .join(Panel, Panel.id == DrawLogEntry.panel_id)
        .where(Panel.case_id == case_id)
        .order_by(DrawLogEntry.id)
    )
    panels: dict[int, SimpleNamespace] = {}
    for entry, round in entries:
        shown = panels.setdefault(
            entry.panel_id,
            SimpleNamespace(panel_id=entry.panel_id, round=round, commitments=[], reveal=None),
        )
        if entry.kind == REVEAL:
            shown.reveal = entry
        else:
            shown.commitments.append(entry)
    return list(panels.values())


# built once: every panel that closes reads it
COMMITTED_DRAWS = (
    select(PanelDraw)
    .where(PanelDraw.panel_id == bindparam("panel"), PanelDraw.algorithm != LEGACY_ALGORITHM)
    .order_by(PanelDraw.number)
)


def committed_draws(panel_id: int) -> list[PanelDraw]:
    return list(db.session.scalars(COMMITTED_DRAWS, {"panel": panel_id}))


def seated_tokens(panel_id: int, draw_id: int) -> list[str]:
    return [reviewer_token(panel_id, user_id) for user_id in seated_by(draw_id)]


def seated_by(draw_id: int) -> list[int]:
    """The user ids a draw seated, in the order drawn."""
    return list(
        db.session.scalars(
            select(Seat.reviewer_id).where(Seat.draw_id == draw_id).order_by(Seat.id)
        )
    )


def _append(kind: str, panel_id: int, fields: dict, draw_id: int | None = None) -> DrawLogEntry:
    now = clock.now()
    serialised(db.session, "draw_log")  # two draws at once append one after the other
    previous = db.session.scalar(
        select(DrawLogEntry.entry_sha256).order_by(DrawLogEntry.id.desc()).limit(1)
    )
    previous = previous or GENESIS
    body = canonical({"kind": kind, "recorded_at": now.isoformat(), **fields}).decode()
    entry = DrawLogEntry(
        kind=kind,
        panel_id=panel_id,
        draw_id=draw_id,
        body=body,
        previous_sha256=previous,
        entry_sha256=entry_hash(previous, body),
        recorded_at=now,
    )
    db.session.add(entry)
    db.session.flush()  # the unique previous hash: the chain never forks
    return entry


def log_entries(panel_id: int | None = None) -> Select:
    """The log, newest first; one panel's entries when ``panel_id`` is given."""
    query = select(DrawLogEntry).order_by(DrawLogEntry.id.desc())
    if panel_id is not None:
        query = query.where(DrawLogEntry.panel_id == panel_id)
    return query


def published_snapshot(record: PanelDraw | None) -> dict | None:
    """The snapshot of a committed draw; None for a draw never published (algorithm 1)."""
    if record is None or record.algorithm == LEGACY_ALGORITHM:
        return None
    return record.snapshot


def entry_hash(previous_sha256: str, body: str) -> str:
    return sha256_hex((previous_sha256 + body).encode())


def chain_breaks(batch: int = 1000) -> Iterator[str]:
    """Why the log's hash chain does not hold, entry by entry; nothing when it does."""
    previous = GENESIS
    query = select(DrawLogEntry).order_by(DrawLogEntry.id).execution_options(yield_per=batch)
    for entry in db.session.scalars(query):
        if entry.previous_sha256 != previous:
            yield f"log entry {entry.id}: does not follow the entry before it"
        if entry.entry_sha256 != entry_hash(entry.previous_sha256, entry.body):
            yield f"log entry {entry.id}: its hash does not match its contents"
        previous = entry.entry_sha256
