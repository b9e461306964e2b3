"""Export an installation's data to a documented JSON file, and import such a file into an empty installation.

The format is described in docs/data-format.md; change both together.
"""

import base64
import binascii
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, LargeBinary, String
from sqlalchemy.exc import SQLAlchemyError

from statements.extensions import db
from statements.operations.installation import (
    BATCH, Refused, check_at_head, check_empty, insert_rows, ordered_tables, read_rows, reset_sequences,
    set_waiting_keys, snapshot,
)

FORMAT = "statements-export"
VERSION = 1
#: caches of files on disk, which are not in the export: they are made again when first asked for
EXCLUDED_TABLES = frozenset({"export_file"})


def encode(value):
    """Turn a column value into JSON: times as ISO 8601 in UTC, bytes as base64, the rest as it is."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def decode(column, value):
    """Turn a JSON value back into the column's value, or raise ValueError saying what was expected."""
    if value is None:
        if not column.nullable:
            raise ValueError("is required")
        return None
    kind = getattr(column.type, "impl_instance", column.type)  # UTCDateTime is a DateTime underneath
    if isinstance(kind, JSON):
        return value
    if isinstance(kind, DateTime):
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValueError("should be a date and time with its UTC offset, like 2026-11-28T17:05:00.000000+00:00")
        return moment.astimezone(timezone.utc)
    if isinstance(kind, LargeBinary):
        if not isinstance(value, str):
            raise ValueError("should be base64 text")
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error:
            raise ValueError("should be base64 text") from None
    expected = {Boolean: bool, Integer: int, Float: (int, float), String: str}
    for sql_type, python_type in expected.items():
        if isinstance(kind, sql_type):
            if not isinstance(value, python_type) or (python_type is int and isinstance(value, bool)):
                raise ValueError(f"should be {sql_type.__name__.lower()}, not {type(value).__name__}")
            return value
    return value


def export_dataset(path: Path) -> dict[str, int]:
    """Write every table (but caches) to a JSON file, one row a line, table by table; return row counts."""
    path = Path(path)
    if path.exists():
        raise Refused(f"{path} already exists. Choose a new file name.")
    if not path.parent.is_dir():
        raise Refused(f"The folder {path.parent} does not exist. Create it first.")
    partial = path.with_name(path.name + ".part")
    counts = {}
    # the file holds password hashes and contact emails: readable by its owner only
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out, snapshot(db.engine) as connection:
            revision = check_at_head(connection, "This installation's database")
            exported_at = encode(datetime.now(timezone.utc))
            out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "exported_at": "{exported_at}", '
                      f'"schema_revision": {json.dumps(revision)},\n"tables": {{')
            for index, (table, _) in enumerate(ordered_tables(EXCLUDED_TABLES)):
                out.write(f'{"," if index else ""}\n{json.dumps(table.name)}: [')
                counts[table.name] = 0
                for rows in read_rows(connection, table):
                    for row in rows:
                        out.write(f'{"," if counts[table.name] else ""}\n'
                                  + json.dumps({k: encode(v) for k, v in row.items()}, ensure_ascii=False))
                        counts[table.name] += 1
                out.write("\n]")
            out.write("\n}}\n")
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return counts


def read_export(path: Path) -> dict:
    """Read an export file and check that this release can import it."""
    path = Path(path)
    nothing = "Nothing was imported."
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise Refused(f"There is no file at {path}. {nothing}") from None
    except OSError as error:
        raise Refused(f"{path} cannot be read ({error.strerror}). {nothing}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Refused(f"{path} is not a JSON file ({error}). Give the file that `flask data export` wrote. "
                      f"{nothing}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Refused(f"{path} is JSON, but not a Statements export: it should start with "
                      f'{{"format": "{FORMAT}", ... }}. {nothing}')
    if document.get("version") != VERSION:
        raise Refused(f"{path} is in export format version {document.get('version')!r}; this release reads "
                      f"version {VERSION} only. Import it with the release that wrote it. {nothing}")
    tables = document.get("tables")
    if not isinstance(tables, dict) or not all(isinstance(rows, list) for rows in tables.values()):
        raise Refused(f'{path} has no "tables" object holding a list of rows for each table. {nothing}')
    known = {table.name for table, _ in ordered_tables(EXCLUDED_TABLES)}
    if set(tables) != known:
        unknown, missing = sorted(set(tables) - known), sorted(known - set(tables))
        raise Refused(f"{path} does not hold this release's tables (unknown: {', '.join(unknown) or 'none'}; "
                      f"missing: {', '.join(missing) or 'none'}). {nothing}")
    return document


def import_dataset(path: Path) -> dict[str, int]:
    """Load an export into this installation, which must be migrated and empty, in one transaction."""
    document = read_export(path)
    tables, counts = document["tables"], {}
    try:
        with db.engine.begin() as connection:
            head = check_at_head(connection, "This installation's database")
            if document.get("schema_revision") != head:
                raise Refused(f"{path} was exported at schema revision {document.get('schema_revision')!r}, this "
                              f"installation is at {head}. Import it into the release that wrote it, then "
                              "upgrade that installation with `flask --app wsgi db upgrade`. Nothing was imported.")
            check_empty(connection, "This installation's database")
            order = ordered_tables(EXCLUDED_TABLES)
            waiting_rows = {}
            for table, waiting in order:
                rows = tables.pop(table.name)  # let each table's JSON go once it is written
                decoded = [_decode_row(table, number, row) for number, row in enumerate(rows, start=1)]
                waiting_rows[table.name] = []
                for start in range(0, len(decoded), BATCH):
                    waiting_rows[table.name] += insert_rows(connection, table, decoded[start:start + BATCH], waiting)
                counts[table.name] = len(decoded)
            for table, waiting in order:
                set_waiting_keys(connection, table, waiting, waiting_rows[table.name])
            reset_sequences(connection)
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip()
        raise Refused(f"The rows in {path} do not fit together ({detail}), so the import was rolled back. "
                      "Nothing was imported.") from None
    return counts


def _decode_row(table, number: int, row) -> dict:
    where = f"Row {number} of {table.name}"
    if not isinstance(row, dict) or set(row) != set(table.c.keys()):
        raise Refused(f"{where} should be an object with exactly the columns "
                      f"{', '.join(table.c.keys())}. Nothing was imported.")
    values = {}
    for column in table.columns:
        try:
            values[column.key] = decode(column, row[column.key])
        except ValueError as error:
            raise Refused(f"{where}: {column.key} {error}. Nothing was imported.") from None
    return values
