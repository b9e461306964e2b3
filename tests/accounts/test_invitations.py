"""Invitations, from the staff form to the invitee's first page in their working group."""

import re
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, func, select

from statements.accounts.models import Invitation, Membership, User
from statements.audit.models import AuditEvent
from statements.core.db import utcnow
from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.factories import PASSWORD

NEW_PASSWORD = "olive tree at dawn"
ALREADY_USED = "This invitation has already been used"


def invite(client, world, email="nadia.haddad@example.org", role="member", group_id=None, **extra):
    data = {"email": email, "group_id": world.group_id if group_id is None else group_id, "role": role,
            "organization_id": 0, **extra}
    return client.submit("/admin/invitations", data)


def accept(client, link, name="Nadia Haddad", password=NEW_PASSWORD, confirm=None):
    return client.submit(link, {"display_name": name, "password": password,
                                "confirm": password if confirm is None else confirm})


def invitation_link(client, world, mailbox, email="nadia.haddad@example.org", **kwargs):
    """Log in as staff, invite someone, deliver the mail and return the link in it."""
    client.login(world.emails["admin"])
    assert invite(client, world, email, **kwargs).status_code == 302
    mailbox.deliver()
    return mailbox.link_in(mailbox.to(email)[-1], "/invitations/")


def field_error(response, field: str) -> str:
    """Return the message shown next to a form field, or "" when there is none."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', response.get_data(as_text=True))
    return found.group(1) if found else ""


def invitation_for(email: str = "nadia.haddad@example.org") -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.email_normalized == email))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def mail_to(address: str) -> int:
    return count(OutboxMessage, func.lower(OutboxMessage.to_address) == address.lower())


def actions() -> list[str]:
    """Return the audit log's account events, oldest first."""
    query = select(AuditEvent.action).where(AuditEvent.action.startswith("invitation.")
                                            | AuditEvent.action.startswith("membership."))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_invited_person_joins_the_group_with_the_role_given(app, client, make_client, world, mailbox):
    client.login(world.emails["admin"])
    response = invite(client, world, "Nadia.Haddad@Example.org", role="coordinator")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation sent to Nadia.Haddad@Example.org. The link works for 7 days." in page

    with app.app_context():  # the invitation, its mail and its audit event are stored together
        invitation = invitation_for()
        assert invitation.email == "Nadia.Haddad@Example.org"
        assert (invitation.group_id, invitation.role, invitation.status) == (world.group_id, "coordinator", "pending")
        [queued] = db.session.scalars(select(OutboxMessage)).all()
        assert (queued.to_address, queued.status) == ("Nadia.Haddad@Example.org", "pending")
        assert actions() == ["invitation.sent"]

    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    [message] = mailbox.to("Nadia.Haddad@Example.org")
    assert message["Subject"] == "You are invited to Climate and Displacement"
    assert 'to join the working group "Climate and Displacement" as coordinator' in mailbox.body(message)
    link = mailbox.link_in(message, "/invitations/")

    invitee = make_client()
    form = invitee.get(link).get_data(as_text=True)
    assert "Admin Person invited you" in form
    assert "Nadia.Haddad@Example.org" in form
    response = accept(invitee, link, name="  Nadia Haddad  ")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/groups/{world.group_id}"
    group_page = invitee.get(f"/groups/{world.group_id}").get_data(as_text=True)
    assert "Welcome, Nadia Haddad. Your account is ready." in group_page
    assert "Nadia Haddad <span class=\"muted\">(you)</span>" in group_page
    assert "Save role" in group_page  # a coordinator manages the members
    assert "You are coordinator here" in invitee.get("/").get_data(as_text=True)

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email_normalized == "nadia.haddad@example.org"))
        assert (user.display_name, user.email, user.is_admin) == ("Nadia Haddad", "Nadia.Haddad@Example.org", False)
        assert [(m.group_id, m.role) for m in user.memberships] == [(world.group_id, "coordinator")]
        assert invitation_for().status == "accepted"
        accepted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.accepted"))
        assert (accepted.actor_id, accepted.group_id) == (user.id, world.group_id)
        assert actions() == ["invitation.sent", "invitation.accepted"]

    invitee.submit("/logout")
    assert invitee.login("nadia.haddad@example.org", NEW_PASSWORD).status_code == 302


