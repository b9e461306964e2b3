"""Queue mail with the change that causes it, and deliver the outbox with retries."""

import json
import os
import socket
import threading
import uuid
from collections.abc import Callable
from functools import cache
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, event, func, insert, literal_column, or_, select, update

from statements.core import jobs
from statements.core.db import QuickStatement, utcnow, with_defaults
from statements.core.errors import Conflict, NotFound
from statements.core.input import one_line
from statements.core.timezones import reading_in
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.mail.transports import transport_from_config

MAX_ATTEMPTS = 8
#: how long a sender holds a message it is delivering: far longer than one delivery takes (SMTP
#: gives up on each step after 20 s), so only a sender that stopped half-way loses its claim
CLAIM_LEASE = timedelta(minutes=10)


def _recipient_zone(address: str) -> str | None:
    """The time zone of the person with an account at this address, if they chose one."""
    from statements.accounts.models import User, normalize_email  # (accounts send mail through here)

    return db.session.scalar(select(User.time_zone).where(User.email_normalized == normalize_email(address)))


def queue_mail(to_address: str, subject: str, template: str, headers: dict[str, str] | None = None,
               **context) -> OutboxMessage:
    """Render a plain-text mail and add it to the outbox; it is sent after the transaction commits."""
    with reading_in(_recipient_zone(to_address)):  # dates in the recipient's time zone, not the sender's
        body = render_template(f"mail/{template}.txt", **context)
    message = OutboxMessage(to_address=to_address, subject=subject, body_text=body,
                            headers=json.dumps(headers) if headers else None)
    db.session.add(message)
    deliver_after_commit()
    return message


#: writers of mail written at delivery: name -> function(arguments) -> (subject, body)
_WRITERS: dict[str, Callable[[dict], tuple[str, str]]] = {}


def writes_mail(name: str):
    """Register a function that writes one kind of mail at delivery, from the arguments it was queued with."""
    def register(write: Callable[[dict], tuple[str, str]]):
        _WRITERS[name] = write
        return write
    return register


def queue_mail_written_at_delivery(to_address: str, writer: str, **arguments) -> None:
    """Add a mail to the outbox that is written when it is delivered, from `arguments` (plain JSON values).

    A burst of sign-ons each queues a confirmation: writing it (a template, the recipient's time zone, the
    version in their language, signed links) is left to the sender, after the signer has had their answer.
    The row is inserted at once, as one statement: nothing reads it back in this transaction.
    """
    insert_mail_written_at_delivery(db.session.connection(), to_address, writer, **arguments)
    deliver_after_commit()


def insert_mail_written_at_delivery(connection, to_address: str, writer: str, **arguments) -> None:
    """Insert a mail written at delivery on `connection`, as `queue_mail_written_at_delivery` queues one; who
    commits it has it delivered (`deliver_after_commit`, `deliver_soon`)."""
    message = {"to_address": to_address, **_mail_columns(writer),
               "writer_args": json.dumps(arguments, separators=(",", ":"))}
    _mail_statement(tuple(message)).rows(connection, message)


@cache
def _mail_statement(columns: tuple) -> QuickStatement:
    outbox = OutboxMessage.__table__
    return QuickStatement(insert(outbox).values({key: bindparam(key, type_=outbox.c[key].type) for key in columns}))


