"""Each outbox message is delivered exactly once, however many senders run at the same time (threads
in one process, processes side by side, on SQLite and on PostgreSQL), and a message whose sender
stopped half-way is delivered by another once that sender's claim has lapsed."""

import json
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from statements.core.db import utcnow
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.mail.services import MAX_ATTEMPTS, deliver_pending

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 60


def fill_outbox(app, count: int = MESSAGES) -> list[str]:
    """Write count confirmation mails to the outbox, each to its own signer; return the addresses."""
    addresses = [f"signer{number}@example.org" for number in range(count)]
    with app.app_context():
        for address in addresses:
            db.session.add(OutboxMessage(to_address=address, subject="Confirm your organization's sign-on",
                                         body_text="Enter this code: 123456"))
        db.session.commit()
    return addresses


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return messages


def arrived(mailbox) -> Counter:
    return Counter(message["To"] for message in mailbox.messages)


def sender_settings(app, **settings) -> str:
    """The settings a sender process needs to deliver this test's outbox to this test's SMTP server."""
    names = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "SMTP_HOST",
             "SMTP_PORT", "MAIL_FROM", "PASSWORD_HASH_METHOD")
    return json.dumps({"config": {name: app.config[name] for name in names}, **settings})


def start_sender(app, **settings) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.mail.sender_process", sender_settings(app, **settings)],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def assert_each_arrived_once(app, mailbox, addresses) -> None:
    assert arrived(mailbox) == Counter(addresses)  # every one, and none twice
    assert [(m.status, m.attempts, m.claimed_by) for m in outbox(app)] == [("sent", 1, None)] * len(addresses)


def test_threads_of_one_process_deliver_each_message_once(app, mailbox):
    addresses = fill_outbox(app)
    start = threading.Barrier(6)
    totals = []

    def sender():
        with app.app_context():
            start.wait()
            totals.append(deliver_pending())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert sum(counts["sent"] for counts in totals) == MESSAGES
    assert_each_arrived_once(app, mailbox, addresses)


def test_processes_side_by_side_deliver_each_message_once(app, mailbox, tmp_path):
    """Three processes of two sending threads each, on the test database (SQLite, or PostgreSQL
    with TEST_DATABASE_URL), as two app processes with MAIL_SEND_IN_PROCESS and a worker would."""
    addresses = fill_outbox(app)
    go = tmp_path / "go"
    processes = [start_sender(app, threads=2, go=str(go)) for _ in range(3)]
    go.touch()  # all start at once, once each has loaded the app
    results = [finish(process) for process in processes]

    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    sent = [json.loads(out)["sent"] for _, out, _ in results]
    assert sum(sent) == MESSAGES
    assert_each_arrived_once(app, mailbox, addresses)


def test_a_message_whose_sender_died_is_delivered_once_its_claim_lapses(app, mailbox):
    [address] = fill_outbox(app, 1)
    code, _, _ = finish(start_sender(app, die_while_sending=True))
    assert code == 3  # the sender process ended in the middle of sending
    [message] = outbox(app)
    assert (message.status, message.attempts, message.sent_at) == ("pending", 1, None)
    assert message.claimed_by and message.claimed_until > utcnow()

    assert mailbox.deliver() == {"sent": 0, "failed": 0}  # it may still be sending: left alone
    assert mailbox.messages == []

    with app.app_context():  # the claim's lease runs out
        db.session.execute(update(OutboxMessage).values(claimed_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    assert mailbox.deliver() == {"sent": 0, "failed": 0}
    assert arrived(mailbox) == Counter([address])
    [message] = outbox(app)
    assert (message.status, message.attempts, message.claimed_by, message.claimed_until) == ("sent", 2, None, None)


def test_a_sender_dying_on_the_last_allowed_attempt_ends_the_retries(app, mailbox):
    fill_outbox(app, 1)
    with app.app_context():
        db.session.execute(update(OutboxMessage).values(attempts=MAX_ATTEMPTS - 1))
        db.session.commit()
    code, _, _ = finish(start_sender(app, die_while_sending=True))
    assert code == 3
    with app.app_context():
        db.session.execute(update(OutboxMessage).values(claimed_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    assert mailbox.deliver() == {"sent": 0, "failed": 0}
    assert mailbox.messages == []
    [message] = outbox(app)
    assert (message.status, message.attempts, message.claimed_by) == ("failed", MAX_ATTEMPTS, None)
    assert "stopped while delivering it" in message.last_error
