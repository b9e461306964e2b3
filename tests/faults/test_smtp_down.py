"""The SMTP server goes away: people's actions still succeed, mail waits in the outbox and is
delivered once, exactly, when the server is back."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from statements.accounts.models import Invitation
from statements.core.db import utcnow
from statements.extensions import db
from statements.mail import services as mail
from statements.mail.models import OutboxMessage
from statements.signons.models import SignOn
from tests.conftest import Mailbox, free_port
from tests.signons.pages import sign

SIGNER = "maria.lopez@trabajadoras.org.gt"
INVITEE = "nadia.haddad@example.org"


class StoppableSMTP:
    """A real SMTP server on loopback that can be stopped and started again on the same port."""

    def __init__(self, box: Mailbox):
        self.box = box
        self.port = free_port()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    server = StoppableSMTP(Mailbox(app))
    server.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    try:
        yield server
    finally:
        server.stop()


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_mail_waits_while_smtp_is_down_and_is_delivered_once_when_it_is_back(
        app, client, make_client, world, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    smtp.stop()

    # the public signs on and staff invite someone: both succeed although no mail can leave
    signer = make_client()
    signed = sign(signer, world.signon_slug, contact_email=SIGNER)
    assert signed.status_code == 302 and "/check-email" in signed.headers["Location"]
    client.login(world.emails["admin"])
    invited = client.submit("/admin/invitations", {"email": INVITEE, "group_id": world.group_id,
                                                   "role": "member", "organization_id": 0})
    assert invited.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SignOn.contact_email)) == SIGNER
        assert db.session.scalar(select(Invitation).where(Invitation.email == INVITEE)) is not None
        assert sorted(m.to_address for m in outbox()) == sorted([SIGNER, INVITEE])

    before = utcnow()
    with app.app_context():
        assert mail.deliver_pending() == {"sent": 0, "failed": 2}
        for message in outbox():
            assert message.status == "pending"
            assert message.attempts == 1
            assert "ConnectionRefusedError" in message.last_error
            assert before + timedelta(seconds=50) < message.next_attempt_at <= utcnow() + timedelta(minutes=1)
        # asked again at once, the sender waits for the next attempt time instead of hammering
        assert mail.deliver_pending() == {"sent": 0, "failed": 0}
        assert [m.attempts for m in outbox()] == [1, 1]

    smtp.start()
    with app.app_context():
        assert mail.deliver_pending() == {"sent": 0, "failed": 0}  # not due yet
    assert smtp.box.messages == []

    # the retry is due a minute later: move the sender's clock on rather than wait for it
    monkeypatch.setattr(mail, "utcnow", lambda: utcnow() + timedelta(minutes=2))
    with app.app_context():
        assert mail.deliver_pending() == {"sent": 2, "failed": 0}
        assert mail.deliver_pending() == {"sent": 0, "failed": 0}
        assert [(m.status, m.attempts) for m in outbox()] == [("sent", 2), ("sent", 2)]

    assert len(smtp.box.to(SIGNER)) == 1
    assert len(smtp.box.to(INVITEE)) == 1
    assert len(smtp.box.messages) == 2
    # the mail that waited still works: the confirmation link confirms the sign-on
    link = smtp.box.link_in(smtp.box.to(SIGNER)[0], "/confirm/")
    assert signer.submit(link).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(SignOn.status)) != "pending"
