"""Titles and names are one line wherever they come from (the services fold line breaks into spaces, for
the forms as for the command line and the demo), and a mail's headers are built so that nothing stored
can stop it: a title or name with a line break still gets its mail delivered, on one line."""

from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, update

from statements.accounts.models import User, WorkingGroup
from statements.drafts.models import Statement
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.mail.services import build_email
from tests.drafts.pages import stored_statement
from tests.signons.pages import sign

BROKEN_TITLE = "Loss and damage\nfor people\r\nwho move\u2028\rBcc: someone@example.org"
FOLDED_TITLE = "Loss and damage for people who move Bcc: someone@example.org"


def subject(message) -> str:
    return " ".join(message["Subject"].split())


# --- the services fold line breaks, whatever the way in ----------------------------------------------------------

def test_a_title_with_line_breaks_through_the_forms_is_stored_on_one_line(app, client, world):
    client.login(world.emails["coordinator"])
    response = client.submit(f"/groups/{world.group_id}/statements/new",
                             {"title": "Labour rights\r\nfor migrant\tworkers", "slug": "", "language": "en",
                              "summary": "", "text": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Statement.slug).where(Statement.title == "Labour rights for migrant workers")) \
            == "labour-rights-for-migrant-workers"
    response = client.submit(f"/statements/{world.statement_id}/details",
                             {"title": "Protection\nnow", "slug": "protection-now", "language": "en", "summary": ""})
    assert response.status_code == 302
    assert stored_statement(app, world.statement_id)["title"] == "Protection now"


def test_a_title_of_only_line_breaks_is_refused_as_empty(app, client, world):
    client.login(world.emails["coordinator"])
    response = client.submit(f"/statements/{world.statement_id}/details",
                             {"title": "\r\n\n", "slug": "x", "language": "en", "summary": ""})
    assert response.status_code == 400
    assert "Give the statement a title." in response.get_data(as_text=True)


def test_a_display_name_and_a_group_name_with_line_breaks_are_stored_on_one_line(app, client, make_client, world,
                                                                                 mailbox):
    client.login(world.emails["admin"])
    client.submit("/admin/invitations", {"email": "nadia@example.org", "group_id": world.group_id, "role": "member",
                                         "organization_id": 0})
    mailbox.deliver()
    link = mailbox.link_in(mailbox.to("nadia@example.org")[0], "/invitations/")
    response = make_client().submit(link, {"display_name": "Nadia\nHaddad\r\nBcc: x@example.org",
                                           "password": "olive tree at dawn", "confirm": "olive tree at dawn"})
    assert response.status_code == 302
    response = client.submit("/groups/new", {"name": "Migrant\r\nDomestic Workers", "description": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.display_name).where(User.email_normalized == "nadia@example.org")) \
            == "Nadia Haddad Bcc: x@example.org"
        assert db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.name == "Migrant Domestic Workers"))


def test_a_staff_account_made_on_the_command_line_gets_a_one_line_name(app):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["create-admin", "--email", "staff@example.org", "--name",
                                                    "Network\nStaff", "--password", "a long enough password"])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(User.display_name).where(User.email_normalized == "staff@example.org")) \
            == "Network Staff"


# --- what is already stored still gets its mail -----------------------------------------------------

def test_a_stored_title_with_a_line_break_still_gets_its_confirmation_mail(app, client, world, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    with app.app_context():  # stored before titles were kept to one line, or by another program
        db.session.execute(update(Statement).where(Statement.slug == world.signon_slug).values(title=BROKEN_TITLE))
        db.session.commit()
    response = sign(client, world.signon_slug, contact_email="maria@example.org")
    assert response.status_code == 302
    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    [message] = mailbox.messages
    assert message["To"] == "maria@example.org"
    assert subject(message) == f"Confirm your organization's signature: {FOLDED_TITLE}"
    assert message["Bcc"] is None
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_a_stored_display_name_with_a_line_break_still_gets_its_comment_mail(app, world, mailbox, make_client):
    with app.app_context():
        db.session.execute(update(User).where(User.id == world.user_ids["coordinator"])
                           .values(display_name="Coordinator\nPerson\r\nBcc: someone@example.org"))
        db.session.commit()
    member = make_client()
    member.login(world.emails["observer"])
    assert member.submit(f"/threads/{world.thread_id}/replies", {"body": "I agree."}).status_code == 302
    mailbox.deliver()
    mailbox.messages.clear()
    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    assert coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "Thanks."}).status_code == 302
    assert mailbox.deliver() == {"sent": 2, "failed": 0}
    for message in mailbox.messages:
        assert subject(message).startswith("Coordinator Person Bcc: someone@example.org replied in a thread")
        assert message["Bcc"] is None


@pytest.mark.parametrize("nasty", [
    "line\nbreak", "carriage\rreturn", "both\r\nBcc: a@example.org", "line\u2028separator", "next\x85line",
    "vertical\x0btab", "form\x0cfeed", "file\x1cseparator", "nul\x00here", "lone \ud800 surrogate",
    "é" * 400, "x" * 2000, "=?utf-8?q?encoded?=", "",
])
def test_no_subject_address_or_body_makes_building_a_message_raise(app, nasty):
    message = OutboxMessage(id=1, to_address=f"someone{nasty}@example.org", subject=f"About {nasty} today",
                            body_text=f"Hello {nasty}\n")
    built = build_email(message, f"Statements {nasty} <statements@example.org>")
    parsed = message_from_bytes(built.as_bytes(), policy=policy.default)
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])
    assert parsed["Bcc"] is None
    assert {name.lower() for name in parsed.keys()} <= {"from", "to", "subject", "message-id", "content-type",
                                                         "content-transfer-encoding", "mime-version"}
