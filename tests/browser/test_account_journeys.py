"""Journeys through accounts and working groups, in a real browser, with mail over real SMTP."""

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts import services
from statements.accounts.models import Invitation, Membership, User, WorkingGroup
from statements.audit.models import AuditEvent
from statements.core.db import utcnow
from statements.core.policy import Role
from statements.extensions import db
from tests.browser.conftest import PHONE, log_in, log_out
from tests.factories import PASSWORD

WRONG_LOGIN = "That email and password do not match an account. Check both, or reset your password."


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email_normalized == email.lower()))


def invitation_for(email: str) -> Invitation:
    return db.session.scalars(select(Invitation).where(Invitation.email == email)).one()


def flash(page):
    return page.locator(".flash")


# --- invitations ---------------------------------------------------------------------------------

def test_admin_invites_a_coordinator_who_accepts_logs_in_and_sees_the_group(app, page, new_context, world,
                                                                              mailbox, live_server):
    invitee = "Nadia.Okafor@Example.org"

    # staff send the invitation from the Invite page
    log_in(page, world.emails["admin"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite people")
    page.get_by_label("Email address of the person to invite").fill(invitee)
    page.get_by_label("Working group").select_option(label="Climate and Displacement")
    page.get_by_label("Role in the group").select_option(label="Coordinator")
    page.get_by_role("button", name="Send invitation").click()
    expect(flash(page)).to_have_text(f"Invitation sent to {invitee}. The link works for 7 days.")
    recent = page.locator("section", has=page.get_by_role("heading", name="Recent invitations")) \
        .locator("li").filter(has_text=invitee)
    expect(recent).to_have_count(1)
    expect(recent).to_contain_text("Climate and Displacement (coordinator)")
    expect(recent.locator(".badge")).to_have_text("Pending")

    with app.app_context():
        invitation = invitation_for(invitee)
        assert (invitation.email, invitation.group_id, invitation.role) == (invitee, world.group_id, "coordinator")
        assert invitation.accepted_at is None
        assert user_by_email(invitee) is None

    # the email arrives over SMTP with a link to this server
    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    [message] = mailbox.to(invitee)
    assert message["Subject"] == "You are invited to Climate and Displacement"
    assert f"{live_server}/invitations/" in mailbox.body(message)
    link = mailbox.link_in(message, "/invitations/")

    # the invitee opens it in their own browser
    theirs = new_context().new_page()
    theirs.goto(link)
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Welcome to Statements")
    expect(theirs.locator("main")).to_contain_text(
        f"Admin Person invited you to join Climate and Displacement as coordinator. "
        f"Your account will use {invitee}.")

    # a first try with two different passwords is refused next to the field, keeping the name
    theirs.get_by_label("Your name").fill("Nadia Okafor")
    theirs.get_by_label("Choose a password").fill("rivers and bridges")
    theirs.get_by_label("Type the password again").fill("rivers and bridge")
    theirs.get_by_role("button", name="Create my account").click()
    expect(theirs.get_by_role("alert")).to_have_text("Some answers need changing. Look for the messages below.")
    expect(theirs.locator("#confirm-error")).to_have_text("The two passwords are not the same. Type them again.")
    expect(theirs.get_by_label("Type the password again")).to_have_attribute("aria-invalid", "true")
    expect(theirs.get_by_label("Your name")).to_have_value("Nadia Okafor")
    with app.app_context():
        assert user_by_email(invitee) is None

    theirs.get_by_label("Choose a password").fill("rivers and bridges")
    theirs.get_by_label("Type the password again").fill("rivers and bridges")
    theirs.get_by_role("button", name="Create my account").click()

    # they land in their group, as its coordinator, with the controls a coordinator has
    expect(theirs).to_have_url(f"{live_server}/groups/{world.group_id}")
    expect(flash(theirs)).to_have_text("Welcome, Nadia Okafor. Your account is ready.")
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Climate and Displacement")
    own_row = theirs.get_by_role("row").filter(has_text="Nadia Okafor (you)")
    expect(own_row.locator(".badge")).to_have_text("Coordinator")
    expect(theirs.get_by_role("heading", name="Add someone who already has an account")).to_be_visible()

    with app.app_context():
        user = user_by_email(invitee)
        assert user.display_name == "Nadia Okafor" and user.email == invitee and not user.is_admin
        assert user.check_password("rivers and bridges")
        assert [(m.group_id, m.role) for m in user.memberships] == [(world.group_id, "coordinator")]
        assert db.session.get(Invitation, invitation.id).accepted_at is not None

    # later they log in again with what they chose
    log_out(theirs)
    expect(flash(theirs)).to_have_text("You are logged out.")
    log_in(theirs, invitee.lower(), "rivers and bridges")
    expect(flash(theirs)).to_have_text("Welcome, Nadia Okafor.")
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Hello, Nadia Okafor")
    card = theirs.locator(".card").filter(has_text="Climate and Displacement")
    expect(card).to_contain_text("You are coordinator here.")
    card.get_by_role("link", name="Climate and Displacement").click()
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Climate and Displacement")

    # the link does not work twice, and staff see the invitation accepted
    theirs.goto(link)
    expect(theirs.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(theirs.locator("main")).to_contain_text("This invitation has already been used.")
    page.reload()
    expect(recent.locator(".badge")).to_have_text("Accepted")


@pytest.mark.parametrize("how", ["the link is older than the invitation period", "its end date has passed"])
def test_an_expired_invitation_says_so_and_what_to_do(app, page, world, mailbox, monkeypatch, how):
    email = "late.reader@example.org"
    with app.test_request_context():
        admin = user_by_email(world.emails["admin"])
        group = db.session.get(WorkingGroup, world.group_id)
        if how == "its end date has passed":
            invitation = services.invite(admin, email, group, Role.MEMBER)
        else:
            with monkeypatch.context() as eight_days_ago:  # the link is signed as if sent then
                signed_at = int(time.time()) - 8 * 24 * 3600
                eight_days_ago.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)
                invitation = services.invite(admin, email, group, Role.MEMBER)
            invitation.created_at = utcnow() - timedelta(days=8)
        invitation.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    mailbox.deliver()
    link = mailbox.link_in(mailbox.to(email)[0], "/invitations/")

    response = page.goto(link)
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(page.locator("main")).to_contain_text(
        "This invitation has expired. Ask network staff to send you a new one.")
    expect(page.get_by_role("button", name="Create my account")).to_have_count(0)
    with app.app_context():
        assert user_by_email(email) is None
        assert invitation_for(email).accepted_at is None


# --- logging in ----------------------------------------------------------------------------------

def test_a_wrong_password_is_refused_clearly_and_the_right_one_works(app, page, world):
    email = world.emails["member"]
    log_in(page, email, "correct horse battery staple")

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_role("alert")).to_have_text("Some answers need changing. Look for the messages below.")
    expect(page.locator("#password-error")).to_have_text(WRONG_LOGIN)
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_label("Email address")).to_have_value(email)
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    with app.app_context():
        assert user_by_email(email).last_login_at is None
    page.goto("/groups")  # still logged out
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(flash(page)).to_have_text("Log in to see this page.")

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/groups$"))  # back where they were going
    expect(flash(page)).to_have_text("Welcome, Member Person.")
    with app.app_context():
        assert user_by_email(email).last_login_at is not None


