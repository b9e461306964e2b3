"""The home page as a to-do list, in a browser: a coordinator acts on sign-ons from it, a member finds a
comment period and a mention there, and every role's list is accessible in English, Spanish and Arabic at
phone and desktop widths."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts.models import Invitation, User
from statements.core.db import utcnow
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons.models import SignOn
from tests.attention.todo_data import add_signon, open_comment_period, reply, start_thread
from tests.browser.conftest import check_page, log_in
from tests.factories import add_translator


@pytest.fixture
def busy_world(app, world):
    """The world with something for everyone to do: a comment period open to the network and ending in three
    days, a mention, a reply, sign-ons waiting (one a likely duplicate), an expired invitation."""
    with app.app_context():
        add_translator(world)
        coordinator = world.user_ids["coordinator"]
        in_three_days = (utcnow() + timedelta(days=3)).replace(hour=12, minute=0)  # three days on any clock in UTC
        open_comment_period(world.statement_id, coordinator, in_three_days, open_to_network=True)
        world.mention_thread_id = start_thread(coordinator, world.statement_id,
                                               "@MemberPerson, could you add the displacement figures?")
        reply(world.user_ids["observer"], world.thread_id, "Agreed: *legal* protection.")
        start_thread(world.user_ids["translator"], world.translation_id, "¿Y la palabra «ya»?")
        open_one = db.session.scalar(select(Statement).where(Statement.slug == world.signon_slug))
        first = add_signon(open_one, "Red de Mujeres Migrantes")
        add_signon(open_one, "Red de Mujeres Migrantes Unidas", duplicate_of=first)
        for name in ("Coastal Workers' Union of Dhaka", "Youth Climate Forum of Suva"):
            add_signon(open_one, name)
        db.session.add(Invitation(email="late@example.org", email_normalized="late@example.org",
                                  expires_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        world.open_statement_id = open_one.id
    return world


def test_a_coordinator_sees_sign_ons_waiting_and_approves_them_from_the_home_page(app, page, busy_world):
    world = busy_world
    log_in(page, world.emails["coordinator"])
    todo = page.locator("ol.todo")
    # the comment period ending in three days comes first: the most urgent
    expect(todo.locator("li").first).to_contain_text("Comment period ending: decide the next step")
    waiting = todo.get_by_role("link", name="4 sign-ons waiting for approval")
    expect(waiting).to_be_visible()
    waiting.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    boxes = page.locator("input[type=checkbox][name=signon]")
    expect(boxes).to_have_count(4)
    for box in boxes.all():
        box.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Approve the chosen sign-ons").click()
    expect(page.locator(".flash, .flashes").first).to_contain_text("approved")
    page.goto("/")
    expect(page.locator("ol.todo")).not_to_contain_text("waiting for approval")
    expect(page.locator("ol.todo")).not_to_contain_text("possible duplicate")
    with app.app_context():
        statuses = set(db.session.scalars(select(SignOn.status).where(
            SignOn.statement_id == world.open_statement_id, SignOn.organization_name.like("Red de Mujeres%"))))
    assert statuses == {"approved"}


def test_a_member_sees_a_comment_period_with_its_days_left_and_a_mention(app, page, busy_world):
    world = busy_world
    log_in(page, world.emails["member"])
    todo = page.locator("ol.todo")
    period = todo.locator("li.todo-comment_period")
    expect(period).to_contain_text("Climate displacement needs protection")
    expect(period).to_contain_text("3 days left")
    expect(period).to_contain_text("Not read yet")
    mention = todo.get_by_role("link", name="You are mentioned in a thread")
    expect(mention).to_be_visible()
    mention.click()
    expect(page.get_by_text("could you add the displacement figures?")).to_be_visible()
    page.goto("/")
    expect(page.locator("ol.todo")).not_to_contain_text("You are mentioned")
    page.locator("li.todo-comment_period").get_by_role("link", name="Read and comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Climate displacement needs protection")
    page.goto("/")
    expect(page.locator("li.todo-comment_period")).to_contain_text("You have read the latest revision")


ROLES_AND_HEADINGS = {
    "coordinator": "Coordinator Person", "member": "Member Person", "observer": "Observer Person",
    "admin": "Admin Person", "outsider": "Outsider Person", "translator": "Traductora Invitada",
}
GREETINGS = {"en": "Hello, %s", "es": "Hola, %s", "ar": "مرحبًا، %s"}


@pytest.mark.parametrize("language", ["en", "es", "ar"])
@pytest.mark.parametrize("role", list(ROLES_AND_HEADINGS))
def test_each_role_s_to_do_list_is_accessible(app, page, busy_world, role, language):
    world = busy_world
    with app.app_context():
        db.session.get(User, world.user_ids[role]).language = language
        db.session.commit()
    log_in(page, world.emails[role])
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("main h1")).to_have_text(GREETINGS[language] % ROLES_AND_HEADINGS[role])
    if role != "translator":
        expect(page.locator("ol.todo li").first).to_be_visible()
    check_page(page, f"todo {role} {language}")
