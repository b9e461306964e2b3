"""Sign-on tests fill forms at once, and each starts with no counts or pages kept from another test."""

import pytest

from statements.signons import services, views


@pytest.fixture(autouse=True)
def _quick_forms_and_fresh_counts(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    services.forget_counts(app)
    views.public_pages(app).clear()
    yield
    services.forget_counts(app)
    views.public_pages(app).clear()
