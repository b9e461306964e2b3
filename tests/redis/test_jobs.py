"""With Redis, exports and mail go to a worker through the queue; when Redis is down they are made
and sent without it; when it is back, the same app uses it again."""

import logging
import signal
import time

import pytest
from rq import Queue
from sqlalchemy import select

from statements.core.jobs import QUEUE_NAME
from statements.export import services as exports
from statements.export.models import ExportFile
from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.export.build import open_statement, sign, wait_for_files

PDF_A4 = {"kind": "pdf", "group_by": "country", "page_size": "a4"}
DOCX_LETTER = {"kind": "docx", "group_by": "alphabetical", "page_size": "letter"}


@pytest.fixture
def with_redis(app, redis_server, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_server.url)
    exports.running_threads.clear()  # earlier tests' threads, all finished: ids start again after each test
    return redis_server


def waiting_jobs(server) -> list[str]:
    return [job.func_name for job in Queue(QUEUE_NAME, connection=server.client()).get_jobs()]


def run_worker(app) -> str:
    """Run `flask worker --burst`: the jobs waiting now, then one round of due mail."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    finally:  # the worker takes over Ctrl-C while it runs: give it back to the test runner
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert result.exit_code == 0, result.output
    return result.output


def ask_for_export(client, statement_id: int, options: dict) -> int:
    response = client.submit(f"/statements/{statement_id}/export", options)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def export_status(app, export_id: int) -> str:
    with app.app_context():
        return db.session.get(ExportFile, export_id).status


def mail_statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def made_here(export_id: int) -> bool:
    """Whether the file is being made (or was) in a thread of this process."""
    return any(thread.name == f"export-{export_id}" for thread in exports.running_threads)


def signed_statement(app, world) -> int:
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        return statement.id


def ask_for_reset(client, email: str) -> None:
    assert client.submit("/password/forgot", {"email": email}).status_code == 302


def test_exports_and_mail_go_to_the_worker_through_redis(app, client, world, mailbox, with_redis):
    statement_id = signed_statement(app, world)
    client.login(world.emails["coordinator"])

    export_id = ask_for_export(client, statement_id, PDF_A4)
    ask_for_reset(client, world.emails["member"])
    ask_for_reset(client, world.emails["observer"])

    assert not made_here(export_id)  # nothing is made in the web process
    assert export_status(app, export_id) == "pending"
    # one delivery job is enough for both messages: the second finds the first still waiting
    assert waiting_jobs(with_redis).count("statements.core.jobs.run_once") == 1
    assert "statements.export.services.make_file" in waiting_jobs(with_redis)
    assert mail_statuses(app)[-2:] == ["pending", "pending"]

    run_worker(app)
    assert export_status(app, export_id) == "done"
    ready = client.get(f"/exports/{export_id}").get_data(as_text=True)
    assert "Your file is ready" in ready and f'href="/statements/{statement_id}">Back to the statement</a>' in ready
    assert client.get(f"/exports/{export_id}/download").data.startswith(b"%PDF-")
    assert mail_statuses(app)[-2:] == ["sent", "sent"]
    assert [m["Subject"] for m in mailbox.to(world.emails["member"])] == ["Reset your Statements password"]
    assert mailbox.to(world.emails["observer"])
    assert waiting_jobs(with_redis) == []

    ask_for_reset(client, world.emails["admin"])  # the first job has started: this mail needs a job of its own
    assert waiting_jobs(with_redis) == ["statements.core.jobs.run_once"]


def test_when_redis_is_down_exports_are_made_here_and_mail_waits_for_the_sender(app, client, world, mailbox,
                                                                                with_redis, caplog):
    statement_id = signed_statement(app, world)
    client.login(world.emails["coordinator"])
    with_redis.stop()

    with caplog.at_level(logging.WARNING):
        export_id = ask_for_export(client, statement_id, PDF_A4)
        ask_for_reset(client, world.emails["member"])
    assert made_here(export_id)  # in a thread of the web process, as without Redis
    wait_for_files()
    assert export_status(app, export_id) == "done"
    assert client.get(f"/exports/{export_id}/download").data.startswith(b"%PDF-")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Redis cannot be reached" in w and "make_file" in w for w in warnings), warnings
    assert any("Redis cannot be reached" in w and "deliver_pending" in w for w in warnings), warnings

    # the mail is safe in the outbox; the periodic sender delivers it
    assert mail_statuses(app)[-1] == "pending"
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert set(mail_statuses(app)) == {"sent"}
    assert mailbox.to(world.emails["member"])

    # Redis is back on the same address: the running app queues work there again
    with_redis.start()
    docx_id = ask_for_export(client, statement_id, DOCX_LETTER)
    ask_for_reset(client, world.emails["observer"])
    assert not made_here(docx_id)
    assert sorted(waiting_jobs(with_redis)) == ["statements.core.jobs.run_once", "statements.export.services.make_file"]
    run_worker(app)
    assert export_status(app, docx_id) == "done"
    assert mailbox.to(world.emails["observer"])


def test_the_worker_needs_redis_url(app):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "Set REDIS_URL to run a worker" in result.output


def wait_until(check, within: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"waited {within} s for {what}"
        time.sleep(0.2)


def test_the_worker_process_makes_exports_and_keeps_sending_mail_while_redis_is_down(
        app, client, world, mailbox, with_redis, start_worker):
    statement_id = signed_statement(app, world)
    client.login(world.emails["coordinator"])
    worker = start_worker("--mail-interval", "1", REDIS_URL=with_redis.url)

    export_id = ask_for_export(client, statement_id, PDF_A4)
    ask_for_reset(client, world.emails["member"])
    wait_until(lambda: export_status(app, export_id) == "done", what="the export")
    wait_until(lambda: mailbox.to(world.emails["member"]), what="the mail")

    with_redis.stop()
    ask_for_reset(client, world.emails["observer"])  # nothing can be queued: the worker's own round sends it
    wait_until(lambda: mailbox.to(world.emails["observer"]), within=30, what="the mail with Redis down")
    assert worker.poll() is None, worker.log.read_text()  # waiting for Redis, not gone

    with_redis.start()
    docx_id = ask_for_export(client, statement_id, DOCX_LETTER)
    assert not made_here(docx_id)
    wait_until(lambda: export_status(app, docx_id) == "done", what="the worker to find Redis again")


def test_a_worker_started_while_redis_is_down_sends_mail_and_waits_for_redis(
        app, client, world, mailbox, with_redis, start_worker):
    statement_id = signed_statement(app, world)
    client.login(world.emails["coordinator"])
    with_redis.stop()
    worker = start_worker("--mail-interval", "1", REDIS_URL=with_redis.url)

    ask_for_reset(client, world.emails["member"])
    wait_until(lambda: mailbox.to(world.emails["member"]), within=30, what="the mail with Redis down")
    assert worker.poll() is None, worker.log.read_text()
    assert "the worker tries again" in worker.log.read_text()

    with_redis.start()
    export_id = ask_for_export(client, statement_id, PDF_A4)
    assert not made_here(export_id)
    wait_until(lambda: export_status(app, export_id) == "done", what="the worker to find Redis")
    worker.terminate()
    assert worker.wait(timeout=30) == 0, worker.log.read_text()


def test_the_worker_in_burst_mode_says_when_redis_cannot_be_reached(app, with_redis):
    with_redis.stop()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "Redis cannot be reached" in result.output


def test_many_asks_in_a_moment_queue_one_job_after_all_of_them(app, with_redis):
    """Sign-ons of a burst each ask for their mail to be delivered: one job is queued for all those of a moment,
    a moment after the last, and an ask once that job has started queues the next."""
    from concurrent.futures import ThreadPoolExecutor

    from statements.core import jobs

    def ask(_):
        with app.app_context():
            jobs.enqueue_gathered("statements.mail.services.deliver_pending")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(ask, range(200)))
    assert waiting_after_a_moment(with_redis) == ["statements.core.jobs.run_once"]

    run_worker(app)  # (the job clears its mark as it starts: what is committed after it needs a job of its own)
    assert waiting_jobs(with_redis) == []
    ask(0)
    assert waiting_after_a_moment(with_redis) == ["statements.core.jobs.run_once"]


def waiting_after_a_moment(server, seconds: float = 5.0) -> list[str]:
    from statements.core import jobs

    deadline = time.monotonic() + seconds
    while not waiting_jobs(server) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(jobs.GATHER_SECONDS * 4)  # (and nothing more after it)
    return waiting_jobs(server)
