"""Staff moderate hundreds of sign-ons in a real browser: all 500 waiting ones approved across pages in one go,
a typo in a name corrected (and the audit log keeps what it was), one row decided with one click and undone,
and the queue worked from the keyboard."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from statements.audit.models import AuditEvent
from statements.extensions import db
from statements.signons import services
from statements.signons.models import SignOn
from tests.browser.conftest import log_in, shot
from tests.signons.pages import add_signon, signon_named, statement_by_slug


@pytest.fixture(autouse=True)
def _fresh_counts(app):
    services.forget_counts(app)
    yield
    services.forget_counts(app)


def flash(page):
    return page.locator(".flash")


def waiting(app, world, how_many: int, country: str = "GT") -> int:
    """Store sign-ons waiting for approval, named "Waiting Collective 000" on; return the statement's id."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for number in range(how_many):
            add_signon(statement, f"Waiting Collective {number:03}", country, "confirmed")
        db.session.commit()
        return statement.id


def count_with_status(app, status: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SignOn).where(SignOn.status == status))


def test_500_waiting_sign_ons_are_approved_with_select_all_across_pages(app, new_context, world):
    statement_id = waiting(app, world, 500)
    # without JavaScript: choosing "all matching" is a plain radio button the server reads with the filter
    staff = new_context(java_script_enabled=False).new_page()
    log_in(staff, world.emails["admin"])
    staff.goto(f"/statements/{statement_id}/signons")
    expect(staff.locator(".moderation-list > li")).to_have_count(50)
    staff.get_by_label("All 500 sign-ons matching this filter, on every page").check()
    staff.get_by_role("button", name="Approve the chosen sign-ons").click()
    expect(flash(staff)).to_have_text("500 sign-ons approved.", timeout=120_000)
    expect(staff.locator("main")).to_contain_text("No sign-ons match these filters.")
    assert count_with_status(app, "approved") == 500
    staff.goto(f"/statements/{statement_id}/signons?status=approved&page=10")
    expect(staff.locator(".moderation-list > li")).to_have_count(50)


def test_a_typo_in_a_name_is_fixed_and_audited(app, page, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        add_signon(statement, "Red de Mujres Migrantes", "MX", "approved")
        db.session.commit()
        statement_id = statement.id
    log_in(page, world.emails["admin"])
    page.goto(f"/statements/{statement_id}/signons?status=approved")
    page.get_by_role("link", name="Correct Red de Mujres Migrantes").click()
    expect(page.locator("main h2")).to_have_text("Correct a signatory")
    page.get_by_label("Organization name").fill("Red de Mujeres Migrantes")
    page.get_by_label("Country").select_option(label="Guatemala")
    page.get_by_role("button", name="Save the correction").click()
    expect(flash(page)).to_have_text("Red de Mujeres Migrantes is corrected. The audit log keeps what it was.")
    expect(page).to_have_url(re.compile(r"/signons\?status=approved$"))  # back on the same filter
    expect(page.locator(".moderation-list > li")).to_contain_text("Red de Mujeres Migrantes · Guatemala")
    page.goto(f"/s/{world.signon_slug}/signatories")
    expect(page.locator("main")).to_contain_text("Red de Mujeres Migrantes")
    page.goto("/admin/audit")
    expect(page.locator("main")).to_contain_text(
        "Corrected the sign-on of Red de Mujres Migrantes (now Red de Mujeres Migrantes)")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signon.edited"))
        assert event.actor_id == world.user_ids["admin"]
        assert event.details["changes"] == {
            "organization_name": ["Red de Mujres Migrantes", "Red de Mujeres Migrantes"], "country": ["MX", "GT"]}


def test_one_click_approves_a_row_and_undo_puts_it_back(app, page, world):
    statement_id = waiting(app, world, 3)
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}/signons")
    page.get_by_role("button", name="Approve Waiting Collective 001").click()
    expect(flash(page)).to_have_text("1 sign-on approved.")
    expect(page.locator(".moderation-list > li")).to_have_count(2)
    with app.app_context():
        assert signon_named("Waiting Collective 001").status == "approved"
    page.get_by_role("button", name="Undo my last decision").click()
    expect(flash(page)).to_have_text("Undone: 1 sign-on is back as it was before you approved it.")
    expect(page.locator(".moderation-list > li")).to_have_count(3)
    assert count_with_status(app, "confirmed") == 3


def test_a_sign_on_is_approved_from_the_keyboard(app, page, world):
    statement_id = waiting(app, world, 3)
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}/signons")
    expect(page.locator("#moderation-shortcuts")).to_be_visible()  # told of where they work
    page.locator("#moderation-shortcuts summary").click()
    expect(page.locator("#moderation-shortcuts")).to_contain_text("Approve the sign-on")
    rows = page.locator(".moderation-list > li")
    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("x")
    expect(rows.nth(1).get_by_role("checkbox")).to_be_checked()
    name = rows.nth(1).locator("label strong").inner_text()
    page.keyboard.press("a")
    expect(flash(page)).to_have_text("1 sign-on approved.")
    with app.app_context():
        assert signon_named(name).status == "approved"
    assert count_with_status(app, "confirmed") == 2
    # letters typed into the note are words, not shortcuts
    page.get_by_label("Note (optional, for staff)").fill("rajk")
    assert count_with_status(app, "confirmed") == 2


def test_the_queue_at_phone_and_desktop_width(app, page, world):
    """Screenshots to look at: the row buttons, the choice of what to apply to, the sticky decision bar."""
    statement_id = waiting(app, world, 60)
    log_in(page, world.emails["admin"])
    page.goto(f"/statements/{statement_id}/signons")
    page.get_by_role("button", name="Approve Waiting Collective 059").click()
    for width, label in ((390, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 844})
        shot(page, f"moderation queue {label}")
