"""Declarative base, naming convention, time columns and SQLite connection settings."""

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache
from operator import itemgetter

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Store naive UTC, hand back aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else _naive_utc(value)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)

    def bind_processor(self, dialect):
        """On SQLite, a time written as text in one step, the text SQLAlchemy's DATETIME writes after
        `process_bind_param` (a sign-on writes several: each took two functions and a dict of seven fields)."""
        impl = self.impl_instance.dialect_impl(dialect)
        if dialect.name == "sqlite" and getattr(impl, "_storage_format", None) == _SQLITE_TIME_FORMAT:
            return _utc_as_sqlite_text
        return super().bind_processor(dialect)


#: how SQLAlchemy writes a time on SQLite unless told otherwise: the text `_utc_as_sqlite_text` writes
_SQLITE_TIME_FORMAT = ("%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d")


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _utc_as_sqlite_text(value: datetime | None) -> str | None:
    return None if value is None else _naive_utc(value).isoformat(" ", "microseconds")


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """Turn on WAL, foreign keys and a busy timeout for every SQLite connection, and keep its temporary files in
    memory: a statement that may write several rows and then fail (an INSERT ... SELECT, as a sign-on's) keeps the
    pages it changes in a statement journal, which SQLite otherwise often writes to a new file in the system's
    temporary folder, made and removed within the transaction (sorts too large for memory are not expected here)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


#: in the info of a PostgreSQL connection: whether its transaction ran anything but a SELECT
_WROTE = "statements.transaction_wrote"


def end_reading_transactions_with_commit(engine: Engine) -> None:
    """On PostgreSQL, end a transaction that ran nothing but SELECTs with COMMIT rather than ROLLBACK.

    Both end such a transaction alike on the server, but psycopg forgets every statement it prepared on the
    connection at each ROLLBACK (a rollback may undo the DDL a prepared statement depended on). A request that
    only reads ends its session's transaction with a rollback, so without this the statements of a page were
    never kept prepared, and the server planned each of them again on every request: most of its work for
    the pages a member works in. A transaction that wrote anything, or ran a statement not known to be a
    SELECT, or failed on the server, is rolled back as before."""
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "begin", _transaction_begins)
    event.listen(engine, "before_cursor_execute", _note_writing)
    event.listen(engine, "rollback", _commit_if_only_read)


def _transaction_begins(connection) -> None:
    connection.info[_WROTE] = False


def _note_writing(connection, cursor, statement: str, parameters, context, executemany) -> None:
    if not statement.startswith("SELECT "):
        connection.info[_WROTE] = True


def _commit_if_only_read(connection) -> None:
    if connection.closed or connection.invalidated or connection.info.get(_WROTE, True):
        return
    driver = connection.connection.driver_connection
    from psycopg.pq import TransactionStatus

    if driver.info.transaction_status == TransactionStatus.INTRANS:
        try:
            driver.commit()  # (the rollback that follows finds nothing to end, and leaves the prepared statements)
        except Exception:  # noqa: BLE001 (a connection lost meanwhile: the rollback says so, as it would have)
            pass


class WriteRace(Exception):
    """Another request wrote the same row at the same moment: the work should be tried again."""


def commit_with_retries(work, attempts: int = 5):
    """Run work() and commit; when a simultaneous write got there first, roll back and run it again."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from statements.extensions import db

    for attempt in range(attempts):
        try:
            result = work()
            db.session.commit()
            return result
        except (WriteRace, IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def in_session_transaction() -> bool:
    """Whether the ORM session of this context has a transaction open, asked without making a session when there is
    none (making one, and closing it as the request ends, cost a sign-on written on its own connection more than
    the asking)."""
    from statements.extensions import db

    return db.session.registry.has() and db.session().in_transaction()


def requested_page() -> int:
    """The request's ?page=, ignoring page numbers that are not small whole numbers."""
    from flask import request

    raw = request.args.get("page", "")
    return max(int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 else 1, 1)


def paginate(query, per_page: int):
    """Paginate a select by the request's ?page=."""
    from statements.extensions import db

    return db.paginate(query, page=requested_page(), per_page=per_page, max_per_page=per_page, error_out=False)


class _ListPagination(Pagination):
    """Pages of a list of ids put in order outside the database; only the page shown is loaded."""

    def _query_items(self) -> list:
        ids = self._query_args["ids"][self._query_offset:self._query_offset + self.per_page]
        return self._query_args["load"](ids) if ids else []

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


def paginate_ids(ids: list[int], load: Callable[[list[int]], list], per_page: int) -> Pagination:
    """Paginate ids in a given order by the request's ?page=; `load` gives the rows of a page's ids, in order."""
    return _ListPagination(page=requested_page(), per_page=per_page, max_per_page=per_page, error_out=False,
                           ids=ids, load=load)


def with_defaults(table, values: dict) -> dict:
    """A row for an INSERT: `values`, and each other column's Python-side default (None where there is none),
    as the ORM would fill them in."""
    row = {}
    for key, default, made in _defaults_of(table):
        if key in values:
            row[key] = values[key]
        elif made:
            row[key] = default(None)
        elif default is not _LEFT_TO_THE_DATABASE:
            row[key] = default
    return row


#: the primary key's default: the database's own
_LEFT_TO_THE_DATABASE = object()


@cache
def _defaults_of(table) -> tuple[tuple[str, object, bool], ...]:
    """Each column's key, Python-side default and whether that is a function to call, in the table's order: read
    once (every sign-on's row is filled from it)."""
    return tuple((column.key, _LEFT_TO_THE_DATABASE if column.primary_key else
                  None if column.default is None else column.default.arg,
                  column.default is not None and column.default.is_callable and not column.primary_key)
                 for column in table.columns)


def upsert(model, keys: dict, values: dict) -> None:
    """Insert a row, or update it where one with the same keys is there already, in one statement: two
    requests writing the same row at once never collide (INSERT ... ON CONFLICT DO UPDATE)."""
    from statements.extensions import db

    dialect = db.session.get_bind().dialect.name
    db.session.execute(_upsert_statement(model.__table__, tuple(keys), tuple(values), dialect), {**keys, **values})


@cache
def _upsert_statement(table, keys: tuple, columns: tuple, dialect: str):
    """The statement of upsert for these columns: built once, only the values change."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_update(index_elements=list(keys),
                                        set_={column: insert.excluded[column] for column in columns})


def flushed_connection():
    """The session's connection once what the request changed is flushed, as the session flushes before its
    own queries: for a QuickStatement that must see those changes (a page's counts)."""
    from statements.extensions import db

    session = db.session()
    if session.autoflush:
        session.flush()  # (nothing to do, and next to no cost, when nothing changed)
    return session.connection()


class QuickStatement:
    """A Core statement run on the driver's own cursor, for the few run on every sign-on: compiled once per
    dialect, its values converted by the column types as SQLAlchemy converts them, with SQLAlchemy's events
    and error handling (a lost connection is still noticed, and dropped from the pool). SQLAlchemy's own
    execution (the statement's cache key, an execution context, a result object) costs about as much again as
    the round trip on PostgreSQL, for nothing these statements use. Rows come back as the driver gives them
    (on SQLite, a boolean as 0 or 1 and a time as text)."""

    def __init__(self, statement):
        self.statement = statement
        #: (asking the cursor whether there are rows makes the driver describe each column)
        self._returns_rows = not statement.is_dml or bool(statement.returning_column_descriptions)
        self._compiled: dict[str, tuple] = {}

    def rows(self, connection, values: dict) -> list[tuple]:
        """Run on `connection` (a SQLAlchemy Connection, begun if it was not) with `values` by parameter name."""
        sql, processors, in_order, fixed, required = self._compiled_for(connection.dialect)
        if not required <= values.keys():
            raise ValueError(f"no value given for {', '.join(sorted(required - values.keys()))}")
        parameters = {**fixed, **values}
        for name, process in processors:
            parameters[name] = process(parameters[name])
        if not connection.in_transaction():
            connection.begin()  # (as SQLAlchemy's own execution begins it: the caller commits)
        cursor = connection.connection.cursor()
        try:
            connection._cursor_execute(  # (SQLAlchemy's execution of a compiled string: events, errors wrapped)
                cursor, sql, parameters if in_order is None else in_order(parameters))
            return cursor.fetchall() if self._returns_rows else []
        finally:
            cursor.close()

    def first(self, connection, values: dict) -> tuple | None:
        rows = self.rows(connection, values)
        return rows[0] if rows else None

    def scalar(self, connection, values: dict):
        row = self.first(connection, values)
        return None if row is None else row[0]

    def _compiled_for(self, dialect) -> tuple:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            built = self.statement.compile(dialect=dialect)
            if "POSTCOMPILE" in built.string:
                raise ValueError("a statement whose text is finished at execution cannot be run quickly")
            processors = tuple(built._bind_processors.items())  # (what SQLAlchemy's execution applies)
            required = frozenset(name for bind, name in built.bind_names.items() if bind.required)
            compiled = self._compiled[dialect.name] = (built.string, processors, _in_order(built.positiontup),
                                                       built.params, required)
        return compiled


def _in_order(positions: list[str] | None):
    """For a driver whose parameters are positional: a function giving their values in order, as a tuple."""
    if positions is None:
        return None
    if len(positions) < 2:  # (itemgetter gives a single value alone, not in a tuple)
        return lambda parameters: tuple(parameters[name] for name in positions)
    return itemgetter(*positions)
