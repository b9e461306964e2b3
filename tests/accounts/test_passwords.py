"""Forgotten passwords, changing a password, and changing the email address of an account."""

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.audit.models import AuditEvent
from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "river stones and reeds"
SENT = "If an account uses that address, we have sent it a link to reset the password."


def field_error(response, field: str) -> str:
    """Return the message shown next to a form field, or "" when there is none."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', response.get_data(as_text=True))
    return found.group(1) if found else ""


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email_normalized == email.lower()))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def reset_link(client, mailbox, email: str) -> str:
    client.submit("/password/forgot", {"email": email})
    mailbox.deliver()
    return mailbox.link_in(mailbox.to(email)[-1], "/password/reset/")


def choose(client, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.submit(link, {"password": password, "confirm": password if confirm is None else confirm})


# --- forgotten password --------------------------------------------------------------------

def test_forgotten_password_is_reset_through_the_emailed_link(app, client, make_client, world, mailbox):
    response = client.submit("/password/forgot", {"email": " Member@Example.org "})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert SENT in client.get("/login").get_data(as_text=True)
    mailbox.deliver()
    [message] = mailbox.to(world.emails["member"])
    assert message["Subject"] == "Reset your Statements password"
    assert "within 60 minutes" in mailbox.body(message)
    link = mailbox.link_in(message, "/password/reset/")

    form = client.get(link)
    assert form.status_code == 200
    assert "For the account member@example.org." in form.get_data(as_text=True)
    response = choose(client, link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Your password is changed. Log in with it now." in client.get("/login").get_data(as_text=True)

    assert client.login(world.emails["member"], PASSWORD).status_code == 400
    assert client.login(world.emails["member"], NEW_PASSWORD).status_code == 302
    with app.app_context():
        reset = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset"))
        assert reset.actor_id == world.user_ids["member"]


def test_reset_link_works_once(app, client, make_client, world, mailbox):
    link = reset_link(client, mailbox, world.emails["member"])
    assert choose(client, link).status_code == 302
    for response in (client.get(link), choose(client, link, "someone else's password")):
        assert response.status_code == 400
        assert ("This reset link has already been used. Ask for a new one if you still need it."
                in response.get_data(as_text=True))
    assert make_client().login(world.emails["member"], NEW_PASSWORD).status_code == 302


def test_older_reset_link_stops_working_once_a_newer_one_is_used(client, world, mailbox):
    first = reset_link(client, mailbox, world.emails["member"])
    second = reset_link(client, mailbox, world.emails["member"])
    assert choose(client, second).status_code == 302
    assert "already been used" in client.get(first).get_data(as_text=True)


def test_expired_reset_link_is_refused(app, client, make_client, world, mailbox, monkeypatch):
    link = reset_link(client, mailbox, world.emails["member"])
    an_hour_and_a_minute = 3660
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + an_hour_and_a_minute)
    visitor = make_client()
    for response in (visitor.get(link), choose(visitor, link)):
        assert response.status_code == 400
        assert "This link has expired. Ask for a new one." in response.get_data(as_text=True)
    monkeypatch.undo()
    assert make_client().login(world.emails["member"], PASSWORD).status_code == 302  # the password is unchanged


def test_reset_link_just_inside_the_hour_still_works(client, world, mailbox, monkeypatch):
    link = reset_link(client, mailbox, world.emails["member"])
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + 3540)
    assert client.get(link).status_code == 200


def test_reset_form_with_mismatched_passwords_changes_nothing(client, make_client, world, mailbox):
    link = reset_link(client, mailbox, world.emails["member"])
    response = choose(client, link, NEW_PASSWORD, "river stones and weeds")
    assert field_error(response, "confirm") == "The two passwords are not the same. Type them again."
    assert NEW_PASSWORD not in response.get_data(as_text=True)
    assert make_client().login(world.emails["member"], PASSWORD).status_code == 302
    assert client.get(link).status_code == 200  # the link is still good


def test_unknown_email_gets_the_same_answer_and_no_mail(app, client, world, mailbox):
    known = client.submit("/password/forgot", {"email": world.emails["member"]})
    known_page = client.get("/login").get_data(as_text=True)
    with app.app_context():
        db.session.execute(OutboxMessage.__table__.delete())
        db.session.commit()

    unknown = client.submit("/password/forgot", {"email": "nobody@example.org"})
    unknown_page = client.get("/login").get_data(as_text=True)
    assert (unknown.status_code, unknown.headers["Location"]) == (known.status_code, known.headers["Location"])
    assert SENT in known_page and SENT in unknown_page
    assert re.findall(r'class="flash[^"]*"[^>]*>(.*?)</p>', known_page) == re.findall(
        r'class="flash[^"]*"[^>]*>(.*?)</p>', unknown_page)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert mailbox.deliver() == {"sent": 0, "failed": 0}
    assert mailbox.messages == []


def test_forgot_password_with_a_malformed_address_says_what_is_wrong(client, world, mailbox):
    response = client.submit("/password/forgot", {"email": "member at example.org"})
    assert field_error(response, "email") == "Enter an email address like name@example.org."
    assert mailbox.deliver() == {"sent": 0, "failed": 0}


# --- changing the password -----------------------------------------------------------------

def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.submit("/account/password", {"pw-current_password": current, "pw-password": new,
                                               "pw-confirm": new if confirm is None else confirm})


def test_wrong_current_password_is_refused_by_the_field(app, client, make_client, world):
    client.login(world.emails["member"])
    response = change_password(client, current="not my password")
    assert response.status_code == 400
    assert field_error(response, "pw-current_password") == "Your current password is not right."
    assert field_error(response, "pw-password") == ""
    assert make_client().login(world.emails["member"], PASSWORD).status_code == 302
    with app.app_context():
        assert "user.password_changed" not in actions()


@pytest.mark.parametrize("new, confirm, field, message", [
    ("short", "short", "pw-password", "Use at least 10 characters (and at most 200)."),
    (NEW_PASSWORD, "something else entirely", "pw-confirm", "The two passwords are not the same."),
])
def test_new_password_must_be_long_enough_and_typed_twice(client, make_client, world, new, confirm, field, message):
    client.login(world.emails["member"])
    response = change_password(client, new=new, confirm=confirm)
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert make_client().login(world.emails["member"], PASSWORD).status_code == 302


def test_changing_the_password_logs_out_other_devices(app, client, make_client, world):
    laptop, phone = client, make_client()
    laptop.login(world.emails["member"])
    phone.submit("/login", {"email": world.emails["member"], "password": PASSWORD, "remember": "y"})
    assert phone.get("/account").status_code == 200

    response = change_password(laptop)
    assert response.status_code == 302
    page = laptop.get("/account")
    assert page.status_code == 200  # this device stays logged in
    assert "Other devices where you were logged in are now logged out." in page.get_data(as_text=True)

    assert phone.get("/account").status_code == 302  # logged out, remember-me cookie included
    assert make_client().login(world.emails["member"], PASSWORD).status_code == 400
    assert make_client().login(world.emails["member"], NEW_PASSWORD).status_code == 302
    with app.app_context():
        changed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_changed"))
        assert changed.actor_id == world.user_ids["member"]


def test_account_pages_need_a_login(client, world):
    assert client.get("/account").status_code == 302
    assert change_password(client).status_code == 302
    assert client.login(world.emails["member"]).status_code == 302


# --- changing the email address ------------------------------------------------------------

def change_email(client, email, password=PASSWORD):
    return client.submit("/account/email", {"em-email": email, "em-password": password})


def test_email_changes_only_when_the_link_sent_to_the_new_address_is_confirmed(app, client, world, mailbox):
    client.login(world.emails["member"])
    response = change_email(client, "Mateus.New@Example.org")
    assert response.status_code == 302
    assert ("We sent a link to Mateus.New@Example.org. Your email changes when you follow it."
            in client.get("/account").get_data(as_text=True))
    mailbox.deliver()
    [notice] = mailbox.to(world.emails["member"])  # the old address is told, with a way to cancel
    assert notice["Subject"] == "Someone asked to change the email address of your Statements account"
    [message] = mailbox.to("Mateus.New@Example.org")
    assert message["Subject"] == "Confirm your new email address"
    link = mailbox.link_in(message, "/account/email/confirm/")

    page = client.get(link)
    assert page.status_code == 200
    assert "Use my new address" in page.get_data(as_text=True)
    with app.app_context():  # following the link (as a mail scanner would) changes nothing
        assert user_by_email(world.emails["member"]) is not None
        assert user_by_email("mateus.new@example.org") is None

    response = client.submit(link)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = client.get("/account").get_data(as_text=True)
    assert "Your email address is now Mateus.New@Example.org." in page
    with app.app_context():
        user = db.session.get(User, world.user_ids["member"])
        assert (user.email, user.email_normalized) == ("Mateus.New@Example.org", "mateus.new@example.org")
        changed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.email_changed"))
        assert changed.actor_id == user.id and "member@example.org" in changed.summary

    client.submit("/logout")
    assert client.login(world.emails["member"]).status_code == 400
    assert client.login("mateus.new@example.org").status_code == 302


def test_email_confirmation_link_works_once(app, client, make_client, world, mailbox):
    client.login(world.emails["member"])
    change_email(client, "mateus.new@example.org")
    mailbox.deliver()
    link = mailbox.link_in(mailbox.to("mateus.new@example.org")[0], "/account/email/confirm/")
    anonymous = make_client()  # the link works from a device where the person is not logged in
    first = anonymous.submit(link)
    assert first.status_code == 302 and first.headers["Location"] == "/login"
    second = anonymous.submit(link)
    assert second.status_code == 400
    assert "This confirmation link has already been used." in second.get_data(as_text=True)
    with app.app_context():
        assert actions().count("user.email_changed") == 1


def test_forged_email_confirmation_link_is_refused(app, client, world):
    client.login(world.emails["member"])
    response = client.submit("/account/email/confirm/not-a-real-token")
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.user_ids["member"]).email == world.emails["member"]


@pytest.mark.parametrize("email, password, field, message", [
    ("OBSERVER@example.org", PASSWORD, "em-email", "Another account already uses this email address."),
    ("Member@Example.org", PASSWORD, "em-email", "That is already your email address."),
    ("mateus.new@example.org", "not my password", "em-password", "Your password is not right."),
    ("mateus.new at example.org", PASSWORD, "em-email", "Enter an email address like name@example.org."),
])
def test_email_change_request_is_refused_by_the_field(app, client, world, mailbox, email, password, field, message):
    client.login(world.emails["member"])
    response = change_email(client, email, password)
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert f'value="{email}"' in response.get_data(as_text=True)
    assert mailbox.deliver() == {"sent": 0, "failed": 0}


def test_address_taken_before_the_link_is_followed_is_refused(app, client, world, mailbox):
    client.login(world.emails["member"])
    change_email(client, "shared@example.org")
    mailbox.deliver()
    link = mailbox.link_in(mailbox.to("shared@example.org")[0], "/account/email/confirm/")
    with app.app_context():
        make_user("Shared@Example.org")
        db.session.commit()
    response = client.submit(link)
    assert response.status_code == 400
    assert "Another account now uses this email address" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.user_ids["member"]).email == world.emails["member"]
