"""App processes killed in the middle of a burst of sign-ons and draft saves: a worker killed
by SIGKILL (gunicorn starts another), then gunicorn killed outright and started again.

Every request that was answered with success is in the database exactly once; every request
that was not got a connection error or a 5xx, never a false success; nothing is stored twice.
"""

import html
import http.client
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, func, select

from benchmarks.bench_pages import PostgresSchema, app_environment, flask_command, with_search_path
from benchmarks.bench_signons import form_fields, organizations, send, session_cookies, sign_on_form
from benchmarks.harness import USER_AGENT, GunicornServer, csrf_token
from statements import create_app, gunicorn_config
from statements.drafts.models import Revision
from statements.core.policy import Role
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.signons.models import SignOn
from tests.factories import PASSWORD, make_group, make_membership, make_open_statement, make_statement, make_user

pytestmark = pytest.mark.postgres

#: the app of wsgi.py with no minimum fill time and no per-address limit, so that a burst from
#: one address is served rather than refused (CSRF, honeypot and duplicate checks still run)
APP_TARGET = "benchmarks.signon_app:app"
SIGNONS = 240
SIGNON_CLIENTS = 5
#: how long a client keeps reloading a page while the server is down, as a person would
RELOAD_FOR_SECONDS = 25
BASE_INPUT = re.compile(r'name="base" type="hidden" value="(\d+)"')
TEXTAREA = re.compile(r'<textarea[^>]*\bname="text"[^>]*>\r?\n?(.*?)</textarea>', re.DOTALL)
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


