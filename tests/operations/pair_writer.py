"""Write a working group and its tag per transaction into a SQLite file until a stop file appears.

Run as a script (another process) or called from a thread; prints or returns how many pairs it wrote.
Uses only the standard library, so that a process starts fast.
"""

import sqlite3
import sys
import time
from pathlib import Path


def write_pairs(path: str, stop: str, name: str) -> int:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=30000")
    number = 0
    while not Path(stop).exists():
        number += 1
        connection.execute("BEGIN IMMEDIATE")
        group = connection.execute(
            "INSERT INTO working_group (name, description, created_at) VALUES (?, ?, '2026-11-28 12:00:00.000000')",
            (f"{name}-{number}", "x" * 2000)).lastrowid
        time.sleep(0.001)  # the pair's two rows are written apart in time: a torn copy would show it
        connection.execute("INSERT INTO tag (group_id, name) VALUES (?, 'pair')", (group,))
        connection.execute("COMMIT")
    connection.close()
    return number


if __name__ == "__main__":
    print(write_pairs(*sys.argv[1:4]))
