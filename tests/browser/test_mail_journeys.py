"""Staff and failing mail, in a real browser: the home page says mail is failing, its link opens the outbox,
a failed email tried again reaches a real SMTP server on loopback, and one discarded by mistake is sent after all. The outbox is checked with axe-core at
phone and desktop width."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from statements.core.db import utcnow
from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.browser.conftest import check_page, log_in
from tests.factories import add_failed_mail

pytestmark = pytest.mark.browser

REFUSED = "SMTPRecipientsRefused: {'old-contact@example.net': (550, b'5.1.1 No such user here')}"


@pytest.fixture
def failing_mail(app, world):
    """An email the outbox gave up on, one still being retried, and one waiting for its first attempt."""
    with app.app_context():
        return {
            "failed": add_failed_mail("maria.confirm@redmujeres.example",
                                      "Confirm the sign-on of Red de Mujeres Migrantes del Cono Sur y los Andes"),
            "retrying": add_failed_mail("old-contact@example.net", "A comment mentions you", attempts=3,
                                        error=REFUSED, status="pending",
                                        next_attempt_at=utcnow() + timedelta(minutes=4)),
            "waiting": add_failed_mail("new.member@example.org", "Welcome to the network", attempts=0, error=None,
                                       status="pending"),
        }


def test_staff_follow_the_failing_mail_from_home_and_try_it_again(app, page, world, failing_mail, mailbox):
    log_in(page, world.emails["admin"])
    item = page.locator("ol.todo").get_by_role("link", name="2 emails failed to send in the last 7 days")
    expect(item).to_be_visible()
    item.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outgoing mail")
    expect(page.get_by_role("link", name="Failing (2)")).to_have_attribute("aria-current", "page")
    failed = page.locator(f"#message-{failing_mail['failed']}")
    expect(failed).to_contain_text("maria.confirm@redmujeres.example")
    expect(failed).to_contain_text("8 attempts")
    expect(failed).to_contain_text("The mail server could not be reached.")
    expect(page.locator(f"#message-{failing_mail['retrying']}")).to_contain_text(
        "The mail server refused the recipient's address.")
    check_page(page, "outbox failing")

    failed.get_by_role("button", name="Try again now").click()
    expect(page.locator(".flash")).to_have_text(
        "The email to maria.confirm@redmujeres.example is back in the outbox and is tried again now.")
    assert mailbox.deliver()["sent"] >= 1  # the sender's next round
    [received] = mailbox.to("maria.confirm@redmujeres.example")
    assert "Confirm the sign-on of Red de Mujeres Migrantes" in received["Subject"]
    with app.app_context():
        assert db.session.get(OutboxMessage, failing_mail["failed"]).status == "sent"
    page.get_by_role("link", name="Sent in the last 7 days").click()
    expect(page.locator(f"#message-{failing_mail['failed']}")).to_contain_text("Sent")
    check_page(page, "outbox sent")

    page.get_by_role("link", name="Failing").click()
    retrying = page.locator(f"#message-{failing_mail['retrying']}")
    retrying.get_by_role("button", name="Discard").click()
    expect(page.locator(".flash")).to_have_text(
        "The email to old-contact@example.net is discarded: it will not be sent.")
    expect(page.locator("main")).to_contain_text("No email is failing.")

    # a discard by mistake: the email is sent after all, from the list of discarded ones
    page.get_by_role("link", name="Discarded (1)").click()
    discarded = page.locator(f"#message-{failing_mail['retrying']}")
    expect(discarded).to_contain_text("Discarded")
    check_page(page, "outbox discarded")
    discarded.get_by_role("button", name="Send it after all").click()
    expect(page.locator(".flash")).to_have_text(
        "The email to old-contact@example.net is back in the outbox: it will be sent.")
    expect(page.locator("main")).to_contain_text("No email was discarded.")
    with app.app_context():
        assert db.session.get(OutboxMessage, failing_mail["retrying"]).status == "pending"
    page.goto("/")
    expect(page.locator("main")).to_contain_text("1 email failed to send in the last 7 days")


def test_the_outbox_is_reached_from_the_menu_and_lists_waiting_mail(page, world, failing_mail):
    log_in(page, world.emails["admin"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mail").click()
    page.get_by_role("link", name="Waiting (1)").click()
    expect(page.locator(f"#message-{failing_mail['waiting']}")).to_contain_text("Welcome to the network")
    check_page(page, "outbox waiting")
