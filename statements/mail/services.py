"""Queue mail with the change that causes it, and deliver the outbox with retries."""

import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from sqlalchemy import event, select

from statements.core import jobs
from statements.core.db import utcnow
from statements.core.input import one_line
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.mail.transports import transport_from_config

MAX_ATTEMPTS = 8


def queue_mail(to_address: str, subject: str, template: str, **context) -> OutboxMessage:
    """Render a plain-text mail and add it to the outbox; it is sent after the transaction commits."""
    body = render_template(f"mail/{template}.txt", **context)
    message = OutboxMessage(to_address=to_address, subject=subject, body_text=body)
    db.session.add(message)
    session = db.session()
    if not event.contains(session, "after_commit", _deliver_soon):
        event.listen(session, "after_commit", _deliver_soon)
    session.info["mail_queued"] = True
    return message


def _deliver_soon(session) -> None:
    """Once the mail is committed, ask a worker to deliver it now (with Redis; else the sender will)."""
    if session.info.pop("mail_queued", False):
        jobs.enqueue("statements.mail.services.deliver_pending", once=True)


def retry_delay(attempts: int) -> timedelta:
    """Wait longer after each failure: 1, 2, 4 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _encodable(text: str) -> str:
    """Replace what cannot be written as UTF-8 (a lone surrogate), which would stop the message being sent."""
    return text.encode("utf-8", "replace").decode("utf-8")


def header_value(text: str | None) -> str:
    """Fold a header's value (a title, a name, an address) to one line the email library can always encode."""
    # the library refuses a header with a line break in it, and would refuse every retry of the message
    return _encodable(one_line(text))


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """Turn an outbox row into an email."""
    email = EmailMessage()
    email["From"] = header_value(sender)
    email["To"] = header_value(message.to_address)
    email["Subject"] = header_value(message.subject)
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain="statements")
    email.set_content(_encodable(message.body_text or ""))
    return email


def due_messages(limit: int):
    """Select pending messages whose time has come, locking them where the database can."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalars(query).all()


#: one delivery round at a time in a process: the worker's jobs and its sender thread would
#: otherwise both pick the same rows on SQLite, which cannot skip rows another has locked
_one_round = threading.Lock()


def deliver_pending(transport=None, limit: int = 100) -> dict:
    """Send due messages, committing each result; return counts of sent and failed."""
    with _one_round:
        return _deliver_due(transport, limit)


def _deliver_due(transport, limit: int) -> dict:
    transport = transport or transport_from_config(current_app.config)
    sender = current_app.config["MAIL_FROM"]
    counts = {"sent": 0, "failed": 0}
    for message in due_messages(limit):
        try:
            transport.send(build_email(message, sender))
        except Exception as error:  # any delivery failure is retried later
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
            else:
                message.next_attempt_at = utcnow() + retry_delay(message.attempts)
            counts["failed"] += 1
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            message.attempts += 1
            counts["sent"] += 1
        db.session.commit()
    db.session.commit()
    return counts


def start_background_sender(app, interval_seconds: float = 3.0) -> threading.Thread:
    """Deliver mail from a thread inside this process: enough for a small install."""

    def run():
        stop = app.extensions["statements.mail_stop"]
        while not stop.wait(interval_seconds):
            with app.app_context():
                try:
                    deliver_pending()
                except Exception:
                    app.logger.exception("Mail delivery round failed; it will be tried again")
                    db.session.rollback()
                finally:
                    db.session.remove()

    app.extensions["statements.mail_stop"] = threading.Event()
    thread = threading.Thread(target=run, name="mail-sender", daemon=True)
    thread.start()
    return thread
