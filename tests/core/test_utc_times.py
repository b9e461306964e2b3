"""Times in UTC columns (`core.db.UTCDateTime`) are written on SQLite as the very text SQLAlchemy's DATETIME writes,
in one step: a time stored either way compares and sorts with every other, as text does on SQLite."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from statements.core.db import UTCDateTime

TIMES = [
    datetime(2026, 12, 7, 16, 37, 20, 123456, tzinfo=timezone.utc),
    datetime(2026, 12, 7, 16, 37, 20, tzinfo=timezone.utc),  # (no microseconds: still six zeros)
    datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Paris")),
    datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Paris")),
    datetime(2026, 6, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-3))),
    datetime(2026, 1, 1, 5, 0, tzinfo=ZoneInfo("Asia/Kolkata")),
    datetime(1, 1, 2, 0, 0, tzinfo=timezone.utc),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
    None,
]


def _ours(dialect):
    return UTCDateTime().dialect_impl(dialect).bind_processor(dialect)  # (as SQLAlchemy asks a column's type)


def _sqlalchemys_own(dialect):
    return TypeDecorator.bind_processor(UTCDateTime().dialect_impl(dialect), dialect)


@pytest.mark.parametrize("moment", TIMES)
def test_a_time_is_written_on_sqlite_as_sqlalchemy_writes_it(moment):
    dialect = sqlite.dialect()
    assert _ours(dialect)(moment) == _sqlalchemys_own(dialect)(moment)


def test_a_time_without_its_zone_is_refused_on_sqlite_as_elsewhere():
    for processor in (_ours(sqlite.dialect()), _sqlalchemys_own(sqlite.dialect())):
        with pytest.raises(ValueError, match="naive datetime"):
            processor(datetime(2026, 12, 7, 16, 0))


def test_postgresql_writes_times_as_sqlalchemy_does():
    dialect = postgresql.dialect()
    processor, own = _ours(dialect), _sqlalchemys_own(dialect)
    for moment in TIMES:
        assert processor(moment) == own(moment)


def test_times_stored_on_sqlite_come_back_the_same_and_in_order(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'times.db'}")
    table = Table("moment", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime))
    table.metadata.create_all(engine)
    given = [moment.astimezone(timezone.utc) for moment in TIMES if moment is not None]  # (as they come back)
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"at": moment} for moment in given])
        stored = connection.execute(select(table.c.at).order_by(table.c.at)).scalars().all()
        later = connection.execute(select(table.c.at).where(table.c.at > given[1])).scalars().all()
    engine.dispose()
    assert stored == sorted(given)
    assert sorted(later) == sorted(moment for moment in given if moment > given[1])
