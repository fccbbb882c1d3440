"""A bucket that falls back to the old local folder for reads, while a local store moves to
S3 (``STORAGE_FALLBACK_DIR``; docs/operations.md, "Moving evidence to S3").

Writes and deletes go to the bucket only; a name the bucket does not hold yet is read from
the folder. Nodes switch to it one by one while the old ones keep writing to the folder, and
``flask evidence migrate`` then copies what the bucket lacks.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from app.core.storage.base import ObjectStore, StoredObject
from app.core.storage.local import LocalStore
from app.core.storage.s3 import S3Store


class FallbackStore(ObjectStore):
    def __init__(self, primary: S3Store, fallback: LocalStore):
        self.primary = primary
        self.fallback = fallback

    def _holder(self, name: str) -> ObjectStore:
        return self.primary if self.primary.exists(name) else self.fallback

    def place(self, name: str, source: Path) -> None:
        self.primary.place(name, source)

    def open(self, name: str) -> BinaryIO:
        try:
            return self.primary.open(name)
        except FileNotFoundError:
            return self.fallback.open(name)

    def exists(self, name: str) -> bool:
        return self.primary.exists(name) or self.fallback.exists(name)

    def delete(self, name: str) -> None:
        self.primary.delete(name)

    def listing(self) -> Iterator[StoredObject]:
        """The bucket's objects only: the folder is the migration's to read, and no sweep's
        to clean."""
        return self.primary.listing()

    @contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        with self._holder(name).local_copy(name) as path:
            yield path

    def serve(self, name: str, content_type: str, download_name: str, *, inline: bool):
        return self._holder(name).serve(name, content_type, download_name, inline=inline)

    def signed_url(
        self, name: str, content_type: str, download_name: str, *, inline: bool
    ) -> str | None:
        if not self.primary.exists(name):
            return None  # streamed from the folder instead
        return self.primary.signed_url(name, content_type, download_name, inline=inline)
