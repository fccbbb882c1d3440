"""gunicorn's settings for the site: `make run` (Procfile) and the benchmark use these."""

import os

from app.core.config import WEB_BIND

bind = WEB_BIND
workers = int(os.environ.get("WEB_WORKERS", "1"))
threads = int(os.environ.get("WEB_THREADS", "8"))
worker_class = "gthread"
