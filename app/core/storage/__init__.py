"""Where evidence files, their derived files (thumbnails, posters, a PDF's page images) and
dossiers' sources are kept: one interface (``base.ObjectStore``), two stores.

- ``local`` (the default): files under ``EVIDENCE_DIR``, each written whole by a rename;
- ``s3``: objects in an S3-compatible bucket (``STORAGE_BACKEND=s3``), shared by every node.

Names are relative ``/``-separated paths (``17/ab12….jpg``, ``17/ab12….pages/page-1.png``),
the same in both, so a local tree moves to a bucket as it is (``flask evidence migrate``).
Files are prepared on local disk first, in ``EVIDENCE_DIR/tmp`` (checking an upload needs a
real file), then ``place``d in the store before any row names them. boto3 is imported only
when S3 is configured, so a default web worker never loads it.
"""

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from app.core.storage.base import (
    ObjectStore,
    StoredObject,
    check_name,
    file_sha256,
    new_scratch_file,
    scratch_root,
)
from app.core.storage.local import LocalStore

__all__ = [
    "LocalStore",
    "ObjectStore",
    "StoredObject",
    "check_name",
    "file_sha256",
    "local_store",
    "new_scratch_file",
    "object_store",
    "scratch_root",
    "signed_download_origin",
]


def object_store() -> ObjectStore:
    """The store the configuration names. A local store is made afresh (it is only a
    folder); an S3 client once per process and settings."""
    config = current_app.config
    if config["STORAGE_BACKEND"] == "local":
        return local_store()
    from app.core.storage.s3 import s3_store  # boto3 only where S3 is configured

    store = s3_store(current_app)
    fallback = config["STORAGE_FALLBACK_DIR"]
    if fallback:
        from app.core.storage.fallback import FallbackStore

        return FallbackStore(store, LocalStore(Path(fallback)))
    return store


def local_store() -> LocalStore:
    """The files under ``EVIDENCE_DIR``, whichever store the configuration names."""
    return LocalStore(Path(current_app.config["EVIDENCE_DIR"]))


def signed_download_origin(config) -> str | None:
    """Where signed downloads send browsers (a page's photos and videos then load from
    there), or None while the app streams every file itself."""
    if config["STORAGE_BACKEND"] != "s3" or config["EVIDENCE_DOWNLOADS"] != "signed":
        return None
    if not config["S3_ENDPOINT_URL"]:
        return "https://*.amazonaws.com"
    endpoint = urlsplit(config["S3_ENDPOINT_URL"])
    return f"{endpoint.scheme}://{endpoint.netloc}"
