"""A consistent copy of the SQLite database file, taken while the service keeps running."""

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import Engine

from statements.operations.installation import Refused


def backup_sqlite(engine: Engine, destination: Path) -> Path:
    """Copy the live SQLite database to destination (a file, or a folder for a dated file) and check the copy."""
    if engine.dialect.name != "sqlite":
        raise Refused(f"`data backup` copies SQLite files; this installation uses {engine.dialect.name}. Back up "
                      "PostgreSQL with pg_dump: pg_dump -Fc -f statements.dump \"$DATABASE_URL\" "
                      "(restore with pg_restore, see the README).")
    source = engine.url.database
    if not source or source == ":memory:":
        raise Refused("This installation's SQLite database is in memory: there is no file to back up.")
    destination = Path(destination)
    if destination.is_dir():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        destination = destination / f"statements-{stamp}.sqlite3"
    if destination.exists():
        raise Refused(f"{destination} already exists. Choose a new file name, or a folder for a dated one.")
    if not destination.parent.is_dir():
        raise Refused(f"The folder {destination.parent} does not exist. Create it first.")
    partial = destination.with_name(destination.name + ".part")
    partial.unlink(missing_ok=True)
    # the copy holds password hashes and contact emails: readable by its owner only
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT, 0o600))

    reader = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        # pages=-1 copies everything in one step, inside one read transaction: with WAL, writers carry on
        # meanwhile and the copy is the state at its start. A step-by-step backup restarts after every
        # write by another connection, and might never finish on a busy service.
        reader.backup(copy, pages=-1)
        # one self-contained file, without -wal and -shm files beside it
        copy.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    except sqlite3.Error as error:
        problems = [f"{type(error).__name__}: {error}"]
    finally:
        copy.close()
        reader.close()
    if problems != ["ok"]:
        partial.unlink(missing_ok=True)
        raise Refused(f"The backup of {source} failed ({'; '.join(problems[:3])}), so nothing was kept. "
                      "Check the live database with: sqlite3 <file> 'PRAGMA integrity_check'.")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, destination)  # the backup appears whole or not at all
    return destination
