"""The daily digest for many people with a long history and little new: its time, CPU per person and peak
memory, beside the same queries without writing any mail, at two sizes of history to show that the
work follows what is new, not what is old.

    .venv/bin/python benchmarks/bench_digest.py [--people 1000] [--history 100] [--new 3] [--repeat 3]
                                                [--database-url URL]

--history is the number of old (already sent) notifications per person for the large history; the
small history has none. Prints plain figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_pages import PostgresSchema  # noqa: E402

GROUPS, STATEMENTS_PER_GROUP, KINDS = 10, 5, ("period_opened", "reply", "made_final", "published", "thread_resolved")


def make_app(instance: str, schema):
    from statements import create_app
    from statements.extensions import db

    if schema:
        uri, options = schema.url, {"connect_args": {"options": f"-csearch_path={schema.name}"}}
    else:
        uri, options = f"sqlite:///{Path(instance) / 'bench.sqlite3'}", {}
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "SECRET_KEY": secrets.token_urlsafe(32), "BASE_URL": "http://localhost"})
    with app.app_context():
        db.create_all()
    return app


def populate(app, people: int) -> tuple[list[int], list[tuple[int, int]]]:
    """People spread over groups, five statements a group; return user ids and (statement, group) pairs."""
    from statements.accounts.models import Membership, User, WorkingGroup
    from statements.drafts.models import Statement
    from statements.extensions import db

    with app.app_context():
        groups = [WorkingGroup(name=f"Group {n}", description="") for n in range(GROUPS)]
        db.session.add_all(groups)
        db.session.flush()
        users = []
        for n in range(people):
            user = User(display_name=f"Person {n}", password_hash="x", language=("en", "es", "fr", "pt", "ar")[n % 5],
                        time_zone=("UTC", "America/Mexico_City", "Africa/Nairobi")[n % 3])
            user.set_email(f"person{n}@example.org")
            users.append(user)
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(Membership(user_id=u.id, group_id=groups[n % GROUPS].id, role="member")
                           for n, u in enumerate(users))
        statements = [Statement(group_id=g.id, title=f"Statement {g.id}-{s} on climate and displacement",
                                slug=f"s-{g.id}-{s}", state="comment_period")
                      for g in groups for s in range(STATEMENTS_PER_GROUP)]
        db.session.add_all(statements)
        db.session.commit()
        return [u.id for u in users], [(s.id, s.group_id) for s in statements]


def add_rows(app, user_ids, statements, per_person: int, pending: bool) -> None:
    """Insert notifications in bulk: old ones already digested, or new ones waiting for the digest."""
    from statements.core.db import utcnow
    from statements.extensions import db
    from statements.notifications.models import Notification

    by_group = {}
    for statement_id, group_id in statements:
        by_group.setdefault(group_id, []).append(statement_id)
    groups = sorted(by_group)
    now = utcnow()
    with app.app_context():
        batch = []
        for index, user_id in enumerate(user_ids):
            mine = by_group[groups[index % GROUPS]]
            for n in range(per_person):
                when = now - timedelta(days=0 if pending else 1 + n % 300, minutes=n)
                batch.append({"user_id": user_id, "kind": KINDS[n % len(KINDS)], "statement_id": mine[n % 2],
                              "count": 1, "created_at": when, "updated_at": when, "digest_pending": pending,
                              "digested_at": None if pending else when, "read_at": when if not pending else None})
            if len(batch) >= 20_000:
                db.session.execute(Notification.__table__.insert(), batch)
                batch = []
        if batch:
            db.session.execute(Notification.__table__.insert(), batch)
        db.session.commit()


def baseline(app) -> int:
    """The digest's queries and checks, marking rows sent, but rendering and queueing no mail."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from statements.accounts.models import User
    from statements.extensions import db
    from statements.notifications import services
    from statements.notifications.models import Notification

    shown = 0
    user_ids = services.people_with_digest_due()
    for start in range(0, len(user_ids), services.DIGEST_BATCH):
        chunk = user_ids[start:start + services.DIGEST_BATCH]
        people = db.session.scalars(select(User).where(User.id.in_(chunk)).options(
            selectinload(User.memberships), selectinload(User.translator_grants))).all()
        rows = db.session.scalars(select(Notification).where(
            Notification.digest_pending.is_(True), Notification.user_id.in_(chunk))
            .options(selectinload(Notification.statement), selectinload(Notification.actor),
                     selectinload(Notification.comment))).all()
        for row in rows:
            shown += services.still_visible(row)
            row.digest_pending = False
        db.session.flush()
        del people
    return shown


def digest(app) -> int:
    from statements.notifications.services import send_digests

    return send_digests(commit=False)


def measure(app, work, repeat: int) -> dict:
    """Run work in a transaction rolled back after each run (so each run finds the same rows waiting)."""
    from statements.extensions import db

    walls, cpus, result = [], [], None
    with app.app_context():  # one uncounted run: templates compiled, catalogs loaded, caches warm
        work(app)
        db.session.rollback()
    for _ in range(repeat):
        with app.app_context():
            started, cpu = time.perf_counter(), time.process_time()
            result = work(app)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            db.session.rollback()
    with app.app_context():
        tracemalloc.start()
        work(app)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        db.session.rollback()
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "peak": peak, "result": result}


def report(label: str, figures: dict, people: int) -> None:
    print(f"  {label:<34} {figures['wall'] * 1000:8.0f} ms  cpu {figures['cpu'] * 1000:8.0f} ms "
          f"({figures['cpu'] / people * 1000:.2f} ms a person)  peak {figures['peak'] / 2**20:6.1f} MiB "
          f"  [{figures['result']}]")


def run(args: argparse.Namespace, schema) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-digest-") as instance:
        app = make_app(instance, schema)
        user_ids, statements = populate(app, args.people)
        add_rows(app, user_ids, statements, args.new, pending=True)
        print(f"daily digest for {args.people} people, {args.new} new notifications each on 2 statements "
              f"({'PostgreSQL' if schema else 'SQLite'}); median of {args.repeat}, peak memory by tracemalloc")
        results = {}
        for history in (0, args.history):
            if history:
                started = time.perf_counter()
                add_rows(app, user_ids, statements, history, pending=False)
                print(f"(added {history * args.people:,} old notifications in {time.perf_counter() - started:.1f} s)")
            print(f"history: {history * args.people:,} old notifications")
            results[history, "digest"] = measure(app, digest, args.repeat)
            results[history, "baseline"] = measure(app, baseline, args.repeat)
            report("digest (mails queued)", results[history, "digest"], args.people)
            report("baseline: queries only (rows shown)", results[history, "baseline"], args.people)
        small, large = results[0, "digest"], results[args.history, "digest"]
        # CPU time, not wall time: on a shared machine the wall clock mostly measures the neighbours
        print(f"ratios (CPU): digest / baseline {large['cpu'] / results[args.history, 'baseline']['cpu']:.2f}; "
              f"large history / none {large['cpu'] / small['cpu']:.2f} (time), "
              f"{large['peak'] / small['peak']:.2f} (peak memory)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--history", type=int, default=100, help="old notifications a person, large history")
    parser.add_argument("--new", type=int, default=3, help="new notifications a person, waiting for the digest")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    if args.database_url:
        with PostgresSchema(args.database_url) as schema:
            run(args, schema)
    else:
        run(args, None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