def insert_with_mail_written_at_delivery(connection, table, row: dict, to_address: str, writer: str,
                                         id_argument: str, only_if=None, only_if_values: dict | None = None,
                                         **arguments) -> int | None:
    """Insert `row` into `table` on `connection` with a mail written at delivery whose arguments carry the new
    row's id as `id_argument`; return that id. With `only_if` (an SQL condition built once, whose values are
    `only_if_values`), both are written only while it holds, checked by the INSERT itself: None when it does not.
    Who commits them has the mail delivered (`deliver_after_commit`, `deliver_soon`).

    On PostgreSQL it is one statement, so one round trip: a burst of sign-ons each stores one row and its
    confirmation. Elsewhere, two.
    """
    row, message = _given(table, row), {"to_address": to_address, **_mail_columns(writer)}
    row_values = {**(only_if_values or {}), **{f"r_{key}": value for key, value in row.items()}}
    if connection.dialect.name == "postgresql":
        # the arguments' JSON after the new id: '{"<id_argument>":' || id || ',"...":...}'
        message["writer_args"] = ("," + json.dumps(arguments, separators=(",", ":"))[1:]) if arguments else "}"
        statement = _row_and_mail_statement(table, tuple(row), tuple(message), id_argument, only_if)
        return statement.scalar(connection, {**row_values, **{f"m_{key}": value for key, value in message.items()}})
    new_id = _quick_row_statement(table, tuple(row), only_if).scalar(connection, row_values)
    if new_id is not None:
        message["writer_args"] = json.dumps({id_argument: new_id, **arguments}, separators=(",", ":"))
        _mail_statement(tuple(message)).rows(connection, message)
    return new_id


def mail_values(writer: str) -> dict:
    """The values of a mail written at delivery that `mail_after` leaves to the statement's execution (`m_<column>`),
    as for any message."""
    return {f"m_{key}": value for key, value in _mail_columns(writer).items()}


def _mail_columns(writer: str) -> dict:
    """A mail written at delivery's values but its address and its writer's arguments, as for any message: the
    model's defaults, and the columns left NULL without one left out (`_given`)."""
    outbox = OutboxMessage.__table__
    message = _given(outbox, with_defaults(outbox, {"to_address": "", "subject": "", "body_text": "",
                                                    "writer": writer}))
    return {key: value for key, value in message.items() if key not in ("to_address", "writer_args")}


def mail_after(rows, to_address, writer_args, where):
    """INSERT INTO outbox_message ... SELECT ... FROM `rows` WHERE `where`: a mail written at delivery for each row a
    statement just wrote (`rows`, a CTE), addressed to its `to_address` column, its writer's arguments the JSON text
    `writer_args` (SQL, from the row); the message's other values are given at execution (`mail_values`). On
    PostgreSQL, so that a change and its mail are one statement. Build it once."""
    outbox = OutboxMessage.__table__
    columns = tuple(_mail_columns(""))  # (the same columns whatever the writer)
    values = select(*(bindparam(f"m_{key}", type_=outbox.c[key].type) for key in columns), to_address,
                    writer_args).select_from(rows).where(where)
    return insert(outbox).from_select([*columns, "to_address", "writer_args"], values)


def _given(table, row: dict) -> dict:
    """A row without the columns left NULL that have no default: the statement stays short, and its text is
    kept by the driver (psycopg keeps the parsed text of statements with at most 50 values)."""
    defaulted = _defaulted(table)
    return {key: value for key, value in row.items() if value is not None or key in defaulted}


@cache
def _defaulted(table) -> frozenset[str]:
    """The columns of a table that have a Python-side default."""
    return frozenset(column.key for column in table.columns if column.default is not None)


@cache
def _row_statement(table, row_columns: tuple, only_if=None):
    """INSERT INTO table ... RETURNING id, or with `only_if`, INSERT INTO table SELECT ... WHERE only_if
    RETURNING id: built once per set of columns and condition."""
    if only_if is None:
        return insert(table).values({key: bindparam(f"r_{key}") for key in row_columns}).returning(table.c.id)
    values = select(*(bindparam(f"r_{key}", type_=table.c[key].type) for key in row_columns)).where(only_if)
    return insert(table).from_select(list(row_columns), values).returning(table.c.id)


@cache
def _quick_row_statement(table, row_columns: tuple, only_if=None) -> QuickStatement:
    return QuickStatement(_row_statement(table, row_columns, only_if))


