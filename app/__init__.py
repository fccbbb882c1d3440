"""Tribunal: dispute mediation with crowd review for an online marketplace."""

import importlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.core import migrations, urls
from app.core.config import CONFIGS, PROJECT_ROOT, Config
from app.core.extensions import babel, csrf, db, limiter, login_manager
from app.core.lazy_commands import LazyGroup
from app.core.limit_storage import storage_uri_for


def create_app(config: type[Config] | dict | str | None = None) -> Flask:
    """Build the web application.

    ``config`` is a config class, a name from ``CONFIGS``, or a dict of overrides applied on
    top of the class named by ``TRIBUNAL_CONFIG`` (development by default). Nothing here
    starts a scheduler or runs migrations.
    """
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    overrides = config if isinstance(config, dict) else {}
    if config is None or isinstance(config, dict):
        config = overrides.get("CONFIG_NAME") or os.environ.get("TRIBUNAL_CONFIG", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    app.config.from_object(config)
    app.config.update(overrides)
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = storage_uri_for(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (export SECRET_KEY=...) in production")
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _register_extensions(app)
    urls.init_app(app)
    _register_blueprints(app)
    _register_cli(app)
    _connect_signals()

    from app.core import error_pages, security, templating
    from app.scheduler import heartbeat

    security.init_app(app)
    templating.init_app(app)
    error_pages.init_app(app)
    heartbeat.init_app(app)
    return app


FEATURE_MODELS = (
    "app.core.audit",
    "app.core.settings",
    "app.core.idempotency",
    "app.core.limit_storage",
    "app.auth.models",
    "app.notifications.models",
    "app.notifications.outbox",
    "app.notifications.webhooks.models",
    "app.orders.models",
    "app.cases.models",
    "app.cases.releases",
    "app.cases.thread",
    "app.execution.models",
    "app.jury.models",
    "app.jury.gold.models",
    "app.mediation.models",
    "app.closing.models",
    "app.analytics.models",
    "app.api.models",
    "app.scheduler.heartbeat",
)


def import_models() -> None:
    """Import every feature's models, so the metadata (and Alembic) sees every table."""
    for module in FEATURE_MODELS:
        importlib.import_module(module)


def _register_extensions(app: Flask) -> None:
    from app.core.i18n import select_locale
    from app.core.zones import select_timezone

    import_models()
    db.init_app(app)
    migrations.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from app.admin.accounts import bp as admin_accounts_bp
    from app.admin.audit_views import bp as admin_audit_bp
    from app.admin.restrictions import bp as admin_restrictions_bp
    from app.admin.views import bp as admin_bp
    from app.admin.webhooks import bp as admin_webhooks_bp
    from app.analytics.views import bp as analytics_bp
    from app.api.admin_views import bp as api_admin_bp
    from app.api.views import bp as api_bp
    from app.assistant.views import bp as assistant_bp
    from app.auth.views import bp as auth_bp
    from app.cases.thread_views import bp as thread_bp
    from app.cases.views import bp as cases_bp
    from app.closing.views import bp as closing_bp
    from app.core.i18n import bp as i18n_bp
    from app.execution.views import bp as execution_bp
    from app.jury.gold.views import bp as gold_bp
    from app.jury.seat_views import bp as jury_seats_bp
    from app.jury.views import bp as jury_bp
    from app.mediation.appeal_views import bp as appeals_bp
    from app.mediation.views import bp as mediation_bp
    from app.notifications.views import bp as notifications_bp
    from app.orders.views import bp as orders_bp
    from app.public.views import bp as public_bp

    for blueprint in (
        public_bp,
        auth_bp,
        i18n_bp,
        orders_bp,
        cases_bp,
        assistant_bp,
        thread_bp,
        notifications_bp,
        mediation_bp,
        execution_bp,
        jury_bp,
        jury_seats_bp,
        gold_bp,
        appeals_bp,
        closing_bp,
        analytics_bp,
        admin_bp,
        admin_accounts_bp,
        admin_restrictions_bp,
        admin_audit_bp,
        admin_webhooks_bp,
        api_admin_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)


def _connect_signals() -> None:
    """Features above ``cases`` listen to its signals, and admin to the webhooks' (connecting
    twice connects once)."""
    from app.admin.webhook_alerts import connect_signals as connect_webhook_alerts
    from app.execution.signals import connect_signals as connect_execution
    from app.jury.signals import connect_signals as connect_jury
    from app.mediation.signals import connect_signals as connect_mediation

    connect_mediation()
    connect_execution()
    connect_jury()
    connect_webhook_alerts()


def _register_cli(app: Flask) -> None:
    from app.api.cli import api_tokens_cli
    from app.auth.cli import users_cli
    from app.cases.cli import evidence_cli
    from app.closing.cli import dossier_cli
    from app.jury.cli import jury_cli
    from app.notifications.webhooks.cli import webhooks_cli
    from app.orders.cli import orders_cli
    from app.scheduler.cli import scheduler_cli

    groups = (
        users_cli,
        orders_cli,
        api_tokens_cli,
        webhooks_cli,
        evidence_cli,
        dossier_cli,
        jury_cli,
        scheduler_cli,
        LazyGroup("demo", "app.demo:demo_cli", help="Demo data."),
    )
    for group in groups:
        app.cli.add_command(group)
