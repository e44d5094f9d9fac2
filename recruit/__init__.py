"""Recruit: competency-based recruitment for public bodies."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from recruit.config import Config
from recruit.extensions import csrf, db, migrate


def create_app(config_class: type[Config] = Config, **overrides: Any) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "recruit.db")

    from recruit.links import init_links
    from recruit.public.content_pages import init_content_pages
    from recruit.security import check_production_settings, init_security

    check_production_settings(app)
    from recruit.services.notifications.transports import check_notify_settings

    check_notify_settings(app.config)
    init_links(app)
    # Emails are kept for admins to read only in development (the development transport in
    # recruit/services/notifications/transports.py), unless a test turns it on.
    app.config.setdefault("DEVELOPMENT_OUTBOX", app.config["RECRUIT_ENV"] == "development")
    # Outside production, queued emails are sent as soon as the event that queued them is committed (when there is
    # no RQ worker to hand them to); production relies on the sender (`flask --app recruit notifications send`).
    app.config.setdefault("NOTIFICATIONS_SEND_AFTER_COMMIT", app.config["RECRUIT_ENV"] != "production")
    register_templates(app)
    init_content_pages(app)
    register_extensions(app)
    init_security(app)
    register_blueprints(app)
    register_errors(app)
    register_commands(app)
    register_log_masking(app)
    one_blas_thread()
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind that many proxies, the client's address, scheme and host come from their X-Forwarded-* headers.
        hops = app.config["TRUSTED_PROXIES"]
        # Flask types wsgi_app as a method, though replacing it is how middleware is meant to be added.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def one_blas_thread() -> None:
    """numpy's matrix products on one thread in this process. The app's are small (the agreement figures' bootstrap:
    a thousand resamples of a few dozen kinds of item), and each worker, an RQ job or a request, is one of several
    processes sharing the cores: BLAS's own threads then wait for cores the other processes hold, and a product of
    a fraction of a millisecond takes several."""
    import numpy  # noqa: F401  (the BLAS library is found among those loaded)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def register_templates(app: Flask) -> None:
    from recruit.services.frameworks.kept_wording import scale_points
    from recruit.templating import FILTERS, TOKEN_PLACEHOLDER, KeptMacro, StrictVariableUndefined
    from recruit.url_patterns import url_pattern

    app.jinja_env.undefined = StrictVariableUndefined
    app.jinja_env.filters.update(FILTERS)
    # GOV.UK Frontend macros read this global to choose the 2025 brand.
    app.jinja_env.globals["govukRebrand"] = True
    # The macros are ported from Nunjucks and compare values with its `undefined` and `null`.
    app.jinja_env.globals.update(undefined=None, null=None)
    app.jinja_env.globals["url_pattern"] = url_pattern
    # The page template's GOV.UK macros, kept by their parameters (recruit/templating.py).
    app.jinja_env.globals.update(kept_macro=KeptMacro, token_placeholder=TOKEN_PLACEHOLDER)
    # The scoring pages' scale, kept in the process as the indicators are.
    app.jinja_env.globals["scale_points"] = scale_points
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("recruit"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)


def register_extensions(app: Flask) -> None:
    from recruit import models  # noqa: F401  (registers the tables with the metadata)
    from recruit.database import configure_engine_events
    from recruit.public.page_cache import init_page_cache
    from recruit.services import public_content  # noqa: F401  (watches the sessions for changes to public pages)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    init_page_cache(app)
    with app.app_context():
        configure_engine_events(db.engine)


def register_blueprints(app: Flask) -> None:
    from recruit.converters import CONVERTERS

    # Before any route is added: a URL value the database cannot take is no page (404).
    app.url_map.converters.update(CONVERTERS)

    from recruit.admin import bp as admin_bp
    from recruit.apply import bp as apply_bp
    from recruit.assess import bp as assess_bp
    from recruit.auth import bp as auth_bp
    from recruit.campaigns import bp as campaigns_bp
    from recruit.moderate import bp as moderate_bp
    from recruit.public import bp as public_bp
    from recruit.reports import bp as reports_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(apply_bp)
    app.register_blueprint(assess_bp)
    app.register_blueprint(moderate_bp)
    app.register_blueprint(reports_bp)


def register_errors(app: Flask) -> None:
    from recruit.errors import register

    register(app)


def register_log_masking(app: Flask) -> None:
    import logging

    from recruit.log_masking import add_masking

    # Flask logs the path of a request that fails, and `flask run` logs every request's path.
    add_masking(app.logger)
    add_masking(logging.getLogger("werkzeug"))


def register_commands(app: Flask) -> None:
    from recruit.cli import (
        demo_command,
        frameworks_cli,
        notifications_cli,
        reports_cli,
        retention_cli,
        seed_command,
        users_cli,
    )

    app.cli.add_command(seed_command)
    app.cli.add_command(frameworks_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(demo_command)
