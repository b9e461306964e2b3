"""The outbox: mail waits in the database, is delivered with retries, and never blocks what people do."""

import socket
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, update

from statements.accounts.models import Invitation
from statements.core.db import utcnow
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.mail.services import MAX_ATTEMPTS, start_background_sender
from tests.factories import PASSWORD


def closed_port() -> int:
    """Return a loopback port with nothing listening on it: an SMTP server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_command(app, *args):
    """Run a flask command the way the flask program does: inside an application context."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def ask_for_reset(client, email: str):
    response = client.submit("/password/forgot", {"email": email})
    assert response.status_code == 302
    return response


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def make_due_now():
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()


def test_mail_waits_while_the_server_is_down_and_goes_out_once_it_is_back(app, client, world, mailbox, monkeypatch):
    ask_for_reset(client, world.emails["member"])
    server_port = app.config["SMTP_PORT"]
    monkeypatch.setitem(app.config, "SMTP_PORT", closed_port())

    before = utcnow()
    assert mailbox.deliver() == {"sent": 0, "failed": 1}
    with app.app_context():
        [message] = outbox()
        assert (message.status, message.attempts, message.sent_at) == ("pending", 1, None)
        assert "ConnectionRefusedError" in message.last_error
        assert before + timedelta(seconds=50) < message.next_attempt_at <= utcnow() + timedelta(minutes=1)

    assert mailbox.deliver() == {"sent": 0, "failed": 0}  # not retried before its time

    with app.app_context():
        make_due_now()
    assert mailbox.deliver() == {"sent": 0, "failed": 1}
    with app.app_context():
        [message] = outbox()
        assert message.attempts == 2
        assert message.next_attempt_at > utcnow() + timedelta(seconds=110)  # waits longer after each failure

    monkeypatch.setitem(app.config, "SMTP_PORT", server_port)
    assert mailbox.deliver() == {"sent": 0, "failed": 0}
    assert mailbox.messages == []
    with app.app_context():
        make_due_now()
    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    [delivered] = mailbox.to(world.emails["member"])
    assert delivered["Subject"] == "Reset your Statements password"
    assert delivered["From"] == app.config["MAIL_FROM"]
    with app.app_context():
        [message] = outbox()
        assert (message.status, message.attempts) == ("sent", 3)
        assert message.sent_at is not None
    assert mailbox.deliver() == {"sent": 0, "failed": 0}  # sent once only
    assert len(mailbox.messages) == 1


def test_delivery_gives_up_after_the_last_attempt(app, client, world, mailbox, monkeypatch):
    ask_for_reset(client, world.emails["member"])
    monkeypatch.setitem(app.config, "SMTP_PORT", closed_port())
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with app.app_context():
            make_due_now()
        assert mailbox.deliver() == {"sent": 0, "failed": 1}
        with app.app_context():
            [message] = outbox()
            assert message.attempts == attempt
            assert message.status == ("failed" if attempt == MAX_ATTEMPTS else "pending")

    monkeypatch.undo()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    with app.app_context():
        make_due_now()
    assert mailbox.deliver() == {"sent": 0, "failed": 0}  # a message given up on is not sent any more
    assert mailbox.messages == []
    with app.app_context():
        [message] = outbox()
        assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
        assert message.last_error


def test_one_failing_message_does_not_hold_up_the_others(app, client, world, mailbox):
    ask_for_reset(client, world.emails["member"])
    ask_for_reset(client, world.emails["observer"])
    refused = world.emails["member"]

    async def refuse_one_mailbox(server, session, envelope, address, options):
        if address == refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    mailbox.handle_RCPT = refuse_one_mailbox  # the server takes the other mail but not this one
    counts = mailbox.deliver()
    assert counts == {"sent": 1, "failed": 1}
    assert [m["To"] for m in mailbox.messages] == [world.emails["observer"]]
    with app.app_context():
        assert [(m.status, m.attempts) for m in outbox()] == [("pending", 1), ("sent", 1)]
        assert "No such mailbox here" in outbox()[0].last_error


@pytest.mark.parametrize("recipient, reason", [
    ("", "it has no recipient address"),
    ("   ", "it has no recipient address"),
    ("member@example.org\r\nBcc: everyone@example.net", "its recipient address contains a line break"),
    ("member@example.org\nBcc: everyone@example.net", "its recipient address contains a line break"),
    ("member.example.org", "is not valid"),
    ("Member <member@example.org>, other@example.org", "is not valid"),
])
def test_a_message_without_a_valid_recipient_fails_at_once_and_is_never_sent(app, client, world, mailbox,
                                                                             recipient, reason):
    ask_for_reset(client, world.emails["member"])
    ask_for_reset(client, world.emails["observer"])
    with app.app_context():
        first = outbox()[0]
        first.to_address = recipient
        db.session.commit()
    assert mailbox.deliver() == {"sent": 1, "failed": 1}
    assert [m["To"] for m in mailbox.messages] == [world.emails["observer"]]  # nothing went anywhere else
    with app.app_context():
        refused, sent = outbox()
        assert (refused.status, refused.attempts, refused.sent_at) == ("failed", 0, None)  # no delivery was tried
        assert refused.last_error.startswith("Not sent: ") and reason in refused.last_error
        assert (sent.status, sent.attempts) == ("sent", 1)
        make_due_now()
    assert mailbox.deliver() == {"sent": 0, "failed": 0}  # it is not tried again
    assert len(mailbox.messages) == 1