@cache
def _row_and_mail_statement(table, row_columns: tuple, mail_columns: tuple, id_argument: str,
                            only_if=None) -> QuickStatement:
    """WITH new_row AS (INSERT INTO table ... RETURNING id), mail AS (INSERT INTO outbox_message ... SELECT ...
    FROM new_row) SELECT id FROM new_row: built once per set of columns and condition."""
    outbox = OutboxMessage.__table__
    new_row = _row_statement(table, row_columns, only_if).cte("new_row")
    values = [func.concat(literal_column(f"""'{{"{id_argument}":'"""), new_row.c.id, bindparam("m_writer_args", type_=outbox.c.writer_args.type))
              if key == "writer_args" else bindparam(f"m_{key}", type_=outbox.c[key].type) for key in mail_columns]
    mail = insert(outbox).from_select(list(mail_columns), select(*values).select_from(new_row)).cte("mail")
    return QuickStatement(select(new_row.c.id).add_cte(mail))


#: why a message written at delivery was not sent: its writer found it no longer true (see `written`)
SET_ASIDE = "Set aside: what it was about was deleted or changed before it was sent."


def written(message: OutboxMessage) -> tuple[str, str] | None:
    """The subject and body of a message, written now by its writer if it has one; None when what it was
    about is gone or no longer so (a sign-on deleted before its confirmation was sent, an approval undone)."""
    if not message.writer:
        return message.subject, message.body_text or ""
    write = _WRITERS[message.writer]
    with reading_in(_recipient_zone(message.to_address)):
        words = write(json.loads(message.writer_args or "{}"))
    return None if words is None else (header_value(words[0])[:300], words[1])


def shown_subject(message: OutboxMessage) -> str | None:
    """A message's subject as the outbox shows it, written now for one not written yet; None for one that will
    be set aside when its turn comes, what it was about being gone or no longer so."""
    if not message.writer:
        return message.subject
    words = written(message)
    return words[0] if words else None


def _write_if_unwritten(message_id: int) -> bool:
    """Write a claimed message queued to be written at delivery, and keep what was written: a retry sends the
    same words, and the outbox shows them. Return whether there is a message to send."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None:
        db.session.commit()
        return False
    if message.writer:
        words = written(message)
        if words is None:
            message.status, message.claimed_by, message.claimed_until = "discarded", None, None
            message.last_error, message.discarded_at = SET_ASIDE, utcnow()
        else:
            message.subject, message.body_text = words
        message.writer = message.writer_args = None
    sendable = message.status == "pending"
    db.session.commit()
    return sendable


def deliver_after_commit() -> None:
    """Have the outbox delivered once the current transaction commits."""
    db.session.info["mail_queued"] = True


@event.listens_for(db.session, "after_soft_rollback")
def _forget_mail_rolled_back(session, previous_transaction) -> None:
    """Mail queued in a transaction rolled back was never stored: the next commit has none to tell of (a savepoint
    rolled back leaves the rest of its transaction's mail queued)."""
    if previous_transaction.parent is None:
        session.info.pop("mail_queued", None)


@event.listens_for(db.session, "after_commit")  # (every session of the app's kind, listened to once)
def _deliver_after_commit(session) -> None:
    if session.info.pop("mail_queued", False):
        deliver_soon()


def deliver_soon() -> None:
    """Once mail is committed, ask a worker to deliver it now (with Redis; else the sender will)."""
    jobs.enqueue("statements.mail.services.deliver_pending", once=True)


def deliver_in_a_moment() -> None:
    """Once mail is committed, ask a worker to deliver it within a moment, once for all the requests of this
    process that ask meanwhile (`jobs.enqueue_gathered`): for work committed many times a second."""
    jobs.enqueue_gathered("statements.mail.services.deliver_pending")


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
    for name, value in json.loads(message.headers or "{}").items():
        email[name] = header_value(value)
    email.set_content(_encodable(message.body_text or ""))
    return email


def recipient_problem(address: str) -> str | None:
    """Say why a message cannot go to this address, or None when it can."""
    if not address or not address.strip():
        return "it has no recipient address"
    if "\r" in address or "\n" in address:
        return "its recipient address contains a line break"
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return f"its recipient address {address!r} is not valid: {error}"
    return None


def _claim_free(now: datetime):
    """Rows no sender is delivering now: never claimed, finished, or claimed by one that stopped."""
    return or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)