def test_invitation_to_staff_without_a_group_lands_on_the_home_page(app, client, make_client, world, mailbox):
    link = invitation_link(client, world, mailbox, "amara@example.org", group_id=0, make_admin="y")
    invitee = make_client()
    response = accept(invitee, link, name="Amara Okafor")
    assert response.headers["Location"] == "/"
    page = invitee.get("/").get_data(as_text=True)
    assert "You are not in a working group yet" not in page  # staff get the network's to-do list instead
    assert "What needs you across the network" in page and "See all working groups" in page
    assert "Audit log" in page  # staff see the staff pages
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email_normalized == "amara@example.org"))
        assert user.is_admin and user.memberships == []


def test_invitation_and_its_mail_are_stored_together_or_not_at_all(app, client, world):
    def refuse(mapper, connection, target):
        raise RuntimeError("the outbox is unavailable")

    client.login(world.emails["admin"])
    event.listen(OutboxMessage, "before_insert", refuse)
    try:
        response = invite(client, world)
    finally:
        event.remove(OutboxMessage, "before_insert", refuse)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Invitation, Invitation.email_normalized != "invitee@example.org") == 0
        assert mail_to("nadia.haddad@example.org") == 0
        assert actions() == []


def test_expired_invitation_is_refused_with_what_to_do(app, client, make_client, world, mailbox):
    link = invitation_link(client, world, mailbox)
    with app.app_context():
        invitation_for().expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    invitee = make_client()
    for response in (invitee.get(link), accept(invitee, link)):
        assert response.status_code == 400
        assert "This invitation has expired. Ask network staff to send you a new one." in response.get_data(as_text=True)
    assert "Expired" in client.get("/admin/invitations").get_data(as_text=True)
    with app.app_context():
        assert count(User, User.email_normalized == "nadia.haddad@example.org") == 0


def test_accept_form_sent_twice_creates_one_account(app, client, make_client, world, mailbox):
    link = invitation_link(client, world, mailbox)
    invitee, same_browser = make_client(), make_client()
    token = invitee.csrf_token()
    # the second press leaves before the answer to the first arrives: it carries the cookie from before
    same_browser.set_cookie("session", invitee.get_cookie("session").value)
    form = {"display_name": "Nadia Haddad", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    first = invitee.post(link, data=form)
    second = same_browser.post(link, data=form)
    assert first.status_code == 302
    assert second.status_code == 400
    assert ALREADY_USED in second.get_data(as_text=True)
    assert "Log in with the email it was sent to" in second.get_data(as_text=True)
    assert make_client().get(link).status_code == 400
    with app.app_context():
        assert count(User, User.email_normalized == "nadia.haddad@example.org") == 1
        assert count(Membership, Membership.group_id == world.group_id) == 4
        assert actions().count("invitation.accepted") == 1


@pytest.mark.parametrize("tamper", ["change a character", "other key", "other purpose"])
def test_forged_or_tampered_link_is_refused(app, client, make_client, world, mailbox, tamper):
    link = invitation_link(client, world, mailbox)
    token = link.rsplit("/", 1)[1]
    if tamper == "change a character":
        token = token[:3] + ("A" if token[3] != "A" else "B") + token[4:]
    elif tamper == "other key":
        with app.app_context():
            invitation_id = invitation_for().id
        token = URLSafeTimedSerializer("guessed-secret", salt="statements:invitation").dumps(
            {"invitation": invitation_id, "email": "nadia.haddad@example.org"})
    else:
        with app.test_request_context():
            from statements.core.tokens import make_token

            user_id = db.session.scalar(select(User.id).where(User.email_normalized == world.emails["member"]))
            token = make_token("password-reset", {"user": user_id, "invitation": 1})
    invitee = make_client()
    for response in (invitee.get(f"/invitations/{token}"), accept(invitee, f"/invitations/{token}")):
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "This link is not valid" in page
        assert "ask for a new one" in page
    with app.app_context():
        assert count(User, User.email_normalized == "nadia.haddad@example.org") == 0
        assert invitation_for().status == "pending"


def test_staff_revoke_an_invitation_and_its_link_stops_working(app, client, make_client, world, mailbox):
    link = invitation_link(client, world, mailbox)
    with app.app_context():
        invitation_id = invitation_for().id
    response = client.submit(f"/admin/invitations/{invitation_id}/revoke")
    assert response.status_code == 302
    page = client.get("/admin/invitations").get_data(as_text=True)
    assert "The invitation for nadia.haddad@example.org no longer works." in page
    assert "Revoked" in page

    invitee = make_client()
    for response in (invitee.get(link), accept(invitee, link)):
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "This invitation was withdrawn by network staff" in text
        assert "replaced by a newer one" not in text

    again = client.submit(f"/admin/invitations/{invitation_id}/revoke")
    assert again.status_code == 400
    assert "This invitation is already revoked." in again.get_data(as_text=True)
    assert client.submit("/admin/invitations/999999/revoke").status_code == 404
    with app.app_context():
        assert count(User, User.email_normalized == "nadia.haddad@example.org") == 0
        revoked = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.revoked"))
        assert (revoked.subject_id, revoked.group_id) == (invitation_id, world.group_id)


def test_a_new_invitation_replaces_the_older_one(app, client, make_client, world, mailbox):
    first_link = invitation_link(client, world, mailbox, "nadia.haddad@example.org", role="observer")
    assert invite(client, world, "NADIA.HADDAD@example.org", role="member").status_code == 302
    mailbox.deliver()
    second_link = mailbox.link_in(mailbox.to("NADIA.HADDAD@example.org")[0], "/invitations/")

    invitee = make_client()
    old = invitee.get(first_link)
    assert old.status_code == 400
    assert "This invitation was replaced by a newer one. Use the link in the latest email" in old.get_data(as_text=True)
    assert accept(invitee, second_link).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email_normalized == "nadia.haddad@example.org"))
        assert [m.role for m in user.memberships] == ["member"]
        statuses = db.session.scalars(select(Invitation.id).where(Invitation.email_normalized == "nadia.haddad@example.org"))
        assert sorted(db.session.get(Invitation, i).status for i in statuses) == ["accepted", "revoked"]