def test_without_an_smtp_server_mail_is_written_as_readable_files(app, client, world, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path / "sent-mail"))
    ask_for_reset(client, world.emails["member"])
    with app.app_context():
        from statements.mail.services import deliver_pending

        assert deliver_pending() == {"sent": 1, "failed": 0}
    [file] = (tmp_path / "sent-mail").glob("*.eml")
    message = message_from_bytes(file.read_bytes(), policy=policy.default)
    assert message["To"] == world.emails["member"]
    assert message["Subject"] == "Reset your Statements password"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Member Person," in body
    link = next(word for word in body.split() if "/password/reset/" in word)
    assert client.get(link.replace(app.config["BASE_URL"], "")).status_code == 200  # the link in the file works


def test_mail_send_command_delivers_the_outbox(app, client, world, mailbox):
    ask_for_reset(client, world.emails["member"])
    ask_for_reset(client, world.emails["observer"])
    result = flask_command(app, "mail", "send")
    assert result.exit_code == 0, result.output
    assert "sent 2, failed 0" in result.output
    assert sorted(m["To"] for m in mailbox.messages) == sorted([world.emails["member"], world.emails["observer"]])
    again = flask_command(app, "mail", "send")
    assert "sent 0, failed 0" in again.output
    assert len(mailbox.messages) == 2


def test_mail_send_command_reports_failures(app, client, world, mailbox, monkeypatch):
    ask_for_reset(client, world.emails["member"])
    monkeypatch.setitem(app.config, "SMTP_PORT", closed_port())
    result = flask_command(app, "mail", "send")
    assert result.exit_code == 0, result.output
    assert "sent 0, failed 1" in result.output


def test_what_people_do_succeeds_even_when_mail_cannot_be_sent(app, client, make_client, world, mailbox,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_PORT", closed_port())
    client.login(world.emails["admin"])
    response = client.submit("/admin/invitations", {"email": "nadia@example.org", "group_id": world.group_id,
                                                    "role": "member", "organization_id": 0})
    assert response.status_code == 302
    assert "Invitation sent to nadia@example.org" in client.get("/admin/invitations").get_data(as_text=True)
    assert mailbox.deliver() == {"sent": 0, "failed": 1}

    visitor = make_client()
    response = ask_for_reset(visitor, world.emails["member"])
    assert response.headers["Location"] == "/login"
    assert "we have sent it a link" in visitor.get("/login").get_data(as_text=True)

    member = make_client()
    member.login(world.emails["member"])
    response = member.submit("/account/email", {"em-email": "new.member@example.org", "em-password": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Invitation).where(Invitation.email_normalized == "nadia@example.org"))
        assert sorted(m.to_address for m in outbox()) == sorted(["nadia@example.org", world.emails["member"],
                                                                 "new.member@example.org", world.emails["member"]])


def test_in_process_sender_delivers_in_the_background(app, client, world, mailbox):
    thread = start_background_sender(app, interval_seconds=0.05)
    try:
        ask_for_reset(client, world.emails["member"])
        deadline = time.monotonic() + 10
        while not mailbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        app.extensions["statements.mail_stop"].set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert [m["To"] for m in mailbox.messages] == [world.emails["member"]]
    with app.app_context():
        assert [m.status for m in outbox()] == ["sent"]


def test_a_commit_wakes_the_sender_only_for_mail_it_stored(app, monkeypatch):
    from statements.core import jobs
    from statements.mail import services as mail

    asked = []
    monkeypatch.setattr(jobs, "enqueue", lambda path, *args, **options: asked.append(path) or True)
    with app.app_context():
        mail.queue_mail_written_at_delivery("someone@example.org", "signon_confirm", signon=0)
        db.session.rollback()  # never stored
        db.session.commit()
        assert asked == []
        mail.queue_mail_written_at_delivery("someone@example.org", "signon_confirm", signon=0)
        with db.session.begin_nested():
            db.session.execute(select(1))
        try:
            with db.session.begin_nested():
                raise RuntimeError("a savepoint rolled back")
        except RuntimeError:
            pass
        db.session.commit()  # the mail queued before the savepoint is stored: the sender is asked
        assert asked == ["statements.mail.services.deliver_pending"]
