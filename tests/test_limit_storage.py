"""Rate-limit counters kept in the database (``app/core/limit_storage.py``): what every web
worker of a machine shares when no Redis is configured.

Each test runs on a SQLite file of its own and, with TEST_DATABASE_URL, on PostgreSQL too.
Threads stand in for workers: each hit is its own connection and transaction, as a hit from
another process would be.
"""

import os
import threading
from types import SimpleNamespace

import pytest
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from app.core import limit_storage, rate_limits
from app.core.limit_storage import DatabaseStorage, storage_uri_for
from app.scheduler.jobs import SWEEPS

THREADS = 8
HITS_PER_THREAD = 25


def _database_urls(tmp_path):
    yield f"sqlite:///{tmp_path / 'site.db'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request, tmp_path):
    urls = {url.split(":", 1)[0].split("+")[0]: url for url in _database_urls(tmp_path)}
    if request.param not in urls:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL is tested in the PostgreSQL pass")
    store = DatabaseStorage(storage_uri_for(urls[request.param]))
    store.reset()
    yield store
    store.reset()
    store.engine.dispose()


def test_many_threads_hitting_at_once_are_allowed_exactly_the_limit(storage):
    limit = parse("50 per hour")
    strategy = FixedWindowRateLimiter(storage)
    allowed = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def worker() -> None:
        barrier.wait(timeout=10)
        for _ in range(HITS_PER_THREAD):
            result = strategy.hit(limit, "login", "address:192.0.2.1")
            with lock:
                allowed.append(result)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(allowed) == THREADS * HITS_PER_THREAD
    assert allowed.count(True) == limit.amount
    assert storage.get(limit.key_for("login", "address:192.0.2.1")) == THREADS * HITS_PER_THREAD


def test_a_window_that_has_ended_starts_counting_again(storage, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(limit_storage.time, "time", lambda: now[0])
    assert storage.incr("k", 60) == 1
    assert storage.incr("k", 60) == 2
    assert storage.get_expiry("k") == 1_000_060.0
    now[0] += 59
    assert storage.incr("k", 60) == 3
    now[0] += 1  # the window ends
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1
    assert storage.get_expiry("k") == 1_000_120.0


def test_a_hit_given_back_no_longer_counts(storage):
    storage.incr("attempt", 3600)
    storage.incr("attempt", 3600)
    storage.incr("attempt", 3600, amount=-1)
    assert storage.get("attempt") == 1


def test_the_sweep_deletes_only_ended_windows(storage, monkeypatch):
    now = [2_000_000.0]
    monkeypatch.setattr(limit_storage.time, "time", lambda: now[0])
    storage.incr("minute", 60)
    storage.incr("hour", 3600)
    now[0] += 61
    assert storage.sweep_expired() == 1
    assert storage.get("hour") == 1
    assert storage.clear("hour") is None
    assert storage.get("hour") == 0


def test_the_scheduler_sweeps_the_counters_of_the_sites_storage(storage, monkeypatch):
    assert rate_limits.sweep_expired_counters in [sweep.func for sweep in SWEEPS]
    monkeypatch.setattr(rate_limits, "limiter", SimpleNamespace(storage=storage))
    storage.incr("ended", 1)
    now = limit_storage.time.time() + 2
    monkeypatch.setattr(limit_storage.time, "time", lambda: now)
    assert rate_limits.sweep_expired_counters() == 1
    # Redis and memory expire their own counters
    monkeypatch.setattr(rate_limits, "limiter", SimpleNamespace(storage=object()))
    assert rate_limits.sweep_expired_counters() == 0


def test_the_site_database_chooses_where_the_counters_are_kept():
    assert storage_uri_for("sqlite:////srv/tribunal/instance/tribunal.db") == (
        "db+sqlite:////srv/tribunal/instance/tribunal-rate-limits.db"
    )
    # one process's database: its limits are that process's too
    assert storage_uri_for("sqlite://") == "memory://"
    assert storage_uri_for("postgresql+psycopg://u:p@db/tribunal") == (
        "db+postgresql+psycopg://u:p@db/tribunal"
    )


def test_a_storage_that_cannot_reach_its_database_says_so(tmp_path):
    unreachable = DatabaseStorage(f"db+sqlite:///{tmp_path / 'missing' / 'counters.db'}")
    assert unreachable.check() is False
