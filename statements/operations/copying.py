"""Copy a whole installation, row for row with its ids, into another (empty, migrated) database."""

from collections.abc import Callable

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from statements.config import normalize_database_url
from statements.extensions import db
from statements.operations.installation import (
    Refused, check_at_head, check_empty, insert_rows, ordered_tables, read_rows, reset_sequences,
    set_waiting_keys, snapshot,
)


def describe_url(url: str) -> str:
    """Return a database URL fit to print: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def copy_installation(target_url: str, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every table of this installation's database into the target in one transaction; return row counts.

    The target must be migrated to the same head and empty. Ids are kept, so links stay valid, and the
    target's id sequences are moved past them afterwards.
    """
    try:
        target = create_engine(normalize_database_url(target_url))
    except (SQLAlchemyError, ValueError, ImportError) as error:  # ImportError: a driver that is not installed
        raise Refused(f"{target_url!r} is not a database URL the service can use ({error}). "
                      "Write it like postgresql://user:password@host:5432/database.") from None
    counts = {}
    try:
        with snapshot(db.engine) as source, target.begin() as destination:
            check_at_head(source, "This installation's database")
            check_empty(destination, "The target database", elsewhere=True)
            order = ordered_tables()
            waiting_rows = {}
            for table, waiting in order:
                counts[table.name] = 0
                waiting_rows[table.name] = []
                for rows in read_rows(source, table):
                    waiting_rows[table.name] += insert_rows(destination, table, rows, waiting)
                    counts[table.name] += len(rows)
                if progress:
                    progress(table.name, counts[table.name])
            for table, waiting in order:
                set_waiting_keys(destination, table, waiting, waiting_rows[table.name])
            reset_sequences(destination)
            for table, _ in order:  # a last check before the transaction commits
                copied = destination.scalar(select(func.count()).select_from(table))
                if copied != counts[table.name]:
                    raise Refused(f"The target holds {copied} rows in {table.name} after the copy, not "
                                  f"{counts[table.name]}. Nothing was written.")
    except SQLAlchemyError as error:
        raise Refused(f"The copy to {describe_url(target_url)} failed and was rolled back, so nothing was "
                      f"written: {getattr(error, 'orig', None) or error}") from None
    finally:
        target.dispose()
    return counts