def due_messages(limit: int) -> list[tuple[int, str]]:
    """Return the id and recipient of pending messages whose time has come and that no sender is delivering."""
    now = utcnow()
    query = (
        select(OutboxMessage.id, OutboxMessage.to_address)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now, _claim_free(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    due = [tuple(row) for row in db.session.execute(query)]
    db.session.commit()  # so that each claim below is the first statement of its own transaction
    return due


def _change_if(condition, **values) -> bool:
    """Update the one message matching condition in a transaction of its own; return whether it matched."""
    result = db.session.execute(
        update(OutboxMessage).where(*condition).values(**values).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _still_free(message_id: int, now: datetime) -> tuple:
    """Conditions for taking a message: pending, due, and held by no sender."""
    return (OutboxMessage.id == message_id, OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now, _claim_free(now))


def claim(message_id: int) -> str | None:
    """Take a message for this sender alone for CLAIM_LEASE, counting an attempt; None if another has it.

    The conditional UPDATE is atomic on SQLite (one writer at a time) and on PostgreSQL (a second
    UPDATE of the row waits for the first to commit, then finds the row claimed), so whatever
    number of processes, threads or workers run, only one sender ever holds a message.
    """
    now = utcnow()
    token = f"{socket.gethostname()[:30]}/{os.getpid()}/{uuid.uuid4().hex[:16]}"
    taken = _change_if(_still_free(message_id, now), claimed_by=token, claimed_until=now + CLAIM_LEASE,
                       attempts=OutboxMessage.attempts + 1)
    return token if taken else None


def _finish(message_id: int, token: str, **values) -> bool:
    """Record the outcome of a delivery and let go of the claim, if this sender still holds it."""
    return _change_if((OutboxMessage.id == message_id, OutboxMessage.claimed_by == token),
                      claimed_by=None, claimed_until=None, **values)


def _refuse(message_id: int, problem: str) -> bool:
    """Mark a message that cannot be delivered as failed, without trying to send it."""
    return _change_if(_still_free(message_id, utcnow()), status="failed", last_error=f"Not sent: {problem}."[:500])


def give_up_on_abandoned() -> None:
    """Mark failed the messages whose last allowed attempt was claimed by a sender that never finished."""
    now = utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.attempts >= MAX_ATTEMPTS,
               OutboxMessage.claimed_until < now)
        .values(status="failed", claimed_by=None, claimed_until=None,
                last_error="Not sent: the sender stopped while delivering it, on the last allowed attempt.")
        .execution_options(synchronize_session=False))
    db.session.commit()


def _read_claimed(message_id: int) -> OutboxMessage:
    """Read a claimed message into a copy outside the session, ending the transaction before SMTP is reached."""
    columns = (OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body_text,
               OutboxMessage.attempts, OutboxMessage.headers)
    row = db.session.execute(select(*columns).where(OutboxMessage.id == message_id)).one()
    db.session.commit()
    return OutboxMessage(**row._mapping)


def deliver_one(message_id: int, to_address: str, transport, sender: str) -> str | None:
    """Claim, send and record one message; return "sent" or "failed", or None when another sender has it."""
    problem = recipient_problem(to_address)
    if problem:
        return "failed" if _refuse(message_id, problem) else None
    token = claim(message_id)
    if token is None or not _write_if_unwritten(message_id):
        return None
    message = _read_claimed(message_id)
    try:
        transport.send(build_email(message, sender))
    except Exception as error:  # any delivery failure is retried later
        error_text = f"{type(error).__name__}: {error}"[:500]
        if message.attempts >= MAX_ATTEMPTS:
            _finish(message_id, token, status="failed", last_error=error_text)
        else:
            _finish(message_id, token, last_error=error_text,
                    next_attempt_at=utcnow() + retry_delay(message.attempts))
        return "failed"
    if not _finish(message_id, token, status="sent", sent_at=utcnow()):
        current_app.logger.warning("Mail %s was sent after its claim lapsed; another sender may send it again",
                                   message_id)
    return "sent"


def deliver_pending(transport=None, limit: int = 100) -> dict:
    """Send due messages, each exactly once however many senders run; return counts of sent and failed."""
    transport = transport or transport_from_config(current_app.config)
    sender = current_app.config["MAIL_FROM"]
    counts = {"sent": 0, "failed": 0}
    give_up_on_abandoned()
    for message_id, to_address in due_messages(limit):
        outcome = deliver_one(message_id, to_address, transport, sender)
        if outcome:
            counts[outcome] += 1
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


# --- the outbox as staff see it -------------------------------------------------------------------------

#: what the outbox page lists: mail that failed or is being retried, mail waiting for its first attempt,
#: and mail sent lately
OUTBOX_VIEWS = ("failing", "waiting", "sent", "discarded")
#: how far back the list of sent mail goes
SENT_RECENT = timedelta(days=7)
#: a message still waiting this long after its time came was taken by no sender: is one running?
STUCK_AFTER = timedelta(minutes=15)
#: states a message can be tried again or discarded in
_UNSENT = ("pending", "failed")


def _failing():
    """Messages that failed: given up on, or waiting to be tried again after a failure."""
    return or_(OutboxMessage.status == "failed", and_(OutboxMessage.status == "pending", OutboxMessage.attempts > 0))


def _in_view(view: str, now: datetime):
    if view == "waiting":
        return and_(OutboxMessage.status == "pending", OutboxMessage.attempts == 0)
    if view == "sent":
        return and_(OutboxMessage.status == "sent", OutboxMessage.sent_at > now - SENT_RECENT)
    if view == "discarded":
        return OutboxMessage.status == "discarded"
    return _failing()


def outbox_query(view: str, now: datetime | None = None):
    """The messages of one view of the outbox: failing and sent ones newest first, discarded ones the last discarded
    first, waiting ones oldest first."""
    now = now or utcnow()
    query = select(OutboxMessage).where(_in_view(view, now))
    if view == "waiting":
        return query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    if view == "sent":
        return query.order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
    if view == "discarded":
        return query.order_by(OutboxMessage.discarded_at.desc().nulls_last(), OutboxMessage.id.desc())
    return query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


def outbox_counts(now: datetime | None = None) -> dict[str, int]:
    """How many messages each view of the outbox lists, in one query."""
    now = now or utcnow()
    row = db.session.execute(select(*[func.coalesce(func.sum(case((_in_view(view, now), 1), else_=0)), 0)
                                      for view in OUTBOX_VIEWS])).one()
    return dict(zip(OUTBOX_VIEWS, row))


def is_stuck(message: OutboxMessage, now: datetime | None = None) -> bool:
    """Whether a message waits long past its time: no sender took it (none is running, or all are failing)."""
    now = now or utcnow()
    return message.status == "pending" and message.next_attempt_at < now - STUCK_AFTER


def plain_error(last_error: str | None) -> str:
    """Say in plain words why a message was not delivered (the technical text stays for the curious)."""
    error = last_error or ""
    if error.startswith("Not sent: the sender stopped"):
        return _("The sender stopped while delivering it, on its last allowed attempt.")
    if error.startswith("Not sent: "):
        return _("The recipient's address cannot receive mail: it is empty, broken or not an email address. "
                 "Discard this email, and correct the address where it came from.")
    kind = error.split(":", 1)[0]
    if kind == "SMTPRecipientsRefused":
        return _("The mail server refused the recipient's address. It may not exist any more, or its mailbox "
                 "may be full.")
    if kind == "SMTPSenderRefused":
        return _("The mail server refused the address mail is sent from. Check the sender address in the "
                 "service's settings.")
    if kind == "SMTPAuthenticationError":
        return _("The mail server refused the service's user name or password. Check the mail settings.")
    if kind in ("SMTPDataError", "SMTPResponseException", "SMTPHeloError", "SMTPNotSupportedError"):
        return _("The mail server refused the message.")
    if kind in ("ConnectionRefusedError", "ConnectionResetError", "SMTPConnectError", "SMTPServerDisconnected",
                "TimeoutError", "timeout", "gaierror", "OSError", "ConnectionError", "SSLError"):
        return _("The mail server could not be reached. It may be down, or the mail settings may be wrong; "
                 "it is tried again by itself.")
    return _("The message could not be delivered.")


def _unsent(message_id: int) -> OutboxMessage:
    """Read a message as it is now, and refuse one that was sent or discarded meanwhile."""
    message = db.session.execute(select(OutboxMessage).where(OutboxMessage.id == message_id)
                                 .execution_options(populate_existing=True)).scalar_one_or_none()
    if message is None:
        raise NotFound(_("That email is not in the outbox."))
    if message.status == "sent":
        raise Conflict(_("This email was sent meanwhile: there is nothing to do."))
    if message.status == "discarded":
        raise Conflict(_("This email was discarded: it will not be sent."))
    return message


def _change_unsent(message_id: int, now: datetime, **values) -> OutboxMessage:
    """Change a message not sent and held by no sender, in one conditional UPDATE (a sender may take it at once)."""
    _unsent(message_id)
    changed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status.in_(_UNSENT),
                                    _claim_free(now))
        .values(claimed_by=None, claimed_until=None, **values).execution_options(synchronize_session=False)).rowcount
    if not changed:
        _unsent(message_id)  # sent or discarded a moment ago: say so
        raise Conflict(_("This email is being delivered right now. Look again in a minute."))
    return db.session.execute(select(OutboxMessage).where(OutboxMessage.id == message_id)
                              .execution_options(populate_existing=True)).scalar_one()


