"""A second app, made with create_app beside the session's, for settings the session app cannot change."""

import pytest

from statements import create_app
from statements.extensions import db
from tests.conftest import Client


@pytest.fixture
def other_app(app):
    """Return a factory of apps on the session's database (unless told otherwise), closed afterwards."""
    made = []

    def make(**config):
        settings = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
            # the rate limiter is shared by every app in this process: keep its storage in memory
            "RATELIMIT_STORAGE_URI": "memory://",
            **config,
        }
        new_app = create_app(settings)
        new_app.test_client_class = Client
        made.append(new_app)
        return new_app

    yield make
    for each in made:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()
