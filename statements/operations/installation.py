"""What moving rows between databases needs: the schema head, table order, emptiness, id sequences."""

from contextlib import contextmanager

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import Table, bindparam, func, inspect, insert, literal, select, text, update
from sqlalchemy.engine import Connection, Engine

from statements.core.errors import DomainError
from statements.extensions import db

#: rows read and written at a time, so a large installation moves in bounded memory
BATCH = 1000


class Refused(DomainError):
    """The operation cannot run on these databases or this file; nothing was written."""


def schema_head() -> str:
    """Return the migration revision this release's models describe."""
    return ScriptDirectory(current_app.extensions["migrate"].directory).get_current_head()


def schema_revision(connection: Connection) -> str | None:
    """Return the migration revision a database is at, or None when it was never migrated."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def check_at_head(connection: Connection, what: str, elsewhere: bool = False) -> str:
    """Refuse unless the database has been migrated to this release's head; return the head."""
    head, revision = schema_head(), schema_revision(connection)
    upgrade = ("Run `DATABASE_URL=<its URL> flask --app wsgi db upgrade` first." if elsewhere
               else "Run `flask --app wsgi db upgrade` first.")
    if revision is None:
        raise Refused(f"{what} has not been migrated (it has no alembic_version table). {upgrade}")
    if revision != head:
        raise Refused(f"{what} is at migration {revision}, but this release is at {head}. {upgrade}")
    return head


def check_empty(connection: Connection, what: str, elsewhere: bool = False) -> None:
    """Refuse unless the database is migrated to head and every table is empty."""
    check_at_head(connection, what, elsewhere)
    filled = [table.name for table in db.metadata.sorted_tables
              if connection.scalar(select(literal(1)).select_from(table).limit(1)) is not None]
    if filled:
        raise Refused(f"{what} already holds data (in {', '.join(filled[:4])}{' …' if len(filled) > 4 else ''}). "
                      "Use a new, empty database that has only been migrated. Nothing was written.")


def ordered_tables(exclude: frozenset[str] = frozenset()) -> list[tuple[Table, list[str]]]:
    """Return the tables parents first, each with the foreign keys that must be filled in a second pass.

    A key waits when it points at its own table (a sign-on flagged as a duplicate of a later one) or at a
    table that comes later (a statement's final revision): such rows are written with it empty, then updated.
    """
    written, order = set(), []
    for table in db.metadata.sorted_tables:
        if table.name in exclude:
            continue
        waiting = sorted({key.parent.name for key in table.foreign_keys
                          if key.column.table.name == table.name or key.column.table.name not in written})
        assert all(table.c[name].nullable for name in waiting), f"{table.name}: a cyclic key must be nullable"
        written.add(table.name)
        order.append((table, waiting))
    return order


def insert_rows(connection: Connection, table: Table, rows: list[dict], waiting: list[str]) -> list[dict]:
    """Insert rows with their ids; return the waiting keys to set once every table is written."""
    later = []
    if waiting:
        primary_key = table.primary_key.columns
        for row in rows:
            if any(row[name] is not None for name in waiting):
                later.append({**{f"pk_{c.name}": row[c.name] for c in primary_key},
                              **{f"v_{name}": row[name] for name in waiting}})
                row.update(dict.fromkeys(waiting))
    if rows:
        connection.execute(insert(table), rows)
    return later


def set_waiting_keys(connection: Connection, table: Table, waiting: list[str], later: list[dict]) -> None:
    """Second pass: point the rows written with empty keys at the rows they refer to."""
    if not later:
        return
    statement = (update(table)
                 .where(*[c == bindparam(f"pk_{c.name}") for c in table.primary_key.columns])
                 .values({name: bindparam(f"v_{name}") for name in waiting}))
    for start in range(0, len(later), BATCH):
        connection.execute(statement, later[start:start + BATCH])


def reset_sequences(connection: Connection) -> None:
    """Move every PostgreSQL id sequence past the largest id, so the next row gets a fresh id."""
    if connection.dialect.name != "postgresql":
        return  # SQLite gives a new row max(id) + 1 by itself
    quote = connection.dialect.identifier_preparer.quote
    for table in db.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                     {"table": quote(table.name), "column": column.name})
        if sequence is None:
            continue
        highest = connection.scalar(select(func.max(column)))
        # with is_called false the next value is 1 itself: an empty table starts at 1 again
        connection.execute(text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
                           {"sequence": sequence, "value": highest or 1, "called": highest is not None})


@contextmanager
def snapshot(engine: Engine):
    """Yield a connection that reads one consistent state of the database while others keep writing."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            with connection.begin():
                yield connection
        return
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # Python's sqlite3 opens no transaction for reads: without BEGIN each SELECT would see a newer state
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def read_rows(connection: Connection, table: Table):
    """Yield a table's rows as dicts in batches, in primary-key order."""
    result = connection.execution_options(stream_results=True).execute(
        select(table).order_by(*table.primary_key.columns))
    for partition in result.partitions(BATCH):
        yield [row._asdict() for row in partition]
