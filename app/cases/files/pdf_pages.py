"""A PDF's pages as images, the way reviewers see a document: never the PDF itself, so no
text layer, links, metadata or anything active reaches them.

The first ``PDF_PAGES_SHOWN`` pages are drawn with PDFium (pypdfium2) on first need, when a
reviewer's page asks for them, and kept in the store beside the PDF: ``<name>.pdf`` gets a
folder ``<name>.pages/`` holding ``page-1.png``… and ``manifest.json``, placed last. Drawing
on first need rather than at upload keeps the upload quick and spends work only on documents
a mediator released to a panel (most never reach one), PDFs stored before this existed
included; the first reviewer waits for it, everyone after reads the kept images.

Drawing runs in a child process (``pdf_render``) with a wall-clock timeout, a CPU-time limit
and a memory limit, and at most ``PDF_PAGE_MAX_PIXELS`` per page, so a hostile document can
cost a few seconds of one process and nothing more. A document that cannot be drawn is
remembered as such (its manifest says so), so it is not tried again on every view; delete its
``.pages`` folder to try again. Processes drawing the same document queue on a lock on the PDF
file, so seventeen reviewers opening their seats at once draw it once; on S3 each process
locks a copy of its own, so a few may draw it at once, and each places the same pages.
"""

import fcntl
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app

from app.core.storage import ObjectStore, object_store, scratch_root

MANIFEST = "manifest.json"
PAGES_SUFFIX = ".pages"
RENDERER = Path(__file__).with_name("pdf_render.py")


@dataclass(frozen=True)
class PageImage:
    number: int
    width: int
    height: int


@dataclass(frozen=True)
class DocumentPages:
    """The pages drawn of a document (the first ones), and how many it has in all."""

    total: int
    shown: tuple[PageImage, ...]


def pages_folder_name(stored_name: str) -> str:
    """``17/ab12….pdf`` → ``17/ab12….pages``, a name under ``EVIDENCE_DIR`` like a file's."""
    return str(PurePosixPath(stored_name).with_suffix(PAGES_SUFFIX))


def pages_owner(name: str) -> str | None:
    """The PDF a page image or manifest was drawn from (``17/ab12….pages/page-1.png`` →
    ``17/ab12….pdf``); None for a name that is not one."""
    folder, found, _ = name.partition(PAGES_SUFFIX + "/")
    return folder + ".pdf" if found else None


def page_image_name(stored_name: str, number: int) -> str:
    return f"{pages_folder_name(stored_name)}/page-{number}.png"


def document_pages(stored_name: str) -> DocumentPages | None:
    """The document's page images, drawn now if they never were; None if it cannot be
    shown (whether now or on an earlier try)."""
    store = object_store()
    try:
        manifest = _manifest(store, stored_name)
    except FileNotFoundError:
        if not store.exists(stored_name):
            return None
        manifest = _draw_once(store, stored_name)
    if manifest.get("failed"):
        return None
    return DocumentPages(
        total=manifest["total"],
        shown=tuple(
            PageImage(number, width, height)
            for number, (width, height) in enumerate(manifest["sizes"], start=1)
        ),
    )


def _manifest_name(stored_name: str) -> str:
    return f"{pages_folder_name(stored_name)}/{MANIFEST}"


def _manifest(store: ObjectStore, stored_name: str) -> dict:
    return json.loads(store.read_bytes(_manifest_name(stored_name)))


def _draw_once(store: ObjectStore, stored_name: str) -> dict:
    """Draw the pages into a scratch folder, then place them, the manifest last: whoever
    finds the manifest finds every page."""
    with store.local_copy(stored_name) as pdf, pdf.open("rb") as locked:
        fcntl.flock(locked, fcntl.LOCK_EX)  # released when the file closes
        try:
            return _manifest(store, stored_name)  # drawn while this one waited
        except FileNotFoundError:
            pass
        scratch = Path(tempfile.mkdtemp(dir=scratch_root(), prefix="pages-"))
        try:
            if not _draw(pdf, scratch):
                shutil.rmtree(scratch)
                scratch.mkdir()
                (scratch / MANIFEST).write_text(json.dumps({"failed": True}))
            manifest = json.loads((scratch / MANIFEST).read_text())
            folder = pages_folder_name(stored_name)
            for page in sorted(scratch.glob("page-*.png")):
                store.place(f"{folder}/{page.name}", page)
            store.place(_manifest_name(stored_name), scratch / MANIFEST)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return manifest


def _draw(pdf: Path, folder: Path) -> bool:
    """Whether the child process drew the pages into ``folder`` in time."""
    config = current_app.config
    seconds = config["PDF_RENDER_TIMEOUT_SECONDS"]
    command = [
        sys.executable,
        "-I",  # nothing from the environment or the current folder
        str(RENDERER),
        str(pdf),
        str(folder),
        str(config["PDF_PAGES_SHOWN"]),
        str(config["PDF_PAGE_WIDTH"]),
        str(config["PDF_PAGE_MAX_PIXELS"]),
        str(config["PDF_RENDER_MAX_MEMORY_MB"] * 1024 * 1024),
        str(max(1, int(seconds))),
    ]
    try:
        result = subprocess.run(  # noqa: S603  (our own script, on a path we generated)
            command, capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired:
        current_app.logger.warning("PDF pages of %s: not drawn within %ss", pdf.name, seconds)
        return False
    if result.returncode != 0 or not (folder / MANIFEST).is_file():
        error = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        current_app.logger.warning("PDF pages of %s could not be drawn: %s", pdf.name, error)
        return False
    return True
