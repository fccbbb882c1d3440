"""Removing stored files that no evidence entry names (design: Scale).

A file is placed in the store before the row that names it is committed, so a request that
fails after the write (a crash, a lost connection to the database) leaves a file behind. The
sweep removes such files once they are older than ``ORPHAN_GRACE``, far longer than any
request: a file whose row is still being written is never taken. A PDF's page images
(``<name>.pages/…``) belong to the PDF and go only when it does. Files being prepared in
``EVIDENCE_DIR/tmp`` that a killed process left are removed after the same grace.

Deleting is idempotent, so two sweeps at once (two scheduler processes) both finish cleanly.
"""

import logging
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select, union

from app.cases.files.pdf_pages import pages_owner
from app.cases.models import EvidenceEntry
from app.core import clock
from app.core.extensions import db
from app.core.storage import ObjectStore, object_store, scratch_root

logger = logging.getLogger(__name__)
LOOKUP_BATCH = 500


def sweep_orphan_files() -> int:
    """Remove every stored file older than the grace that no entry names; how many."""
    cutoff = clock.now() - current_app.config["ORPHAN_GRACE"]
    store = object_store()
    removed = 0
    batch: list[str] = []
    for item in store.listing():
        if item.modified_at < cutoff:
            batch.append(item.name)
        if len(batch) >= LOOKUP_BATCH:
            removed += _remove_unnamed(store, batch)
            batch = []
    removed += _remove_unnamed(store, batch)
    _remove_old_scratch(cutoff)
    if removed:
        logger.info("removed %d stored files no evidence entry names", removed)
    return removed


def _remove_unnamed(store: ObjectStore, names: list[str]) -> int:
    owners = {name: pages_owner(name) or name for name in names}
    named = _named(set(owners.values()))
    unnamed = [name for name, owner in owners.items() if owner not in named]
    for name in unnamed:
        store.delete(name)
    return len(unnamed)


def _named(names: Iterable[str]) -> set[str]:
    """Which of ``names`` an entry names, as its file or its thumbnail."""
    names = list(names)
    if not names:
        return set()
    query = union(
        select(EvidenceEntry.stored_name).where(EvidenceEntry.stored_name.in_(names)),
        select(EvidenceEntry.thumbnail_name).where(EvidenceEntry.thumbnail_name.in_(names)),
    )
    return set(db.session.scalars(query))


def _remove_old_scratch(cutoff: datetime) -> None:
    for path in scratch_root().iterdir():
        try:
            modified_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except FileNotFoundError:  # its own process finished with it meanwhile
            continue
        if modified_at >= cutoff:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
