"""gunicorn's settings for the site: `make run` (Procfile) and the benchmark use these.

One worker process per core this process may run on, unless ``WEB_WORKERS`` says otherwise;
the workers share their rate limits through ``RATELIMIT_STORAGE_URI`` (the database unless
Redis is set), so the limits stay exact whichever worker answers.
"""

import os

from app.core.config import WEB_BIND, web_workers

bind = WEB_BIND
workers = web_workers()
threads = int(os.environ.get("WEB_THREADS", "8"))
worker_class = "gthread"


def post_fork(server, worker):
    """Two malloc arenas for the worker's threads instead of glibc's eight per core: each
    arena keeps the memory its threads once held (a photo decoded, a page rendered), and
    Python's threads take turns under the GIL, so more arenas buy little. After the same walk
    of every page kind a worker holds about 12 MB less (docs/performance.md)."""
    import ctypes
    import ctypes.util

    m_arena_max = -8  # glibc's malloc.h
    ctypes.CDLL(ctypes.util.find_library("c")).mallopt(m_arena_max, 2)
