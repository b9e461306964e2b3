"""A title or name made of one very long word wraps: no page grows wider than a phone's screen."""

import pytest

from statements.accounts.models import User, WorkingGroup
from statements.extensions import db
from statements.signons import services as signons
from statements.drafts import services as drafts
from tests.browser.conftest import PHONE, assert_fits_width, log_in
from tests.factories import make_statement
from tests.signons.pages import add_signon

LONG_TITLE = "Solidarity" * 20  # 200 letters (the most a title holds) and no space
LONG_NAME = "Organisation" * 15


@pytest.fixture
def long_statement(app, world) -> tuple[int, str]:
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = make_statement(coordinator, db.session.get(WorkingGroup, world.group_id), LONG_TITLE,
                                   ["We stand together. " + "Unbroken" * 40])
        drafts.transition(coordinator, statement, "final")
        signons.open_signon(coordinator, statement, None, "UTC", False, "", False)
        add_signon(statement, LONG_NAME, "KE")
        db.session.commit()
        return statement.id, statement.slug


def test_pages_with_a_very_long_title_fit_a_phone(page, world, long_statement):
    statement_id, slug = long_statement
    page.set_viewport_size(PHONE)
    for address in (f"/s/{slug}", f"/s/{slug}/signatories"):
        page.goto(address)
        assert_fits_width(page)
    log_in(page, world.emails["coordinator"])
    for address in (f"/groups/{world.group_id}", f"/statements/{statement_id}", f"/statements/{statement_id}/history",
                    f"/statements/{statement_id}/signons", f"/statements/{statement_id}/export", "/"):
        page.goto(address)
        assert_fits_width(page)
