"""On PostgreSQL a transaction that only read ends with COMMIT, so that the driver keeps the statements it
prepared; one that wrote anything is still rolled back, and what it wrote is gone."""

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from statements.accounts.models import WorkingGroup
from statements.core.db import QuickStatement, utcnow
from statements.extensions import db
from tests.conftest import POSTGRES_URL, skip_or_fail
from tests.factories import PASSWORD

#: a statement no page runs, so that the prepared statements found are this test's own
MARKED_READ = select(WorkingGroup.id.label("reading_marker")).where(WorkingGroup.id == -1)


@pytest.fixture(autouse=True)
def _on_postgresql():
    if not POSTGRES_URL:
        skip_or_fail("psycopg's prepared statements are PostgreSQL's: set TEST_DATABASE_URL to run these")


def prepared_like(marker: str) -> int:
    """How many statements holding `marker` the session's connection has prepared."""
    connection = db.session.connection()
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %(marker)s",
        {"marker": f"%{marker}%"}).scalar_one()
    db.session.remove()
    return found


def group_named(name: str) -> WorkingGroup | None:
    found = db.session.scalars(select(WorkingGroup).where(WorkingGroup.name == name)).first()
    db.session.remove()
    return found


def test_a_statement_read_in_many_requests_stays_prepared(app):
    with app.app_context():
        for _ in range(40):  # (the pool hands out its connections in turn: each runs it more than psycopg's 5)
            db.session.execute(MARKED_READ).all()
            db.session.remove()  # (as each request ends: its transaction is closed)
        assert prepared_like("reading_marker") == 1


def test_what_the_orm_wrote_is_rolled_back_even_after_reading(app):
    with app.app_context():
        db.session.execute(MARKED_READ).all()
        db.session.add(WorkingGroup(name="Written then rolled back"))
        db.session.flush()
        db.session.execute(MARKED_READ).all()  # (a read after the write does not make it a reading transaction)
        db.session.rollback()
        db.session.remove()
        assert group_named("Written then rolled back") is None


def test_a_write_on_the_drivers_cursor_is_rolled_back(app):
    quick_insert = QuickStatement(
        insert(WorkingGroup).values(name="Quickly written", description="", created_at=utcnow()))
    with app.app_context():
        quick_insert.rows(db.session.connection(), {})
        db.session.remove()  # (a request that ends without committing)
        assert group_named("Quickly written") is None


def test_a_transaction_that_failed_is_rolled_back_and_the_connection_works_again(app):
    with app.app_context():
        db.session.add(WorkingGroup(name="Taken"))
        db.session.commit()
        db.session.execute(MARKED_READ).all()
        with pytest.raises(IntegrityError):
            db.session.execute(text("INSERT INTO working_group (name, description) VALUES ('Taken', '')"))
        db.session.rollback()
        assert db.session.execute(select(func.count()).select_from(WorkingGroup)).scalar_one() == 1
        db.session.remove()


def test_a_reading_transaction_that_failed_is_rolled_back_and_the_connection_works_again(app):
    from sqlalchemy.exc import DataError

    with app.app_context():
        db.session.execute(MARKED_READ).all()
        with pytest.raises(DataError):  # (a SELECT that fails leaves the transaction aborted: only a rollback ends it)
            db.session.execute(text("SELECT 1 / 0"))
        db.session.rollback()
        assert db.session.execute(MARKED_READ).all() == []
        db.session.remove()


def test_pages_read_again_and_again_answer_as_before(app, world, make_client):
    member = make_client()
    member.login(world.emails["member"], PASSWORD)
    first = member.get("/")
    for _ in range(12):
        again = member.get("/")
    assert first.status_code == again.status_code == 200
    assert again.text.count("<li") == first.text.count("<li")
    statement_page = member.get(f"/statements/{world.statement_id}")
    assert statement_page.status_code == 200
