"""Installations for the moving, backup and export tests: migrated SQLite files and PostgreSQL schemas,
filled with the demo data and the rows the demo lacks."""

import logging
import re
import uuid
from contextlib import contextmanager
from datetime import timedelta, timezone, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from statements import create_app
from statements.extensions import db
from tests.conftest import POSTGRES_URL, Client, postgres_required

#: bytes of every value, as a logo file could hold them
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3


@contextmanager
def logging_kept():
    """Alembic's env.py configures logging from alembic.ini: put the test run's logging back afterwards."""
    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [lg for lg in manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    saved = [(lg, lg.disabled, lg.level, list(lg.handlers), lg.propagate) for lg in loggers]
    try:
        yield
    finally:
        for lg, disabled, level, handlers, propagate in saved:
            lg.disabled, lg.level, lg.handlers, lg.propagate = disabled, level, handlers, propagate


def require_postgres() -> None:
    if not POSTGRES_URL:
        if postgres_required():
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")


class Databases:
    """Make databases and apps on them; drop and close them all at the end of the test."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.apps, self.schemas = [], []

    def sqlite(self, name: str) -> str:
        return f"sqlite:///{self.folder / (name + '.sqlite3')}"

    def postgres(self) -> str:
        """Return the URL of a new, empty PostgreSQL schema."""
        require_postgres()
        schema = f"operations_{uuid.uuid4().hex[:10]}"
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        self.schemas.append(schema)
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def url(self, kind: str, name: str) -> str:
        return self.postgres() if kind == "postgresql" else self.sqlite(name)

    def app(self, url: str, migrated: bool = True):
        """Return an app on this database, migrated to head unless told otherwise."""
        app = create_app({
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": "test-secret-key",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_STORAGE_URI": "memory://",
            "BASE_URL": "http://localhost",
        })
        app.test_client_class = Client
        self.apps.append(app)
        if migrated:
            with logging_kept(), app.app_context():
                upgrade()
        return app

    def close(self) -> None:
        for app in self.apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        if self.schemas:
            engine = create_engine(POSTGRES_URL)
            with engine.begin() as connection:
                for schema in self.schemas:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


@pytest.fixture
def databases(tmp_path):
    made = Databases(tmp_path)
    yield made
    made.close()


def fill(app) -> None:
    """Load the demo (statements with many revisions, threads, 321 sign-ons), then rows it has none of."""
    from statements.accounts.models import (
        EmailChange, Invitation, LoginSession, TranslatorGrant, User, session_key_hash,
    )
    from statements.comments.models import Mention, Thread, ThreadRead
    from statements.demo import load_demo
    from statements.drafts.models import Correction, Revision, Statement, StatementRead
    from statements.export.models import ExportFile, NetworkSettings
    from statements.notifications.models import Notification, NotificationPreference, ReminderSent
    from statements.signons.models import PartnerLink, SignOn
    from statements.talking_points.models import PointUse, TalkingPoint

    with app.app_context():
        load_demo()
        db.session.flush()
        admin = db.session.scalar(select(User).where(User.email_normalized == "admin@example.org"))
        observer = db.session.scalar(select(User).where(User.email_normalized == "observer@example.org"))
        observer.last_login_at = datetime(2026, 3, 1, 12, 30, 15, 123456,
                                          tzinfo=timezone(timedelta(hours=5)))
        signing = db.session.scalar(select(Statement).where(Statement.slug == "loss-and-damage"))
        drafting = db.session.scalar(select(Statement).where(Statement.slug == "no-one-left-behind"))
        db.session.add(NetworkSettings(name="Réseau · شبكة", logo=LOGO, logo_type="image/png"))
        db.session.add(ExportFile(statement_id=signing.id, cache_key=f"{signing.id}:pdf:country:a4:x", kind="pdf",
                                  status="done", file_name="loss-and-damage-1.pdf", size=12345, pages=4,
                                  started_at=signing.created_at, finished_at=signing.created_at))
        db.session.add(Invitation(email="New.Person@example.org", email_normalized="new.person@example.org",
                                  group_id=signing.group_id, role="member", invited_by_id=admin.id,
                                  expires_at=signing.created_at + timedelta(days=7)))
        db.session.add(LoginSession(user_id=observer.id, key_hash=session_key_hash("a login on one device")))
        db.session.add(EmailChange(user_id=observer.id, old_email="observer@old.example.org",
                                   new_email=observer.email, confirmed_at=signing.created_at))
        point = db.session.scalar(select(TalkingPoint).order_by(TalkingPoint.id))
        db.session.add(PointUse(point_id=point.id, statement_id=drafting.id, revision_number=2,
                                inserted_by_id=admin.id))
        thread = db.session.scalar(select(Thread).where(Thread.original_quote.is_not(None)).order_by(Thread.id))
        thread.anchor_status, thread.similarity = "fuzzy", 0.8125
        db.session.add(StatementRead(user_id=observer.id, statement_id=drafting.id, revision_number=2,
                                     read_at=signing.created_at))
        db.session.add(ThreadRead(user_id=observer.id, thread_id=thread.id, last_comment_id=thread.comments[0].id,
                                  read_at=signing.created_at))
        db.session.add(Mention(comment_id=thread.comments[0].id, user_id=observer.id))
        first_two = db.session.scalars(select(Revision).where(Revision.statement_id == drafting.id)
                                       .order_by(Revision.number).limit(2)).all()
        db.session.add(Correction(statement_id=drafting.id, previous_revision_id=first_two[0].id,
                                  revision_id=first_two[1].id, note="A name spelt right", actor_id=admin.id))
        db.session.add(NotificationPreference(user_id=observer.id, kind="mention", choice="off"))
        db.session.add(ReminderSent(statement_id=signing.id, kind="deadline_near", due_at=signing.created_at))
        db.session.add(Notification(user_id=observer.id, kind="mention", statement_id=drafting.id,
                                    thread_id=thread.id, comment_id=thread.comments[0].id, digest_pending=True))
        db.session.add(TranslatorGrant(statement_id=drafting.id, language="pt", user_id=observer.id,
                                       invited_by_id=admin.id))
        first, twin = db.session.scalars(select(SignOn).order_by(SignOn.id).limit(1)).one(), db.session.scalars(
            select(SignOn).order_by(SignOn.id.desc()).limit(1)).one()
        first.possible_duplicate_of_id = twin.id  # a sign-on pointing at a later one: written in a second pass
        withdrawn = db.session.get(SignOn, first.id + 1)
        withdrawn.status, withdrawn.withdrawn_at, withdrawn.decided_by_id = "withdrawn", twin.created_at, admin.id
        signing.signon_goal = 500
        partner = PartnerLink(statement_id=signing.id, name="Réseau Sahel · شبكة", name_key="réseau sahel · شبكة",
                              token="a-partner-link-token-0123", active=False, created_by_id=admin.id,
                              turned_off_at=twin.created_at)
        db.session.add(partner)
        db.session.flush()
        twin.partner_link_id = partner.id
        db.session.commit()


def table_rows(app, table) -> list[tuple]:
    """Every row of a table as the models read it, in primary-key order."""
    with app.app_context(), db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]


def check_app_works(app) -> None:
    """Log in as a demo member, open a statement, compare two revisions and read the sign-on count."""
    from statements.drafts.models import Correction, Revision, Statement, StatementRead
    from statements.signons.models import SignOn

    with app.app_context():
        drafting = db.session.scalar(select(Statement).where(Statement.slug == "no-one-left-behind"))
        signing = db.session.scalar(select(Statement).where(Statement.slug == "loss-and-damage"))
        drafting_id, title, latest = drafting.id, drafting.title, drafting.latest_number
        total = db.session.scalar(select(func.count()).select_from(SignOn)
                                  .where(SignOn.statement_id == signing.id, SignOn.status == "approved"))
    assert latest == 13 and total == 279  # the demo's 13 revisions; 280 approved, one withdrawn in fill()
    client = app.test_client()
    client.login("member@example.org", "demo-password")
    page = client.get(f"/statements/{drafting_id}").get_data(as_text=True)
    assert title in page, "the statement page does not show its title"
    compare = client.get(f"/statements/{drafting_id}/compare?from=3&to=12")
    assert compare.status_code == 200 and "rising seas" in compare.get_data(as_text=True)
    public = client.get("/s/loss-and-damage").get_data(as_text=True)
    assert re.search(r"<strong>279</strong> organizations have signed", public)
