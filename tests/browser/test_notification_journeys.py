"""Notifications in a browser: a mention in the header and the list, a digest arriving by mail, unsubscribing
from the mail in one click; the new pages pass axe-core in English, Spanish and Arabic at phone and desktop width."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts.models import User
from statements.comments import services as comments
from statements.comments.models import Thread
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.notifications.models import Notification
from tests.browser.conftest import check_page, log_in

TITLE = "Climate displacement needs protection"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email_normalized == email))


def _quiet(app) -> None:
    """Forget what building the world told people, so a page shows only what the test did."""
    with app.app_context():
        db.session.query(Notification).delete()
        db.session.commit()


def _mention(app, world, by: str, whom: str) -> None:
    with app.test_request_context():
        thread = db.session.get(Thread, world.thread_id)
        comments.reply(_user(world.emails[by]), thread, f"@{whom} could you check this passage?")
        db.session.commit()


def test_a_member_mentioned_in_a_thread_sees_it_in_the_header_and_the_list(app, page, world):
    _quiet(app)
    _mention(app, world, "coordinator", "ObserverPerson")
    log_in(page, world.emails["observer"])

    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Notifications"))
    expect(link).to_contain_text("1")
    link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    item = page.locator(".notification").first
    expect(item).to_contain_text("Coordinator Person mentioned you in a thread.")
    expect(item).to_contain_text("New")
    check_page(page, "notifications list")

    item.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/threads/{world.thread_id}$"))
    expect(page.get_by_text("could you check this passage?")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Notifications"))) \
        .to_have_text("Notifications")


def test_a_digest_arrives_with_one_entry_per_statement_and_unsubscribes_in_one_click(app, page, world, mailbox):
    _quiet(app)
    with app.test_request_context():
        coordinator = _user(world.emails["coordinator"])
        drafts.transition(coordinator, db.session.get(Statement, world.statement_id), "comment_period")
        signing = db.session.scalar(select(Statement).where(Statement.slug == world.signon_slug))
        drafts.transition(coordinator, signing, "signon_closed")
        drafts.transition(coordinator, signing, "published")
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["notifications", "digest"]).exit_code == 0
    mailbox.deliver()

    [digest] = mailbox.to(world.emails["member"])
    body = mailbox.body(digest)
    assert body.count(f"“{TITLE}”") == 1 and body.count("“Loss and damage for people who move”") == 1
    unsubscribe = re.search(r"https?://\S+/unsubscribe/\S+", body).group(0)
    assert digest["List-Unsubscribe"] == f"<{unsubscribe}>"

    page.goto(re.sub(r"^https?://[^/]+", "", unsubscribe))  # opening the link does nothing by itself
    expect(page.get_by_role("heading", name="Stop these emails")).to_be_visible()
    check_page(page, "unsubscribe")
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("status")).to_contain_text("you no longer get emails about this: the daily digest")

    log_in(page, world.emails["member"])
    page.goto("/account/notifications")
    expect(page.get_by_role("group", name="A comment period opens").get_by_label("Not by email")).to_be_checked()
    expect(page.get_by_role("group", name="Someone mentions me").get_by_label("At once")).to_be_checked()


def test_choosing_emails_without_javascript_shapes(app, page, world):
    log_in(page, world.emails["member"])
    page.goto("/account/notifications")
    check_page(page, "notification preferences")
    page.get_by_role("group", name="A statement is published").get_by_label("At once").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status")).to_contain_text("Your choices of emails are saved.")
    expect(page.get_by_role("group", name="A statement is published").get_by_label("At once")).to_be_checked()


@pytest.mark.parametrize("language, list_heading, preferences_heading", [
    ("es", "Notificaciones", "Correos que recibes"),
    ("ar", "الإشعارات", "الرسائل التي تصلك بالبريد"),
])
def test_the_notification_pages_in_spanish_and_arabic(app, page, world, language, list_heading,
                                                      preferences_heading):
    _quiet(app)
    with app.app_context():
        _user(world.emails["observer"]).language = language
        db.session.commit()
    _mention(app, world, "coordinator", "ObserverPerson")
    log_in(page, world.emails["observer"])

    page.goto("/notifications")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("main h1")).to_have_text(list_heading)
    check_page(page, f"notifications list {language}")
    page.goto("/account/notifications")
    expect(page.locator("main h1")).to_have_text(preferences_heading)
    check_page(page, f"notification preferences {language}")
    with app.app_context():
        from statements.notifications.services import unsubscribe_token

        token = unsubscribe_token(_user(world.emails["observer"]), "mention")
    page.goto(f"/unsubscribe/{token}")
    check_page(page, f"unsubscribe {language}")
