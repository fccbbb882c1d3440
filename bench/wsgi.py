"""The benchmark's entry point: ``gunicorn bench.wsgi:app``, ``flask --app bench.wsgi bench``."""

from bench.app import create_bench_app

app = create_bench_app()