def test_inviting_an_existing_account_adds_them_to_the_group(app, client, world, mailbox):
    client.login(world.emails["admin"])
    response = invite(client, world, "  Outsider@EXAMPLE.org ", role="observer")
    assert response.status_code == 302
    page = client.get("/admin/invitations").get_data(as_text=True)
    assert "Outsider Person already had an account and is now observer in Climate and Displacement." in page
    mailbox.deliver()
    [message] = mailbox.to(world.emails["outsider"])
    assert message["Subject"] == "You were added to Climate and Displacement"
    with app.app_context():
        assert count(Invitation, Invitation.email_normalized != "invitee@example.org") == 0
        outsider = db.session.scalar(select(User).where(User.email_normalized == world.emails["outsider"]))
        assert sorted((m.group_id, m.role) for m in outsider.memberships) == sorted(
            [(world.other_group_id, "coordinator"), (world.group_id, "observer")])
        assert actions() == ["membership.added"]


def test_inviting_an_existing_account_without_a_group_is_refused_by_the_field(app, client, world, mailbox):
    client.login(world.emails["admin"])
    response = invite(client, world, "MEMBER@example.org", group_id=0)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(response, "email") == ("MEMBER@example.org already has an account. "
                                              "Choose a working group to add them to.")
    assert 'value="MEMBER@example.org"' in page
    with app.app_context():
        assert count(Invitation, Invitation.email_normalized != "invitee@example.org") == 0
        assert mail_to("member@example.org") == 0
        assert actions() == []


@pytest.mark.parametrize("field, data, message", [
    ("email", {"email": "n" * 250 + "@example.org"}, "An email address can be at most 254 characters."),
    ("email", {"email": "nadia at example.org"}, "Enter an email address like name@example.org."),
    ("email", {"email": ""}, "Enter an email address."),
    ("group_id", {"group_id": 999999}, "Not a valid choice."),
    ("role", {"role": "owner"}, "Not a valid choice."),
])
def test_bad_invitation_form_is_refused_by_the_field(app, client, world, field, data, message):
    client.login(world.emails["admin"])
    form = {"email": "nadia.haddad@example.org", "group_id": world.group_id, "role": "member", "organization_id": 0}
    response = client.submit("/admin/invitations", {**form, **data})
    assert response.status_code == 400
    assert message in field_error(response, field)
    with app.app_context():
        assert count(Invitation, Invitation.email_normalized != "invitee@example.org") == 0
        assert mail_to("nadia.haddad@example.org") == 0