def retry_message(actor, message_id: int) -> OutboxMessage:
    """Put an email that failed back in the outbox, to be tried again at once (one attempt more)."""
    from statements.audit.services import record  # (the audit log's areas send mail through here)

    now = utcnow()
    message = _change_unsent(message_id, now, status="pending", next_attempt_at=now)
    record(actor, "mail.retried", message, f"Tried again to send “{one_line(message.subject)}” to "
           f"{message.to_address} (after {message.attempts} attempts: {message.last_error or 'no error'})"[:500])
    deliver_after_commit()
    return message


def may_send_after_all(message: OutboxMessage) -> bool:
    """Whether a discarded email can be put back in the outbox: one discarded by staff, not one set aside when
    what it was about was deleted or changed (it has no words to send)."""
    return message.status == "discarded" and message.last_error != SET_ASIDE


def send_after_all(actor, message_id: int) -> OutboxMessage:
    """Put an email discarded by mistake back in the outbox, to be sent at once."""
    from statements.audit.services import record  # (the audit log's areas send mail through here)

    message = db.session.execute(select(OutboxMessage).where(OutboxMessage.id == message_id)
                                 .execution_options(populate_existing=True)).scalar_one_or_none()
    if message is None:
        raise NotFound(_("That email is not in the outbox."))
    if message.status != "discarded":
        raise Conflict(_("This email is not discarded: there is nothing to put back."))
    if not may_send_after_all(message):
        raise Conflict(_("This email was set aside because what it was about was deleted or changed: it cannot "
                         "be sent."))
    now = utcnow()
    changed = db.session.execute(  # (one UPDATE: a second click, or a second person, puts it back once)
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "discarded")
        .values(status="pending", next_attempt_at=now, claimed_by=None, claimed_until=None, discarded_at=None)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise Conflict(_("This email is not discarded: there is nothing to put back."))
    db.session.refresh(message)
    record(actor, "mail.sent_after_all", message,
           f"Put “{one_line(message.subject)}” to {message.to_address} back in the outbox"[:500])
    deliver_after_commit()
    return message


def discard_message(actor, message_id: int) -> OutboxMessage:
    """Take an unsent email out of the outbox for good: it is kept, marked discarded, and never sent."""
    from statements.audit.services import record  # (the audit log's areas send mail through here)

    now = utcnow()
    message = _change_unsent(message_id, now, status="discarded", discarded_at=now)
    record(actor, "mail.discarded", message, f"Discarded “{one_line(message.subject)}” to {message.to_address} "
           f"(after {message.attempts} attempts: {message.last_error or 'no error'})"[:500])
    return message
