"""The S3 store: objects in a bucket of any S3-compatible service (AWS S3, SeaweedFS, MinIO,
Ceph), under an optional key prefix. Imported only when ``STORAGE_BACKEND=s3``: boto3 and a
client cost a web worker about 25 MB (10 to import, 15 for the client) it needs for nothing
else.

Each object carries the SHA-256 of its bytes in its metadata (``x-amz-meta-sha256``), so a
copy is recognised without reading it again (``flask evidence migrate``). Objects are written
by one upload (multipart for large ones), which S3 shows whole or not at all.
"""

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import BinaryIO

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError
from flask import Flask

from app.core.storage.base import (
    ObjectStore,
    StoredObject,
    check_name,
    content_disposition,
    file_sha256,
    new_scratch_file,
    stream_response,
)

MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_clients_lock = threading.Lock()


def s3_store(app: Flask) -> "S3Store":
    """The app's S3 store; its client is made once per process and settings (clients are
    thread-safe, and making one costs tens of milliseconds)."""
    config = app.config
    settings = tuple(
        config[key]
        for key in (
            "S3_ENDPOINT_URL",
            "S3_REGION",
            "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY",
        )
    )
    clients = app.extensions.setdefault("tribunal.s3_clients", {})
    with _clients_lock:
        client = clients.get(settings)
        if client is None:
            client = clients[settings] = _client(*settings)
    return S3Store(client, config["S3_BUCKET"], config["S3_PREFIX"], config["SIGNED_URL_SECONDS"])


def _client(endpoint_url, region, access_key_id, secret_access_key):
    """A client for the bucket's service; without keys in the settings, boto's usual chain
    (environment, shared files, instance role) supplies them."""
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=BotoConfig(
            signature_version="s3v4",
            # services other than AWS are reached by path: bucket names need no DNS of their own
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            retries={"mode": "standard", "max_attempts": 5},
        ),
    )


def is_missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in MISSING_CODES


class S3Store(ObjectStore):
    def __init__(self, client, bucket: str, prefix: str, signed_url_seconds: int):
        if not bucket:
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.signed_url_seconds = signed_url_seconds

    def key(self, name: str) -> str:
        return self.prefix + check_name(name)

    def place(self, name: str, source: Path) -> None:
        self.copy_in(name, source, file_sha256(source))
        source.unlink(missing_ok=True)

    def copy_in(self, name: str, source: Path, sha256: str) -> None:
        """Upload the local file ``source`` as ``name``, recording its SHA-256; the file
        stays where it is."""
        self.client.upload_file(
            str(source), self.bucket, self.key(name), ExtraArgs={"Metadata": {"sha256": sha256}}
        )

    def open(self, name: str) -> BinaryIO:
        reader = ObjectReader(self.client, self.bucket, self.key(name))
        reader.start()
        return reader

    def head(self, name: str) -> dict | None:
        """The object's size, ETag, time and metadata; None if there is none."""
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if is_missing(error):
                return None
            raise

    def exists(self, name: str) -> bool:
        return self.head(name) is not None

    def recorded_sha256(self, name: str) -> str | None:
        """The SHA-256 the object was written with, without reading it; None if there is no
        such object or it carries none."""
        head = self.head(name)
        return None if head is None else head.get("Metadata", {}).get("sha256")

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(name))

    def listing(self) -> Iterator[StoredObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if name and not name.endswith("/"):
                    yield StoredObject(
                        name=name,
                        size=item["Size"],
                        modified_at=item["LastModified"].astimezone(UTC),
                    )

    @contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        descriptor, path = new_scratch_file(suffix=Path(name).suffix, prefix="copy-")
        try:
            with open(descriptor, "wb") as out, self.open(name) as source:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
            yield path
        finally:
            path.unlink(missing_ok=True)

    def serve(self, name: str, content_type: str, download_name: str, *, inline: bool):
        head = self.head(name)
        if head is None:
            return None
        return stream_response(
            ObjectReader(self.client, self.bucket, self.key(name)),
            size=head["ContentLength"],
            content_type=content_type,
            download_name=download_name,
            inline=inline,
            etag=head.get("ETag"),
            last_modified=head.get("LastModified"),
        )

    def signed_url(
        self, name: str, content_type: str, download_name: str, *, inline: bool
    ) -> str | None:
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self.key(name),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition(download_name, inline=inline),
                "ResponseCacheControl": "private, no-cache",
            },
            ExpiresIn=self.signed_url_seconds,
        )


class ObjectReader(io.RawIOBase):
    """An object read as a seekable file: each read continues one ranged GET, and a seek
    starts the next one where it lands, so a Range request fetches only what it asks for."""

    def __init__(self, client, bucket: str, key: str):
        super().__init__()
        self.client, self.bucket, self.key = client, bucket, key
        self.position = 0
        self.body = None

    def start(self) -> None:
        """Open the object now: FileNotFoundError if it is not there."""
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=self.key, Range=f"bytes={self.position}-"
            )
        except ClientError as error:
            if is_missing(error):
                raise FileNotFoundError(self.key) from error
            if error.response.get("Error", {}).get("Code") == "InvalidRange":  # at the end
                self.body = io.BytesIO()
                return
            raise
        self.body = response["Body"]

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence != io.SEEK_SET:
            raise io.UnsupportedOperation("only absolute seeks")
        if offset != self.position:
            self._drop_body()
            self.position = offset
        return self.position

    def readinto(self, buffer) -> int:
        if self.body is None:
            self.start()
        data = self.body.read(len(buffer))
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)

    def close(self) -> None:
        self._drop_body()
        super().close()

    def _drop_body(self) -> None:
        if self.body is not None:
            self.body.close()
            self.body = None