class KillableGunicorn(GunicornServer):
    """gunicorn that can be killed outright and started again on the same port."""

    def kill_everything(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the master and its workers share a group
        self.process.wait(timeout=10)

    def start_again(self) -> None:
        """Start on the same port, so clients carry on at the same address."""
        self.process = subprocess.Popen(
            self.command(self.port), cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._wait_until_ready()


@dataclass
class Record:
    """What the clients were told, and when."""

    acknowledged_signons: list = field(default_factory=list)   # (organization name, time)
    failed_signons: list = field(default_factory=list)         # names whose POST got no success
    acknowledged_saves: list = field(default_factory=list)     # (note, time)
    failed_saves: list = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)         # "connection error" or the 5xx status
    unexpected: list = field(default_factory=list)             # anything else: a test failure
    lock: threading.Lock = field(default_factory=threading.Lock)

    def failure(self, kind: str, outcome) -> None:
        with self.lock:
            if isinstance(outcome, Exception):
                self.failures[f"{kind}: connection error"] += 1
            elif outcome.status >= 500:
                self.failures[f"{kind}: {outcome.status}"] += 1
            else:
                self.unexpected.append(f"{kind}: {outcome.status} {outcome.headers.get('Location', '')}")


@contextmanager
def _removed(folder: str):
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def served(postgres_url):
    """gunicorn with 2 sync workers on a fresh, migrated schema, with a statement open for
    sign-on and a draft its member edits."""
    instance = tempfile.mkdtemp(prefix="statements-fault-")
    with PostgresSchema(postgres_url) as schema, _removed(instance):
        url = with_search_path(schema.url, schema.name)
        env = app_environment(instance, url)
        flask_command(env, "db", "upgrade")  # once, before the workers start: they must not race
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": env["SECRET_KEY"],
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            coordinator, member = make_user("coordinator@example.org"), make_user("member@example.org")
            group = make_group("Climate and Displacement")
            make_membership(coordinator, group, Role.COORDINATOR)
            make_membership(member, group, Role.MEMBER)
            open_statement = make_open_statement(coordinator, group)
            draft = make_statement(member, group, "Heat and the right to stop work", ["Workers need water and shade."])
            db.session.commit()
            ids = {"slug": open_statement.slug, "statement_id": open_statement.id, "draft_id": draft.id}
            db.session.remove()
            db.engine.dispose()
        # threaded workers, as statements/gunicorn_config.py serves the app: a killed worker takes
        # several requests under way with it at once
        server = KillableGunicorn(APP_TARGET, workers=2, worker_class="gthread", threads=gunicorn_config.threads,
                                  env=env, ready_path="/login")
        engine = create_engine(url)
        try:
            server.start()
            yield server, engine, ids
        finally:
            server.stop()
            engine.dispose()


def fetch(port: int, path: str, deadline: float, cookies: dict | None = None):
    """GET a page, reloading while the server is down (a GET changes nothing, so it may be repeated)."""
    while True:
        try:
            reply = send(port, "GET", path, cookies=cookies, timeout=20)
            if reply.status < 500 or time.monotonic() > deadline:
                return reply
        except CONNECTION_ERRORS:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def sign_on(port: int, slug: str, organization: dict, record: Record) -> None:
    name = organization["organization_name"]
    try:
        page = fetch(port, f"/s/{slug}", time.monotonic() + RELOAD_FOR_SECONDS)
    except CONNECTION_ERRORS as error:
        record.failure("sign-on page", error)
        return
    if page.status != 200:
        record.failure("sign-on page", page)
        return
    try:
        answer = send(port, "POST", f"/s/{slug}/sign", cookies=session_cookies(page),
                      form=sign_on_form(form_fields(page), organization), timeout=20)
    except CONNECTION_ERRORS as error:  # the answer was lost: the sign-on may or may not be stored
        with record.lock:
            record.failed_signons.append(name)
        record.failure("sign-on", error)
        return
    if answer.status in (302, 303) and "/check-email" in (answer.headers.get("Location") or ""):
        with record.lock:
            record.acknowledged_signons.append((name, time.monotonic()))
    else:
        with record.lock:
            record.failed_signons.append(name)
        record.failure("sign-on", answer)


def save_draft(port: int, draft_id: int, cookies: dict, number: int, record: Record) -> None:
    note = f"save {number}"
    try:
        page = fetch(port, f"/statements/{draft_id}/edit", time.monotonic() + RELOAD_FOR_SECONDS, cookies)
    except CONNECTION_ERRORS as error:
        record.failure("edit page", error)
        return
    if page.status != 200:
        record.failure("edit page", page)
        return
    text = html.unescape(TEXTAREA.search(page.text).group(1)).split("\n\nSave ")[0] + f"\n\nSave {number}."
    form = {"csrf_token": csrf_token(page.text), "base": BASE_INPUT.search(page.text).group(1), "text": text,
            "note": note}
    try:
        answer = send(port, "POST", f"/statements/{draft_id}/edit", cookies=cookies, form=form, timeout=20)
    except CONNECTION_ERRORS as error:
        with record.lock:
            record.failed_saves.append(note)
        record.failure("save", error)
        return
    if answer.status in (302, 303) and (answer.headers.get("Location") or "").endswith(f"/statements/{draft_id}"):
        with record.lock:
            record.acknowledged_saves.append((note, time.monotonic()))
    else:
        with record.lock:
            record.failed_saves.append(note)
        record.failure("save", answer)


def log_in(port: int, email: str) -> dict:
    page = send(port, "GET", "/login")
    cookies = session_cookies(page)
    answer = send(port, "POST", "/login", cookies=cookies,
                  form={"csrf_token": csrf_token(page.text), "email": email, "password": PASSWORD})
    assert answer.status == 302, f"logging in answered {answer.status}"
    return {**cookies, **session_cookies(answer)}


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_killed_worker_and_killed_server_lose_no_acknowledged_signon_or_save(served):
    server, engine, ids = served
    port, slug, draft_id = server.port, ids["slug"], ids["draft_id"]
    member_cookies = log_in(port, "member@example.org")
    record = Record()
    units = iter(organizations(SIGNONS, seed=7))
    units_lock = threading.Lock()
    done = [0]
    burst_over = threading.Event()

    def signer() -> None:
        while True:
            with units_lock:
                organization = next(units, None)
            if organization is None:
                return
            sign_on(port, slug, organization, record)
            with units_lock:
                done[0] += 1

    def saver() -> None:
        number = 0
        while not burst_over.is_set():
            number += 1
            save_draft(port, draft_id, member_cookies, number, record)

    threads = [threading.Thread(target=signer, daemon=True) for _ in range(SIGNON_CLIENTS)]
    threads.append(threading.Thread(target=saver, daemon=True))
    for thread in threads:
        thread.start()
    try:
        # a third of the way in: SIGKILL one worker in the middle of its work; gunicorn replaces it
        wait_for(lambda: done[0] >= SIGNONS // 3, 40, "a third of the sign-ons")
        master, workers = server.pids()
        os.kill(workers[0], signal.SIGKILL)
        wait_for(lambda: len(server.pids()[1]) == 2 and workers[0] not in server.pids()[1], 30,
                 "gunicorn to replace the killed worker")
        assert server.pids()[0] == master

        # two thirds of the way in: SIGKILL the master and its workers at once, then start again
        wait_for(lambda: done[0] >= 2 * SIGNONS // 3, 40, "two thirds of the sign-ons")
        server.kill_everything()
        time.sleep(0.5)  # clients meet a closed port for a moment, as they would during a real restart
        server.start_again()
        restarted_at = time.monotonic()
        wait_for(lambda: done[0] >= SIGNONS, 45, "the last sign-ons")
    finally:
        burst_over.set()
        for thread in threads:
            thread.join(timeout=45)
    assert not any(thread.is_alive() for thread in threads)

    assert record.unexpected == [], "requests that failed must get a connection error or a 5xx"
    assert record.failures, "the kills cut requests off in the middle (else this test showed nothing)"
    acknowledged = [name for name, _ in record.acknowledged_signons]
    saves = [note for note, _ in record.acknowledged_saves]
    assert len(acknowledged) + len(record.failed_signons) == SIGNONS
    assert any(at > restarted_at for _, at in record.acknowledged_signons), "sign-ons succeed after the restart"
    assert any(at > restarted_at for _, at in record.acknowledged_saves), "saves succeed after the restart"

    with engine.connect() as connection:
        statement_id = ids["statement_id"]
        stored = Counter(connection.scalars(select(SignOn.organization_name)
                                            .where(SignOn.statement_id == statement_id)))
        mails = Counter(connection.scalars(select(OutboxMessage.to_address)))
        emails = dict(connection.execute(select(SignOn.organization_name, SignOn.contact_email)).all())
        notes = Counter(connection.scalars(select(Revision.note).where(Revision.statement_id == draft_id)))
        numbers = sorted(connection.scalars(select(Revision.number).where(Revision.statement_id == draft_id)))
    assert [name for name, count in stored.items() if count > 1] == [], "no sign-on is stored twice"
    assert all(stored[name] == 1 for name in acknowledged), "every acknowledged sign-on is stored once"
    assert set(stored) <= set(acknowledged) | set(record.failed_signons)
    # the confirmation mail is written with the sign-on: none without the other
    assert all(mails[emails[name]] == 1 for name in stored)
    assert all(notes[note] == 1 for note in saves), "every acknowledged save is a revision, once"
    assert set(notes) - {"First draft"} <= set(saves) | set(record.failed_saves)
    assert numbers == list(range(1, len(numbers) + 1)), "revision numbers have no gap and no repeat"
    print(f"\n{len(acknowledged)} sign-ons and {len(saves)} saves acknowledged and stored; "
          f"{len(set(stored) - set(acknowledged))} stored whose answer was lost; failures {dict(record.failures)}")