@pytest.mark.parametrize("name, password, confirm, field, message", [
    ("N" * 121, NEW_PASSWORD, None, "display_name", "Use at most 120 characters."),
    ("", NEW_PASSWORD, None, "display_name", "Enter the name other members will see."),
    ("   ", NEW_PASSWORD, None, "display_name", "Enter the name other members will see."),
    ("Nadia Haddad", "p" * 201, None, "password", "Use at least 10 characters (and at most 200)."),
    ("Nadia Haddad", "short", None, "password", "Use at least 10 characters (and at most 200)."),
])
def test_bad_accept_form_is_refused_by_the_field(app, client, make_client, world, mailbox, name, password, confirm,
                                                 field, message):
    link = invitation_link(client, world, mailbox)
    invitee = make_client()
    response = accept(invitee, link, name=name, password=password, confirm=confirm)
    page = response.get_data(as_text=True)
    assert message in field_error(response, field)
    assert "Create my account" in page
    assert invitee.get("/groups").status_code == 302  # not logged in
    with app.app_context():
        assert count(User, User.email_normalized == "nadia.haddad@example.org") == 0
        assert invitation_for().status == "pending"
    assert accept(invitee, link).status_code == 302  # the link still works once the form is right


def test_mismatched_passwords_come_back_with_the_name_kept(app, client, make_client, world, mailbox):
    link = invitation_link(client, world, mailbox)
    invitee = make_client()
    response = accept(invitee, link, name="Nadia Haddad", password=NEW_PASSWORD, confirm="olive tree at dusk")
    page = response.get_data(as_text=True)
    assert 'value="Nadia Haddad"' in page
    assert field_error(response, "confirm") == "The two passwords are not the same. Type them again."
    assert field_error(response, "display_name") == "" and field_error(response, "password") == ""
    assert NEW_PASSWORD not in page and "olive tree at dusk" not in page  # passwords are never echoed
    with app.app_context():
        assert count(User, User.email_normalized == "nadia.haddad@example.org") == 0


@pytest.mark.parametrize("role", ["coordinator", "member", "observer", "outsider"])
def test_only_staff_can_invite(app, client, world, role):
    client.login(world.emails[role])
    assert client.get("/admin/invitations").status_code == 403
    assert invite(client, world).status_code == 403
    assert client.submit(f"/admin/invitations/{world.invitation_id}/revoke").status_code == 403
    with app.app_context():
        assert count(Invitation, Invitation.email_normalized != "invitee@example.org") == 0
        assert mail_to("nadia.haddad@example.org") == 0
        assert db.session.get(Invitation, world.invitation_id).status == "pending"


def test_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get("/admin/invitations")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert client.submit("/admin/invitations", {"email": "x@example.org"}).status_code == 302


def test_logged_in_member_following_someone_elses_invitation_becomes_the_invitee(app, client, make_client, world,
                                                                                  mailbox):
    link = invitation_link(client, world, mailbox)
    shared_computer = make_client()
    shared_computer.login(world.emails["member"], PASSWORD)
    assert accept(shared_computer, link).status_code == 302
    assert "Hello, Nadia Haddad" in shared_computer.get("/").get_data(as_text=True)


def test_invite_link_from_a_group_page_chooses_that_group(client, world):
    client.login(world.emails["admin"])
    page = client.get(f"/admin/invitations?group={world.group_id}").get_data(as_text=True)
    assert f'<option selected value="{world.group_id}">' in page or f'<option value="{world.group_id}" selected>' in page
    for odd in ("%C2%B2", "abc", "99999999999999999999999", "-1"):
        response = client.get(f"/admin/invitations?group={odd}")
        assert response.status_code == 200, odd
        assert "New invitation" in response.get_data(as_text=True)
