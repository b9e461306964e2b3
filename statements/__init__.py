"""Statements: draft joint statements together, gather sign-ons, publish them as PDFs."""

import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l

from statements.config import finish_config, load_config
from statements.core import rate_limits
from statements.core.db import end_reading_transactions_with_commit
from statements.extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("STATEMENTS_INSTANCE", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    finish_config(app.config, app.instance_path)
    from statements.core.signing import QuickSessionInterface
    app.session_interface = QuickSessionInterface()  # (Flask's cookies, each signed at less cost)

    _init_extensions(app)
    _register_blueprints(app)

    from statements.core.compression import register_compression
    from statements.core.errors import register_error_handlers
    from statements.core.i18n import register_i18n
    from statements.core.input import register_input_checks
    from statements.core.request_log import register_request_log
    from statements.core.security import register_security
    from statements.core.templating import register_templating
    from statements.cli import register_cli
    from statements.export.recent_files import register_recent_files
    from statements.signons.recent_pages import register_recent_pages
    from statements.signons.recent_signing import register_recent_signing
    from statements.signons.views import (before_deadline, public_pages, recent_page_seconds, started_serializer,
                                          take_recent_signon)

    register_request_log(app)
    register_compression(app)
    register_i18n(app)
    register_input_checks(app)
    register_recent_files(app, public_pages(app), recent_page_seconds)  # inside the proxy's fixes (security)
    register_recent_pages(app, public_pages(app), recent_page_seconds, before_deadline, started_serializer)
    register_recent_signing(app, public_pages(app), recent_page_seconds, before_deadline, take_recent_signon,
                            started_serializer)
    register_security(app)
    register_error_handlers(app)
    register_templating(app)
    register_cli(app)

    if app.config.get("MAIL_SEND_IN_PROCESS"):
        from statements.mail.services import start_background_sender

        start_background_sender(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            end_reading_transactions_with_commit(engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    rate_limits.use_swept_memory_as_fallback(limiter)
    rate_limits.count_in_limited_routes_only(app, limiter)
    app.after_request(rate_limits.say_when_to_retry)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.localize_callback = str  # the flash is read in the language of the request that needs a login
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from statements.accounts.services import load_user_by_session_id

    login_manager.user_loader(load_user_by_session_id)


def _register_blueprints(app: Flask) -> None:
    from statements import models  # noqa: F401  (every model registers with the metadata)
    from statements.accounts import bp as accounts_bp
    from statements.audit import bp as audit_bp
    from statements.core.health import bp as health_bp
    from statements.core.language_views import bp as language_bp
    from statements.comments import bp as comments_bp
    from statements.consent import bp as consent_bp
    from statements.export import bp as export_bp
    from statements.notifications import bp as notifications_bp
    from statements.signons import bp as signons_bp
    from statements.drafts import bp as drafts_bp
    from statements.talking_points import bp as talking_points_bp
    from statements.translating import bp as translating_bp
    from statements.suggestions import bp as suggestions_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(language_bp)
    app.register_blueprint(drafts_bp)
    app.register_blueprint(talking_points_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(signons_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(translating_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(consent_bp)
    app.register_blueprint(suggestions_bp)
