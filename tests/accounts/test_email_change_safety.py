"""An email change asked for by someone who knew the password cannot take the account: the old
address is told and can cancel it (or undo it), and a password change or reset cancels it."""

import time

from itsdangerous import TimestampSigner
from sqlalchemy import select

from statements.accounts.models import EmailChange, User
from statements.extensions import db
from tests.accounts.test_passwords import (
    NEW_PASSWORD, actions, change_email, change_password, choose, reset_link, user_by_email,
)

TAKER = "taker@example.net"
NOTICE = "Someone asked to change the email address of your Statements account"
CANCELLED = "This email change was cancelled"


def ask_for_change(client, world, mailbox, new: str = TAKER) -> tuple[str, str]:
    """Log in as the member and ask to move the account to `new`; return the confirm and cancel links
    (the cancel link is "" when the old address was told nothing)."""
    client.login(world.emails["member"])
    assert change_email(client, new).status_code == 302
    mailbox.deliver()
    confirm = mailbox.link_in(mailbox.to(new)[-1], "/account/email/confirm/")
    notices = [m for m in mailbox.to(world.emails["member"]) if m["Subject"] == NOTICE]
    return confirm, mailbox.link_in(notices[-1], "/account/email/cancel/") if notices else ""


def member_email(app, world) -> str:
    with app.app_context():
        return db.session.get(User, world.user_ids["member"]).email


def test_the_old_address_is_told_and_can_cancel_without_logging_in(app, client, make_client, world, mailbox):
    confirm, cancel = ask_for_change(client, world, mailbox)
    assert cancel
    [notice] = mailbox.to(world.emails["member"])
    body = mailbox.body(notice)
    assert TAKER in body and "within 7 days" in body and "reset your password" in body

    owner = make_client()  # reading mail elsewhere, not logged in
    page = owner.get(cancel)
    assert page.status_code == 200
    assert "Cancel the change" in page.get_data(as_text=True) and TAKER in page.get_data(as_text=True)
    with app.app_context():  # opening the link (as a mail scanner would) cancels nothing
        assert db.session.scalar(select(EmailChange.cancelled_at)) is None

    response = owner.submit(cancel)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert f"The change to {TAKER} is cancelled" in owner.get("/login").get_data(as_text=True)

    refused = client.submit(confirm)
    assert refused.status_code == 400 and CANCELLED in refused.get_data(as_text=True)
    assert member_email(app, world) == world.emails["member"]
    again = owner.submit(cancel)
    assert again.status_code == 400 and "already cancelled" in again.get_data(as_text=True)
    with app.app_context():
        assert "user.email_change_cancelled" in actions() and "user.email_changed" not in actions()


def test_a_password_reset_cancels_an_email_change_someone_else_asked_for(app, client, make_client, world, mailbox):
    taker = client
    confirm, _ = ask_for_change(taker, world, mailbox)
    owner = make_client()
    assert choose(owner, reset_link(owner, mailbox, world.emails["member"])).status_code == 302

    refused = taker.submit(confirm)
    assert refused.status_code == 400 and CANCELLED in refused.get_data(as_text=True)
    assert member_email(app, world) == world.emails["member"]
    assert taker.get("/account").status_code == 302  # and the reset logged them out
    assert owner.login(world.emails["member"], NEW_PASSWORD).status_code == 302


def test_a_password_change_cancels_a_pending_email_change(app, client, world, mailbox):
    confirm, _ = ask_for_change(client, world, mailbox)
    assert change_password(client).status_code == 302
    refused = client.submit(confirm)
    assert refused.status_code == 400 and CANCELLED in refused.get_data(as_text=True)
    assert member_email(app, world) == world.emails["member"]


def test_a_newer_request_replaces_the_older_one(app, client, world, mailbox):
    first, _ = ask_for_change(client, world, mailbox, "first.new@example.org")
    second, _ = ask_for_change(client, world, mailbox, "second.new@example.org")
    assert CANCELLED in client.submit(first).get_data(as_text=True)
    assert client.submit(second).status_code == 302
    assert member_email(app, world) == "second.new@example.org"


def test_the_old_address_can_undo_a_change_already_confirmed(app, client, make_client, world, mailbox):
    taker = client
    confirm, cancel = ask_for_change(taker, world, mailbox)
    assert taker.submit(confirm).status_code == 302  # confirmed at once, before the owner reads the notice
    assert member_email(app, world) == TAKER

    owner = make_client()
    assert "Undo the change" in owner.get(cancel).get_data(as_text=True)
    response = owner.submit(cancel)
    assert response.status_code == 302 and response.headers["Location"] == "/password/forgot"
    assert "The change is undone: your account uses member@example.org again" in \
        owner.get("/password/forgot").get_data(as_text=True)
    assert member_email(app, world) == world.emails["member"]
    assert taker.get("/account").status_code == 302  # every device was logged out
    with app.app_context():
        assert user_by_email(TAKER) is None
        assert "user.email_change_undone" in actions()
    again = owner.submit(cancel)
    assert again.status_code == 400 and "already cancelled" in again.get_data(as_text=True)

    link = reset_link(owner, mailbox, world.emails["member"])  # the owner gets the account back by email
    assert choose(owner, link).status_code == 302
    assert owner.login(world.emails["member"], NEW_PASSWORD).status_code == 302


def test_the_cancel_link_expires_after_seven_days(app, client, make_client, world, mailbox, monkeypatch):
    _, cancel = ask_for_change(client, world, mailbox)
    seven_days_and_a_minute = 7 * 24 * 3600 + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + seven_days_and_a_minute)
    owner = make_client()
    for response in (owner.get(cancel), owner.submit(cancel)):
        assert response.status_code == 400
        assert "This link has expired" in response.get_data(as_text=True)


def test_a_confirmation_link_cannot_be_used_to_cancel(client, make_client, world, mailbox):
    confirm, cancel = ask_for_change(client, world, mailbox)
    forged = cancel.rsplit("/", 1)[0] + "/" + confirm.rsplit("/", 1)[1]
    response = make_client().submit(forged)
    assert response.status_code == 400 and "This link is not valid" in response.get_data(as_text=True)
