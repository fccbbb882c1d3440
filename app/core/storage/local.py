"""The local store: files under one folder (``EVIDENCE_DIR``), each moved into place whole by
a rename, so a reader sees a file complete or not at all."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import send_file

from app.core.storage.base import SCRATCH_FOLDER, ObjectStore, StoredObject, check_name


class LocalStore(ObjectStore):
    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def path(self, name: str) -> Path:
        """Where ``name`` lives; ValueError for a name that would lead outside the folder."""
        path = (self.root / check_name(name)).resolve()
        if path == self.root or not path.is_relative_to(self.root):
            raise ValueError("stored file name leads outside the evidence folder")
        return path

    def place(self, name: str, source: Path) -> None:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)

    def open(self, name: str) -> BinaryIO:
        return self.path(name).open("rb")

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def listing(self) -> Iterator[StoredObject]:
        for folder, subfolders, names in os.walk(self.root):
            here = Path(folder)
            if here == self.root and SCRATCH_FOLDER in subfolders:
                subfolders.remove(SCRATCH_FOLDER)
            subfolders.sort()
            for name in sorted(names):
                try:
                    status = (here / name).stat()
                except FileNotFoundError:  # removed while listed
                    continue
                yield StoredObject(
                    name=(here / name).relative_to(self.root).as_posix(),
                    size=status.st_size,
                    modified_at=datetime.fromtimestamp(status.st_mtime, UTC),
                )

    @contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        path = self.path(name)
        if not path.is_file():
            raise FileNotFoundError(name)
        yield path

    def serve(self, name: str, content_type: str, download_name: str, *, inline: bool):
        path = self.path(name)
        if not path.is_file():
            return None
        return send_file(
            path,
            mimetype=content_type,
            as_attachment=not inline,
            download_name=download_name,
            conditional=True,
            etag=True,
        )
