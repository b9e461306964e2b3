"""Staff's outbox page: mail that failed, waits or was sent lately, each with what became of it in plain words;
a failed email tried again (and delivered to a real SMTP server on loopback) or discarded, and one discarded by
mistake sent after all, each audited."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from statements.audit.models import AuditEvent
from statements.core.db import utcnow
from statements.extensions import db
from statements.mail import services as mail
from statements.mail.models import OutboxMessage
from tests.factories import add_failed_mail
from tests.signons.pages import flashes, plain

REFUSED = "SMTPRecipientsRefused: {'gone@example.net': (550, b'5.1.1 No such user')}"


@pytest.fixture
def staff(make_client, world):
    client = make_client()
    client.login(world.emails["admin"])
    return client


@pytest.fixture
def outbox(app, world):
    """One email of each kind: failed, being retried, waiting, stuck, sent lately, sent long ago, discarded."""
    with app.app_context():
        now = utcnow()
        ids = {
            "failed": add_failed_mail("unreachable@example.net", "Your sign-on is confirmed"),
            "retrying": add_failed_mail("gone@example.net", "A comment mentions you", attempts=3, error=REFUSED,
                                        status="pending", next_attempt_at=now + timedelta(minutes=4)),
            "waiting": add_failed_mail("new@example.org", "Your account is ready", attempts=0, error=None,
                                       status="pending"),
            "stuck": add_failed_mail("late@example.org", "Daily digest", attempts=0, error=None, status="pending",
                                     next_attempt_at=now - timedelta(hours=2)),
            "sent": add_failed_mail("done@example.org", "Sent lately", attempts=1, error=None, status="sent",
                                    sent_at=now - timedelta(days=1)),
            "old": add_failed_mail("old@example.org", "Sent long ago", attempts=1, error=None, status="sent",
                                   sent_at=now - timedelta(days=30)),
            "discarded": add_failed_mail("dropped@example.org", "Dropped", status="discarded"),
        }
        return ids


def status_of(app, message_id: int) -> tuple[str, int]:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        return message.status, message.attempts


def audit_actions(app) -> list[tuple[str, int, str]]:
    with app.app_context():
        return [(e.action, e.subject_id, e.summary) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith("mail.")).order_by(AuditEvent.id))]


def listed(page: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split('id="message-')[1:]]


def test_failing_mail_is_listed_with_what_went_wrong_in_plain_words(staff, outbox):
    response = staff.get("/admin/mail")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert listed(page) == [str(outbox["retrying"]), str(outbox["failed"])]  # newest first
    words = plain(page)
    assert "Failing (2)" in words and "Waiting (2)" in words and "Sent in the last 7 days (1)" in words
    assert "unreachable@example.net Failed" in words and "Your sign-on is confirmed" in words
    assert "8 attempts" in words and "3 attempts" in words
    assert "The mail server could not be reached." in words
    assert "The mail server refused the recipient's address." in words
    assert "gone@example.net Being tried again" in words
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in words  # under "What the mail server said"
    for other in ("Dropped", "Sent lately", "Your account is ready"):
        assert other not in words, words[words.index(other) - 200:words.index(other) + 50]


def test_waiting_and_sent_mail_are_listed_apart(staff, outbox):
    waiting = staff.get("/admin/mail?show=waiting").get_data(as_text=True)
    assert listed(waiting) == [str(outbox["stuck"]), str(outbox["waiting"])]  # oldest first: the next to go
    words = plain(waiting)
    assert "late@example.org Waiting Stuck" in words and "no sender took it" in words
    sent = staff.get("/admin/mail?show=sent").get_data(as_text=True)
    assert listed(sent) == [str(outbox["sent"])] and "Try again now" not in plain(sent)


@pytest.mark.parametrize("show", ["", "everything", "failing'><script>", "ﬁ" * 3000])
def test_an_unknown_list_shows_the_failing_mail(staff, outbox, show):
    response = staff.get("/admin/mail", query_string={"show": show, "page": "x"})
    assert response.status_code == 200 and listed(response.get_data(as_text=True))[0] == str(outbox["retrying"])


def test_staff_tries_a_failed_email_again_and_the_mail_server_receives_it(app, staff, world, outbox, mailbox):
    response = staff.submit(f"/admin/mail/{outbox['failed']}/retry", {"show": "failing"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/mail?show=failing")
    assert "The email to unreachable@example.net is back in the outbox and is tried again now." in flashes(
        staff.get(response.headers["Location"]).get_data(as_text=True))
    assert status_of(app, outbox["failed"]) == ("pending", 8)
    counts = mailbox.deliver()
    assert counts["sent"] >= 1
    assert [m["Subject"] for m in mailbox.to("unreachable@example.net")] == ["Your sign-on is confirmed"]
    assert status_of(app, outbox["failed"]) == ("sent", 9)  # one attempt more
    [(action, subject_id, summary)] = audit_actions(app)
    assert action == "mail.retried" and subject_id == outbox["failed"]
    assert "unreachable@example.net" in summary and "8 attempts" in summary
    assert "unreachable@example.net" in plain(staff.get("/admin/mail?show=sent").get_data(as_text=True))
    assert "Email tried again" in plain(staff.get("/admin/audit").get_data(as_text=True))


def test_an_email_tried_again_that_fails_again_is_failed_again(app, staff, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", 9)  # nothing listens there
    staff.submit(f"/admin/mail/{outbox['failed']}/retry")
    with app.app_context():
        mail.deliver_pending()
    assert status_of(app, outbox["failed"]) == ("failed", 9)
    assert "The mail server could not be reached." in plain(staff.get("/admin/mail").get_data(as_text=True))


def test_an_email_being_retried_is_sent_at_once(app, staff, outbox, mailbox):
    staff.submit(f"/admin/mail/{outbox['retrying']}/retry")
    mailbox.deliver()
    assert mailbox.to("gone@example.net") and status_of(app, outbox["retrying"])[0] == "sent"


def test_staff_discards_an_email_and_it_is_never_sent(app, staff, world, outbox, mailbox):
    response = staff.submit(f"/admin/mail/{outbox['failed']}/discard", {"show": "failing"})
    assert response.status_code == 302
    assert "The email to unreachable@example.net is discarded: it will not be sent." in flashes(
        staff.get(response.headers["Location"]).get_data(as_text=True))
    assert status_of(app, outbox["failed"]) == ("discarded", 8)
    [(action, subject_id, _summary)] = audit_actions(app)
    assert action == "mail.discarded" and subject_id == outbox["failed"]
    with app.app_context():
        mail.deliver_pending()
    assert not mailbox.to("unreachable@example.net")
    for show in ("failing", "waiting", "sent"):
        assert str(outbox["failed"]) not in listed(staff.get(f"/admin/mail?show={show}").get_data(as_text=True))
    discarded = staff.get("/admin/mail?show=discarded").get_data(as_text=True)
    # the last discarded first; one discarded before the service kept when, after it
    assert listed(discarded) == [str(outbox["failed"]), str(outbox["discarded"])]
    assert "unreachable@example.net Discarded" in plain(discarded)
    with app.app_context():
        discarded_at = db.session.get(OutboxMessage, outbox["failed"]).discarded_at
    assert discarded_at is not None and utcnow() - discarded_at < timedelta(minutes=1)
    assert "8 attempts · discarded " in plain(discarded)
    # trying it again afterwards (an old page, a second click) changes nothing
    again = staff.submit(f"/admin/mail/{outbox['failed']}/retry")
    assert "This email was discarded: it will not be sent." in flashes(
        staff.get(again.headers["Location"]).get_data(as_text=True))
    assert status_of(app, outbox["failed"]) == ("discarded", 8) and len(audit_actions(app)) == 1


def test_a_sent_email_is_neither_retried_nor_discarded(app, staff, outbox):
    for action in ("retry", "discard"):
        response = staff.submit(f"/admin/mail/{outbox['sent']}/{action}")
        assert "This email was sent meanwhile: there is nothing to do." in flashes(
            staff.get(response.headers["Location"]).get_data(as_text=True))
    assert status_of(app, outbox["sent"]) == ("sent", 1) and audit_actions(app) == []


def test_an_email_a_sender_is_delivering_is_left_alone(app, staff, outbox):
    with app.app_context():
        message = db.session.get(OutboxMessage, outbox["retrying"])
        message.claimed_by, message.claimed_until = "another-sender", utcnow() + timedelta(minutes=5)
        db.session.commit()
    response = staff.submit(f"/admin/mail/{outbox['retrying']}/discard")
    assert "This email is being delivered right now. Look again in a minute." in flashes(
        staff.get(response.headers["Location"]).get_data(as_text=True))
    assert status_of(app, outbox["retrying"]) == ("pending", 3) and audit_actions(app) == []


@pytest.mark.parametrize("message_id", ["999999", "0"])
def test_an_email_that_does_not_exist_is_not_found(staff, outbox, message_id):
    assert staff.submit(f"/admin/mail/{message_id}/retry").status_code == 404
    assert staff.submit(f"/admin/mail/{message_id}/discard").status_code == 404


def test_a_change_without_the_form_s_token_is_refused(app, staff, outbox):
    assert staff.post(f"/admin/mail/{outbox['failed']}/retry").status_code == 400
    assert staff.get(f"/admin/mail/{outbox['failed']}/retry").status_code == 405
    assert status_of(app, outbox["failed"]) == ("failed", 8)


@pytest.mark.parametrize("role", ["coordinator", "member", "outsider"])
def test_only_staff_see_the_outbox(app, make_client, world, outbox, role):
    client = make_client()
    client.login(world.emails[role])
    assert client.get("/admin/mail").status_code == 403
    assert client.submit(f"/admin/mail/{outbox['failed']}/retry").status_code == 403
    assert client.submit(f"/admin/mail/{outbox['failed']}/discard").status_code == 403
    assert 'href="/admin/mail' not in client.get("/").get_data(as_text=True)
    assert status_of(app, outbox["failed"]) == ("failed", 8)


def test_the_to_do_item_and_the_menu_lead_to_the_failing_mail(staff, outbox):
    home = staff.get("/").get_data(as_text=True)
    assert 'href="/admin/mail?show=failing">2 emails failed to send in the last 7 days</a>' in home
    assert re.search(r'<a href="/admin/mail" *>Mail</a>', home)


def test_the_to_do_item_goes_once_the_failing_mail_is_dealt_with(staff, outbox, mailbox):
    staff.submit(f"/admin/mail/{outbox['failed']}/discard")
    staff.submit(f"/admin/mail/{outbox['retrying']}/retry")
    mailbox.deliver()
    assert "failed to send" not in plain(staff.get("/").get_data(as_text=True))


def test_the_page_speaks_the_reader_s_language(app, staff, world, outbox):
    from statements.accounts.models import User

    with app.app_context():
        db.session.get(User, world.user_ids["admin"]).language = "es"
        db.session.commit()
    words = plain(staff.get("/admin/mail").get_data(as_text=True))
    assert "Correo saliente" in words and "No se pudo contactar con el servidor de correo." in words


@pytest.mark.parametrize("error, words", [
    ("Not sent: its recipient address 'x' is not valid: no @.", "The recipient's address cannot receive mail"),
    ("Not sent: the sender stopped while delivering it, on the last allowed attempt.", "The sender stopped"),
    (REFUSED, "The mail server refused the recipient's address."),
    ("SMTPAuthenticationError: (535, b'bad')", "The mail server refused the service's user name or password."),
    ("SMTPSenderRefused: (553, b'no', 'x@y')", "The mail server refused the address mail is sent from."),
    ("SMTPDataError: (554, b'spam')", "The mail server refused the message."),
    ("TimeoutError: timed out", "The mail server could not be reached."),
    ("gaierror: [Errno -2] Name or service not known", "The mail server could not be reached."),
    ("ValueError: something else", "The message could not be delivered."),
    (None, "The message could not be delivered."),
])
def test_each_error_is_said_in_plain_words(app, error, words):
    with app.test_request_context():
        assert mail.plain_error(error).startswith(words)


def test_an_email_discarded_by_mistake_is_sent_after_all_once(app, staff, outbox, mailbox):
    staff.submit(f"/admin/mail/{outbox['failed']}/discard")
    discarded = staff.get("/admin/mail?show=discarded").get_data(as_text=True)
    assert "Discarded (2)" in plain(discarded) and plain(discarded).count("Send it after all") == 2
    response = staff.submit(f"/admin/mail/{outbox['failed']}/send-after-all", {"show": "discarded"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/mail?show=discarded")
    assert "The email to unreachable@example.net is back in the outbox: it will be sent." in flashes(
        staff.get(response.headers["Location"]).get_data(as_text=True))
    again = staff.submit(f"/admin/mail/{outbox['failed']}/send-after-all")  # a second click, an old page
    assert "This email is not discarded: there is nothing to put back." in flashes(
        staff.get(again.headers["Location"]).get_data(as_text=True))
    mailbox.deliver()
    assert [m["Subject"] for m in mailbox.to("unreachable@example.net")] == ["Your sign-on is confirmed"]
    assert [action for action, _id, _summary in audit_actions(app)] == ["mail.discarded", "mail.sent_after_all"]
    with app.app_context():
        assert db.session.get(OutboxMessage, outbox["failed"]).discarded_at is None
    assert "Discarded email put back" in plain(staff.get("/admin/audit").get_data(as_text=True))


def test_an_email_set_aside_because_its_subject_is_gone_cannot_be_sent_after_all(app, staff, outbox):
    with app.app_context():
        message = db.session.get(OutboxMessage, outbox["discarded"])
        message.subject, message.body_text, message.last_error = "", "", mail.SET_ASIDE
        db.session.commit()
    page = plain(staff.get("/admin/mail?show=discarded").get_data(as_text=True))
    assert "Set aside: what it was about was deleted or changed before it was sent." in page
    assert "Send it after all" not in page
    refused = staff.submit(f"/admin/mail/{outbox['discarded']}/send-after-all")
    assert "it cannot be sent" in " ".join(flashes(staff.get(refused.headers["Location"]).get_data(as_text=True)))
    assert status_of(app, outbox["discarded"])[0] == "discarded"
    missing = staff.submit("/admin/mail/999999/send-after-all")
    assert missing.status_code == 404
