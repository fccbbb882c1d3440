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
