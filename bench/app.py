"""The benchmark's app: the product's app with the benchmark's reference routes and its
``flask bench`` commands on top. The benchmark serves and drives this app; the product's
own factory knows nothing of either."""

from flask import Flask

from app import create_app
from app.core.config import Config


def create_bench_app(config: type[Config] | dict | str | None = None) -> Flask:
    """``app.create_app(config)``, plus the routes under ``/bench`` and ``flask bench``."""
    from bench.cli import bench_cli
    from bench.reference import bp as reference_bp

    app = create_app(config)
    app.register_blueprint(reference_bp)
    app.cli.add_command(bench_cli)
    return app
