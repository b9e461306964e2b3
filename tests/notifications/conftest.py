import pytest
from sqlalchemy import delete

from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.notifications.models import Notification


@pytest.fixture(autouse=True)
def _quick_sign_on_forms(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)


@pytest.fixture
def world(app, world):
    """The shared world, with what its making told people forgotten, so each test sees only its own events."""
    with app.app_context():
        db.session.execute(delete(Notification))
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
    return world
