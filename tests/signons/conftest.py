"""Sign-on tests fill forms at once, and each starts with no counts or pages kept from another test;
the people and the statement most of them act on."""

import pytest

from statements.signons import services, views
from tests.signons.pages import statement_by_slug


@pytest.fixture(autouse=True)
def _quick_forms_and_fresh_counts(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    services.forget_counts(app)
    views.public_pages(app).clear()
    yield
    services.forget_counts(app)
    views.public_pages(app).clear()


@pytest.fixture
def statement_id(app, world):
    with app.app_context():
        return statement_by_slug(world.signon_slug).id


@pytest.fixture
def staff(make_client, world):
    client = make_client()
    client.login(world.emails["admin"])
    return client


@pytest.fixture
def coordinator(make_client, world):
    client = make_client()
    client.login(world.emails["coordinator"])
    return client