def test_forgotten_password_is_reset_by_email_and_the_new_one_logs_in(app, page, world, mailbox, live_server):
    email = world.emails["member"]
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("Email address").fill("Member@Example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(flash(page)).to_contain_text("If an account uses that address, we have sent it a link")

    assert mailbox.deliver()["sent"] == 1
    [message] = mailbox.to(email)
    assert message["Subject"] == "Reset your Statements password"
    assert f"{live_server}/password/reset/" in mailbox.body(message)
    link = mailbox.link_in(message, "/password/reset/")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    expect(page.locator("main")).to_contain_text(f"For the account {email}.")
    page.get_by_label("New password").fill("too short")
    page.get_by_label("Type the password again").fill("too short")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("#password-error")).to_have_text("Use at least 10 characters (and at most 200).")
    with app.app_context():
        assert user_by_email(email).check_password(PASSWORD)

    page.get_by_label("New password").fill("a river in the hills")
    page.get_by_label("Type the password again").fill("a river in the hills")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(flash(page)).to_have_text("Your password is changed. Log in with it now.")
    with app.app_context():
        user = user_by_email(email)
        assert user.check_password("a river in the hills") and not user.check_password(PASSWORD)
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
        assert actions.count("user.password_reset") == 1

    log_in(page, email, PASSWORD)
    expect(page.locator("#password-error")).to_have_text(WRONG_LOGIN)
    log_in(page, email, "a river in the hills")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Member Person")

    page.goto(link)  # a reset link works once
    expect(page.locator("main")).to_contain_text("This reset link has already been used.")


def test_asking_for_a_reset_of_an_unknown_address_looks_the_same_and_sends_nothing(page, world, mailbox):
    page.goto("/password/forgot")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(flash(page)).to_contain_text("If an account uses that address, we have sent it a link")
    assert mailbox.deliver() == {"sent": 0, "failed": 0}
    assert mailbox.messages == []


# --- roles in a group ----------------------------------------------------------------------------

def test_a_coordinator_changes_a_members_role_from_the_group_page(app, page, world):
    page.set_viewport_size(PHONE)  # a busy coordinator, on the phone
    log_in(page, world.emails["coordinator"])
    page.get_by_role("link", name="Climate and Displacement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Climate and Displacement")

    row = page.get_by_role("row").filter(has_text="Member Person")
    expect(row.locator(".badge")).to_have_text("Member")
    row.get_by_label("Role of Member Person").select_option(label="Observer")
    row.get_by_role("button", name="Save role").click()

    expect(flash(page)).to_have_text("Member Person is now observer in Climate and Displacement.")
    expect(page.get_by_role("row").filter(has_text="Member Person").locator(".badge")).to_have_text("Observer")
    with app.app_context():
        membership = db.session.get(Membership, world.membership_ids["member"])
        assert membership.role == "observer"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.role_changed"))
        assert event.actor.email == world.emails["coordinator"]
        assert event.details == {"user": membership.user_id, "old": "member", "new": "observer"}

    # the only coordinator cannot step down and leave the group without one
    own_row = page.get_by_role("row").filter(has_text="(you)")
    own_row.get_by_label("Role of Coordinator Person").select_option(label="Member")
    own_row.get_by_role("button", name="Save role").click()
    expect(page.locator("main")).to_contain_text(
        "A group needs a coordinator. Make someone else coordinator first.")
    with app.app_context():
        assert db.session.get(Membership, world.membership_ids["coordinator"]).role == "coordinator"


def test_an_observer_sees_the_group_without_management_controls(page, world):
    log_in(page, world.emails["observer"])
    page.goto(f"/groups/{world.group_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Climate and Displacement")
    expect(page.get_by_role("row")).to_have_count(4)  # a header and three members
    expect(page.get_by_role("button", name="Save role")).to_have_count(0)
    expect(page.locator("main").get_by_role("combobox")).to_have_count(0)  # the footer has the language switcher
    expect(page.get_by_role("heading", name="Add someone who already has an account")).to_have_count(0)
