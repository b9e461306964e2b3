"""A statement run on the driver's cursor behaves as SQLAlchemy's own execution of it: the values converted by the
column types, the transaction begun for its caller to commit or roll back, events seen, errors wrapped."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, event, exc, func, insert, select

from statements.core.db import QuickStatement, in_session_transaction
from statements.extensions import db
from statements.mail.models import OutboxMessage

OUTBOX = OutboxMessage.__table__
NEW_MAIL = QuickStatement(insert(OUTBOX).values(
    to_address=bindparam("to_address"), subject="Hello", body_text="", created_at=bindparam("at"),
    next_attempt_at=bindparam("at"), status="pending", attempts=0).returning(OUTBOX.c.id))
SENT_TO = QuickStatement(select(OUTBOX.c.id, OUTBOX.c.subject, OUTBOX.c.created_at)
                         .where(OUTBOX.c.to_address == bindparam("to_address")).order_by(OUTBOX.c.id).limit(1))


def stored(address: str) -> list:
    return db.session.execute(select(OutboxMessage.subject, OutboxMessage.created_at)
                              .where(OutboxMessage.to_address == address)).all()


def test_a_row_written_and_read_back_as_the_orm_reads_it(app_context):
    moment = datetime(2026, 12, 6, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    with db.engine.connect() as connection:
        new_id = NEW_MAIL.scalar(connection, {"to_address": "one@example.org", "at": moment})
        found = SENT_TO.first(connection, {"to_address": "one@example.org"})
        connection.commit()
    assert isinstance(new_id, int) and found[0] == new_id and found[1] == "Hello"
    # the time was stored as the column's type stores it: in UTC
    assert stored("one@example.org") == [("Hello", datetime(2026, 12, 6, 8, 30, tzinfo=timezone.utc))]
    with db.engine.connect() as connection:
        assert SENT_TO.first(connection, {"to_address": "nobody@example.org"}) is None
        assert SENT_TO.scalar(connection, {"to_address": "nobody@example.org"}) is None


def test_what_is_written_is_kept_only_when_its_caller_commits(app_context):
    with db.engine.connect() as connection:
        NEW_MAIL.rows(connection, {"to_address": "undone@example.org", "at": datetime.now(timezone.utc)})
        assert connection.in_transaction()
        connection.rollback()
    assert stored("undone@example.org") == []


def test_a_statement_on_the_sessions_connection_is_part_of_its_transaction(app_context):
    NEW_MAIL.rows(db.session.connection(), {"to_address": "session@example.org", "at": datetime.now(timezone.utc)})
    assert len(stored("session@example.org")) == 1  # seen by the session before the commit
    db.session.rollback()
    assert stored("session@example.org") == []


def test_each_run_is_seen_by_the_engines_events(app_context):
    seen = []

    def before(connection, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        with db.engine.connect() as connection:
            SENT_TO.rows(connection, {"to_address": "x@example.org"})
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert len(seen) == 1 and seen[0].startswith("SELECT outbox_message.id")


def test_the_databases_refusal_comes_wrapped_as_sqlalchemy_wraps_it(app_context):
    with db.engine.connect() as connection:
        with pytest.raises(exc.IntegrityError):  # to_address is NOT NULL
            NEW_MAIL.rows(connection, {"to_address": None, "at": datetime.now(timezone.utc)})
        connection.rollback()


def test_a_value_the_column_type_refuses_is_refused_before_anything_is_sent(app_context):
    with db.engine.connect() as connection:
        with pytest.raises(ValueError, match="naive datetime"):
            NEW_MAIL.rows(connection, {"to_address": "naive@example.org", "at": datetime(2026, 1, 1)})


def test_a_row_for_an_insert_gets_each_columns_default_as_the_orm_gives_it():
    from statements.core.db import with_defaults

    row = with_defaults(OUTBOX, {"to_address": "a@example.org", "subject": "Hi", "attempts": 2})
    assert "id" not in row  # (the database numbers it)
    assert row["to_address"] == "a@example.org" and row["attempts"] == 2  # given
    assert row["status"] == "pending" and row["sent_at"] is None  # a plain default, and none
    assert row["created_at"].tzinfo is not None  # a default made when the row is
    assert list(row) == [column.key for column in OUTBOX.columns if column.key != "id"]
    assert with_defaults(OUTBOX, {"id": 7})["id"] == 7


def test_a_value_left_out_is_refused_rather_than_sent_as_null(app_context):
    with db.engine.connect() as connection:
        with pytest.raises(ValueError, match="no value given for to_address"):
            SENT_TO.rows(connection, {})


def test_asking_whether_the_session_has_a_transaction_makes_no_session(app_context):
    assert not db.session.registry.has()
    assert in_session_transaction() is False
    assert not db.session.registry.has()  # (nothing made, so nothing to close as the request ends)
    db.session.execute(select(1))
    assert in_session_transaction() is True
    db.session.commit()
    assert in_session_transaction() is False


def test_a_statement_of_one_value_or_none_is_given_them_in_order(app_context):
    """Drivers whose values are positional get them as a tuple, however few (one alone, or none)."""
    addresses_like = QuickStatement(select(func.count()).select_from(OUTBOX)
                                    .where(OUTBOX.c.to_address.like(bindparam("pattern"))))
    all_mail = QuickStatement(select(func.count()).select_from(OUTBOX))
    with db.engine.connect() as connection:
        NEW_MAIL.scalar(connection, {"to_address": "one@example.org", "at": datetime.now(timezone.utc)})
        NEW_MAIL.scalar(connection, {"to_address": "two@example.net", "at": datetime.now(timezone.utc)})
        assert addresses_like.scalar(connection, {"pattern": "%@example.org"}) == 1
        assert all_mail.scalar(connection, {}) == 2
