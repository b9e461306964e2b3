"""The confirmation mail of a sign-on is queued with what it needs and written by the sender: the signer gets
their answer without waiting for it, and the mail still says the right things in the right language."""

import json

from sqlalchemy import select

from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.signons import services
from statements.signons.models import SignOn
from tests.signons.pages import code_in, confirmation, sign, text_of

ORG = "Asociación de Trabajadoras del Hogar"
EMAIL = "maria.lopez@trabajadoras.org.gt"


def signed(app) -> SignOn:
    with app.app_context():
        signon = db.session.scalar(select(SignOn).where(SignOn.organization_name == ORG))
        db.session.expunge(signon)
        return signon


def signed_id(app) -> int:
    return signed(app).id


def queued_to(app, address: str) -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                      .order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return messages


def test_the_confirmation_is_queued_unwritten_and_written_once_when_sent(app, client, world, mailbox):
    assert sign(client, world.signon_slug).status_code == 302
    [queued] = queued_to(app, EMAIL)
    assert (queued.writer, queued.subject, queued.body_text) == ("signon_confirm", "", "")
    arguments = json.loads(queued.writer_args)
    assert arguments["signon"] == signed_id(app) and len(arguments["code"]) == 6

    message = confirmation(mailbox, EMAIL)
    assert code_in(mailbox, message) == arguments["code"]
    assert client.submit(mailbox.link_in(message, "/confirm/")).status_code == 200
    assert signed(app).status != "pending"

    [sent] = queued_to(app, EMAIL)
    # what was sent is kept, as for any other mail: the outbox shows it, and nothing is written twice
    assert sent.status == "sent" and sent.writer is None and sent.writer_args is None
    assert sent.subject == str(message["Subject"]).strip() and arguments["code"] in sent.body_text


def test_the_mail_speaks_the_language_the_signer_signed_in(app, client, world, mailbox):
    client.submit("/language", {"language": "es", "next": "/"})  # the switcher at the foot of every page
    assert sign(client, world.signon_slug).status_code == 302
    mailbox.deliver()
    [message] = mailbox.to(EMAIL)
    assert str(message["Subject"]).strip().startswith("Confirme la firma de su organización")
    assert "Hola" in mailbox.body(message)


def test_a_sign_on_deleted_before_its_confirmation_is_sent_gets_no_mail(app, client, world, mailbox, staff):
    assert sign(client, world.signon_slug).status_code == 302
    with app.app_context():
        from statements.accounts.models import User

        admin = db.session.get(User, world.user_ids["admin"])
        services.delete_unconfirmed(admin, [db.session.get(SignOn, signed_id(app))])
        db.session.commit()
    assert mailbox.deliver() == {"sent": 0, "failed": 0}
    assert mailbox.to(EMAIL) == []
    [set_aside] = queued_to(app, EMAIL)
    assert set_aside.status == "discarded" and "deleted" in set_aside.last_error
    assert set_aside.discarded_at is not None  # (listed among the last discarded in the outbox)


def test_the_outbox_shows_the_subject_of_a_confirmation_not_written_yet(app, client, world, staff):
    assert sign(client, world.signon_slug).status_code == 302
    page = text_of(staff.get("/admin/mail?show=waiting"))
    assert EMAIL in page and "Confirm your organization&#39;s signature" in page
    [queued] = queued_to(app, EMAIL)
    assert queued.writer == "signon_confirm", "showing it does not write it"


def test_the_outbox_says_which_waiting_mail_will_not_be_sent(app, client, world, staff):
    assert sign(client, world.signon_slug).status_code == 302
    with app.app_context():
        from statements.accounts.models import User

        admin = db.session.get(User, world.user_ids["admin"])
        services.delete_unconfirmed(admin, [db.session.get(SignOn, signed_id(app))])
        db.session.commit()
    page = text_of(staff.get("/admin/mail?show=waiting"))
    assert EMAIL in page and "Confirm your organization" not in page
    assert "Will not be sent: what it is about was deleted or changed after it was queued." in page
    [queued] = queued_to(app, EMAIL)
    assert queued.status == "pending" and queued.writer == "signon_confirm", "showing it changes nothing"
