"""`flask data backup`: a consistent copy of the live SQLite file while writers keep writing."""

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from statements.extensions import db
from statements.operations.backup import backup_sqlite
from statements.operations.installation import Refused
from tests.operations.installations import databases, fill  # noqa: F401
from tests.operations.pair_writer import write_pairs

WRITER = Path(__file__).with_name("pair_writer.py")


def pad(path: Path) -> None:
    """Add 20 MB of delivered mail, so that a backup takes a while."""
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO outbox_message (created_at, to_address, subject, body_text, status, attempts, "
            "next_attempt_at) VALUES ('2026-11-28 12:00:00.000000', 'someone@example.org', 'Padding', ?, 'sent', 1, "
            "'2026-11-28 12:00:00.000000')", [(f"{n} " + "y" * 10_000,) for n in range(2000)])
    connection.close()


def pairs(path: Path) -> tuple[int, int, int]:
    """Return (writers' groups, their tags, groups without their tag) in a database file."""
    connection = sqlite3.connect(path)
    try:
        groups = connection.execute("SELECT count(*) FROM working_group WHERE name LIKE 'writer%'").fetchone()[0]
        tags = connection.execute("SELECT count(*) FROM tag WHERE name = 'pair'").fetchone()[0]
        lonely = connection.execute(
            "SELECT count(*) FROM working_group g WHERE g.name LIKE 'writer%' "
            "AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.group_id = g.id)").fetchone()[0]
        return groups, tags, lonely
    finally:
        connection.close()


def test_a_backup_taken_while_others_write_is_whole_and_consistent(databases, tmp_path):
    app = databases.app(databases.sqlite("live"))
    fill(app)
    live, stop = tmp_path / "live.sqlite3", tmp_path / "stop"
    pad(live)
    # two writing processes, as gunicorn workers would be, and a writing thread beside the backup
    writers = [subprocess.Popen([sys.executable, str(WRITER), str(live), str(stop), f"writer{n}"],
                                stdout=subprocess.PIPE, text=True) for n in range(2)]
    in_thread = []
    thread = threading.Thread(target=lambda: in_thread.append(write_pairs(str(live), str(stop), "writerthread")))
    thread.start()
    try:
        while pairs(live)[0] < 50:  # the writers are under way
            time.sleep(0.05)
        runner = app.test_cli_runner()
        results, around = [], []
        for number in range(4):
            before = pairs(live)[0]
            results.append(runner.invoke(args=["data", "backup", str(tmp_path / f"backup{number}.sqlite3")]))
            around.append((before, pairs(live)[0]))
    finally:
        stop.touch()
        written = [int(writer.communicate(timeout=60)[0]) for writer in writers]
        thread.join(timeout=60)
    assert all(writer.returncode == 0 for writer in writers)

    seen = []
    for number, result in enumerate(results):
        assert result.exit_code == 0, result.output
        assert "its integrity check passed" in result.output
        backup = tmp_path / f"backup{number}.sqlite3"
        connection = sqlite3.connect(backup)
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("SELECT count(*) FROM signon").fetchone() == (321,)
        connection.close()
        groups, tags, lonely = pairs(backup)
        assert lonely == 0 and groups == tags, f"backup {number} holds a group without its tag"
        seen.append(groups)
        assert not Path(f"{backup}-wal").exists() and not Path(f"{backup}.part").exists()
    # each backup holds the state of a moment during its run, and the writers wrote on meanwhile
    assert all(before <= groups <= after for groups, (before, after) in zip(seen, around)), (seen, around)
    assert all(before < after for before, after in around), around
    assert sum(written) + in_thread[0] == pairs(live)[0]  # no writer was held up into an error


def test_a_backup_restored_in_place_runs_the_service(databases, tmp_path):
    app = databases.app(databases.sqlite("live"))
    fill(app)
    with app.app_context():
        backup = backup_sqlite(db.engine, tmp_path)  # a folder: the file gets a dated name
    assert backup.parent == tmp_path and backup.name.startswith("statements-")
    assert backup.stat().st_mode & 0o077 == 0, "the backup holds password hashes: owner only"
    restored = databases.app(f"sqlite:///{backup}", migrated=False)
    from tests.operations.installations import check_app_works

    check_app_works(restored)


def test_a_backup_refuses_postgresql_and_existing_files(databases, tmp_path):
    postgres = create_engine("postgresql+psycopg://statements@127.0.0.1:5432/statements")
    with pytest.raises(Refused, match=r"Back up PostgreSQL with pg_dump: pg_dump -Fc"):
        backup_sqlite(postgres, tmp_path / "backup.sqlite3")
    postgres.dispose()

    app = databases.app(databases.sqlite("live"))
    (tmp_path / "taken.sqlite3").write_text("an older backup")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["data", "backup", str(tmp_path / "taken.sqlite3")])
    assert result.exit_code == 1 and "already exists. Choose a new file name" in result.output
    assert (tmp_path / "taken.sqlite3").read_text() == "an older backup"
    result = runner.invoke(args=["data", "backup", str(tmp_path / "no-such-folder" / "b.sqlite3")])
    assert result.exit_code == 1 and "does not exist. Create it first." in result.output
    assert "Traceback" not in result.output
