"""Shared fixtures: an app on a real database file (or PostgreSQL), a clean slate per test,
users in every role, a real SMTP server on loopback, and a client that handles CSRF."""

import os
import re
import socket
import tempfile
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

_INSTANCE = tempfile.mkdtemp(prefix="statements-test-")
os.environ["STATEMENTS_INSTANCE"] = _INSTANCE
for name in ("DATABASE_URL", "SMTP_HOST", "REDIS_URL", "MAIL_SEND_IN_PROCESS", "STATEMENTS_ENV", "SECRET_KEY",
             "TRUSTED_PROXIES", "HSTS_SECONDS", "LOG_LEVEL"):
    os.environ.pop(name, None)

def _compile_catalogs() -> None:
    """Compile the interface's translations when a catalog changed, as scripts/setup.sh does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parents[1] / "statements" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parts[-3])
            with mo.open("wb") as target:
                write_mo(target, catalog)


_compile_catalogs()

from statements import create_app  # noqa: E402
from statements.extensions import db, limiter  # noqa: E402

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
CSRF_PATTERN = re.compile(r'name="csrf-token" content="([^"]+)"')


def postgres_required() -> bool:
    return os.environ.get("REQUIRE_POSTGRES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with the reason, or fail with it when REQUIRE_POSTGRES=1 (CI's PostgreSQL pass)."""
    if postgres_required():
        pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


class Client(FlaskClient):
    """A test client that fills in the CSRF token the way a browser form would."""

    def csrf_token(self) -> str:
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        return CSRF_PATTERN.search(page).group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def login(self, email: str, password: str = "correct horse battery"):
        return self.submit("/login", {"email": email, "password": password})


def _database_uri():
    """Return the URI and engine options: a schema of our own on PostgreSQL, or a SQLite file."""
    if not POSTGRES_URL:
        return f"sqlite:///{Path(_INSTANCE) / 'test.sqlite3'}", {}, None
    schema = f"test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return POSTGRES_URL, {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}, schema


@pytest.fixture(scope="session")
def app():
    uri, engine_options, schema = _database_uri()
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "SECRET_KEY": "test-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        "MAIL_FILE_DIR": str(Path(_INSTANCE) / "sent-mail"),
    })
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if schema:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(autouse=True)
def _clean_slate(request, app):
    """Give each test empty tables and fresh rate limits."""
    yield
    from statements.export.services import forget_network_look, running_threads
    from statements.signons.views import public_pages

    for thread in list(running_threads):
        thread.join(timeout=300)  # files being made finish before their rows are emptied
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()
        forget_network_look()  # the network's name and logo as the emptied tables have them: none
    public_pages(app).clear()  # ids start again after the tables are emptied


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def make_client(app):
    """Open another independent browser-like client (another person)."""
    return app.test_client


@pytest.fixture
def world(app):
    """A home working group with one person per role, an admin, and a coordinator of another group."""
    from tests.factories import build_world

    with app.app_context():
        return build_world()


# --- a real SMTP server on loopback -----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """What a real SMTP server on loopback has received."""

    def __init__(self, app):
        self.app = app
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def deliver(self):
        """Run the outbox sender once, as the CLI or background sender would."""
        from statements.mail.services import deliver_pending

        with self.app.app_context():
            return deliver_pending()

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link_in(self, message, path_part: str) -> str:
        """Return the path of the first link in a message whose URL contains path_part."""
        for url in re.findall(r"https?://\S+", self.body(message)):
            if path_part in url:
                return re.sub(r"^https?://[^/]+", "", url)
        raise AssertionError(f"no link containing {path_part!r} in:\n{self.body(message)}")


@pytest.fixture
def mailbox(app, monkeypatch):
    from aiosmtpd.controller import Controller

    box = Mailbox(app)
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    yield box
    controller.stop()


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counted:` block (counted[0])."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        counted = [0]

        def before(*args, **kwargs):
            counted[0] += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def answered_by_the_app(app):
    """Count the requests that reach Flask inside a `with answered_by_the_app() as reached:` block (reached[0]);
    given a test of the path, only those whose path passes it (the rest are answered without Flask, or
    were never asked)."""
    from contextlib import contextmanager

    from flask import request, request_started

    @contextmanager
    def counting(counted=lambda path: True):
        reached = [0]

        def count(sender, **extra):
            reached[0] += bool(counted(request.path))

        with request_started.connected_to(count, app):
            yield reached

    return counting


def cookieless(app):
    """A client for a visitor who carries no cookie."""
    return app.test_client(use_cookies=False)
