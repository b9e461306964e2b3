"""Flask extensions, created unbound and attached in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from statements.core.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def person_or_address() -> str:
    """Key a rate limit by the person logged in (colleagues may share an address), or a visitor's address."""
    from flask_login import current_user

    return f"person:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def posting_limit(**options):
    """Limit how often one person posts texts that are rendered as Markdown (comments, talking points)."""
    from flask import current_app

    return limiter.shared_limit(lambda: current_app.config["POSTING_LIMIT_PER_PERSON"], scope="posting",
                                key_func=person_or_address, methods=["POST"], **options)


def preview_limit(**options):
    """Limit how often one person has Markdown previewed (the editor's live preview and its Preview button)."""
    from flask import current_app

    return limiter.shared_limit(lambda: current_app.config["PREVIEW_LIMIT_PER_PERSON"], scope="preview",
                                key_func=person_or_address, methods=["POST"], **options)
