"""Two sign-ons' work made to interleave at a chosen point, on either database.

On SQLite the same-name lookup and the write it calls for are two statements of one transaction: a test
pauses between them by wrapping `services.find_same_name`. On PostgreSQL they are one statement, whose parts
all see the database as it began: there another transaction holds a row lock that the statement's write waits
for, having looked already, until every statement expected is waiting; then lets it go.
"""

import threading
import time
from contextlib import contextmanager

from sqlalchemy import text

from statements.signons import services

WAITING_FOR_A_LOCK = text("SELECT count(*) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND wait_event_type = 'Lock'")


def wait_until_waiting(engine, count: int, timeout: float = 10) -> None:
    """Return once `count` sessions of this database wait for a lock (on PostgreSQL)."""
    deadline = time.monotonic() + timeout
    with engine.connect() as connection:
        while connection.scalar(WAITING_FOR_A_LOCK) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} statements never came to wait for the lock held")
            time.sleep(0.02)
            connection.rollback()  # (a fresh look each time)


@contextmanager
def held(engine, sql: str, values: dict):
    """Run `sql` (which takes row locks) in a transaction kept open until the block ends, then commit it."""
    with engine.connect() as connection:
        with connection.begin():
            connection.execute(text(sql), values)
            yield


@contextmanager
def looking_before_storing(app, monkeypatch, statement_id: int, people: int):
    """Make `people` sign-ons sent at once each look for their name before any of them is stored. Yields a
    function to call once they are all sent; they go on when the block ends."""
    from statements.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        # a new sign-on's INSERT checks its statement's row (its foreign key) with a lock that this one blocks
        with held(engine, "SELECT id FROM statement WHERE id = :id FOR UPDATE", {"id": statement_id}):
            yield lambda: wait_until_waiting(engine, people)
        return
    all_looked, looked = threading.Barrier(people, timeout=10), []
    original = services.find_same_name

    def look_then_wait(connection, statement, signon):
        found = original(connection, statement, signon)
        looked.append(found)
        all_looked.wait()
        return found

    def all_sent():
        deadline = time.monotonic() + 10
        while len(looked) < people:
            assert time.monotonic() < deadline, f"{people} sign-ons never came to look for their name"
            time.sleep(0.01)

    monkeypatch.setattr(services, "find_same_name", look_then_wait)
    try:
        yield all_sent
    finally:
        monkeypatch.setattr(services, "find_same_name", original)
