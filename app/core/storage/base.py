"""What every store does, and what the stores share: names, hashes, streamed responses."""

import hashlib
import tempfile
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, current_app, request
from werkzeug.http import dump_options_header
from werkzeug.wsgi import wrap_file

HASH_CHUNK_BYTES = 1024 * 1024
SCRATCH_FOLDER = "tmp"  # under EVIDENCE_DIR: files being prepared, never a stored name


@dataclass(frozen=True)
class StoredObject:
    """One object as a listing gives it."""

    name: str
    size: int
    modified_at: datetime  # UTC


class ObjectStore(ABC):
    """What every store does. Reading a name that is not there raises ``FileNotFoundError``;
    a name that would lead outside the store raises ``ValueError`` (``check_name``)."""

    @abstractmethod
    def place(self, name: str, source: Path) -> None:
        """Move the finished local file ``source`` into the store as ``name``, whole or
        not at all (replacing any object of that name); ``source`` is gone afterwards."""

    @abstractmethod
    def open(self, name: str) -> BinaryIO:
        """``name``'s bytes, to read from the start."""

    @abstractmethod
    def exists(self, name: str) -> bool:
        """Whether the store holds ``name``."""

    @abstractmethod
    def delete(self, name: str) -> None:
        """Remove ``name``; one already gone is not an error."""

    @abstractmethod
    def listing(self) -> Iterator[StoredObject]:
        """Every stored object, never the scratch files of work in progress."""

    @abstractmethod
    def local_copy(self, name: str) -> AbstractContextManager[Path]:
        """A local file holding ``name``'s bytes, for tools that need a path (PDFium), valid
        inside the ``with`` block."""

    @abstractmethod
    def serve(self, name: str, content_type: str, download_name: str, *, inline: bool):
        """A response streaming ``name``, answering conditional and Range requests; None if
        there is no such object."""

    def signed_url(
        self, name: str, content_type: str, download_name: str, *, inline: bool
    ) -> str | None:
        """A short-lived URL serving ``name`` straight from the store with this content type
        and disposition; None where the store makes none (local disk, or an object the
        bucket does not hold)."""
        return None

    def sha256(self, name: str) -> str:
        """The SHA-256 of ``name``'s bytes, read through."""
        with self.open(name) as source:
            return stream_sha256(source)

    def read_bytes(self, name: str) -> bytes:
        with self.open(name) as source:
            return source.read()


def check_name(name: str) -> str:
    """``name`` if it is a plain relative path inside the store; ValueError otherwise."""
    parts = name.split("/") if name else [""]
    if (
        "\\" in name
        or PurePosixPath(name).is_absolute()
        or any(part in ("", ".", "..") for part in parts)
        or parts[0] == SCRATCH_FOLDER
    ):
        raise ValueError("stored file name leads outside the evidence folder")
    return name


def stream_sha256(source: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(HASH_CHUNK_BYTES):
        digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    with path.open("rb") as source:
        return stream_sha256(source)


def stream_response(
    source: BinaryIO,
    *,
    size: int,
    content_type: str,
    download_name: str,
    inline: bool,
    etag: str | None,
    last_modified: datetime | None,
) -> Response:
    """A streamed file response answering conditional and Range requests, as ``send_file``
    answers them for a local file (``source`` must seek)."""
    response = current_app.response_class(
        wrap_file(request.environ, source), mimetype=content_type, direct_passthrough=True
    )
    response.content_length = size
    response.headers["Content-Disposition"] = content_disposition(download_name, inline=inline)
    if etag:
        response.set_etag(etag.strip('"'))
    response.last_modified = last_modified
    return response.make_conditional(request.environ, accept_ranges=True, complete_length=size)


def content_disposition(download_name: str, *, inline: bool) -> str:
    """``inline`` or ``attachment`` with the file's name, as ``send_file`` writes it: an
    ASCII name, and the UTF-8 one beside it where they differ."""
    disposition = "inline" if inline else "attachment"
    try:
        download_name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode()
        quoted = quote(download_name, safe="!#$&+^`|~")
        names = {"filename": simple, "filename*": f"UTF-8''{quoted}"}
    else:
        names = {"filename": download_name}
    return dump_options_header(disposition, names)


def scratch_root() -> Path:
    """Where files are prepared before they are placed: ``EVIDENCE_DIR/tmp``, on each
    machine's own disk whatever the store."""
    folder = Path(current_app.config["EVIDENCE_DIR"]).resolve() / SCRATCH_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_scratch_file(suffix: str = ".part", prefix: str = "upload-") -> tuple[int, Path]:
    """A new empty scratch file: its open descriptor and its path; the caller removes it."""
    descriptor, name = tempfile.mkstemp(dir=scratch_root(), prefix=prefix, suffix=suffix)
    return descriptor, Path(name)
