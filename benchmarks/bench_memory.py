"""Memory kept between requests: does the app hold on to more with every request it serves?

    .venv/bin/python benchmarks/bench_memory.py [--rounds 250] [--phases 4] [--top 8]

A worker's resident memory (what the mixed-load benchmark reports) grows for reasons that are not
leaks: bounded caches fill up, and the allocator keeps the high-water mark of the largest page
made so far (threads get longer with every reply). This benchmark looks under that. In one
process, on a SQLite file in a temporary folder with the demo loaded, it runs rounds of the mixed
load through the app's own WSGI interface (the public page, the API, a sign-on, a draft save by a
member, a comment reply), in `--phases` phases of `--rounds` rounds, and after each phase collects
garbage and reads what Python still holds (tracemalloc). Beside it, the same number of requests to
the bare Flask hello-world. It prints the memory held after each phase, the growth per 1,000
requests once the first phase has warmed everything up, and the lines of code whose retained
memory grew the most between the last two phases.

Nothing asserts a figure. Everything it made is in a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import gc
import html
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')
STARTED = re.compile(r'name="started"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="started"')
BASE = re.compile(r'name="base" type="hidden" value="(\d+)"')
TEXT = re.compile(r'<textarea[^>]*\bname="text"[^>]*>\r?\n?(.*?)</textarea>', re.DOTALL)
REQUESTS_PER_ROUND = 11


def make_app():
    """The app on a demo installation, with the limits a burst from one address would reach lifted."""
    from statements import create_app
    from statements.extensions import db

    app = create_app({"SIGNON_MIN_FILL_SECONDS": 0, "SIGNON_LIMIT_PER_ADDRESS": "1000000 per minute",
                      "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute", "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
                      "POSTING_LIMIT_PER_PERSON": "1000000 per minute"})
    with app.app_context():
        from statements.demo import load_demo

        db.create_all()
        load_demo()
        db.session.commit()
    return app


def demo_ids(app) -> dict:
    from sqlalchemy import select

    from statements.comments.models import Thread
    from statements.drafts.models import State, Statement
    from statements.extensions import db

    with app.app_context():
        draft_id = db.session.scalar(select(Statement.id).where(Statement.state == State.COMMENT_PERIOD.value))
        return {
            "signon_slug": db.session.scalar(select(Statement.slug).where(Statement.state == State.SIGNON_OPEN.value)),
            "draft_id": draft_id,
            "threads": list(db.session.scalars(select(Thread.id).where(Thread.statement_id == draft_id))),
        }


def logged_in_member(app):
    from statements.demo import DEMO_PASSWORD

    member = app.test_client()
    page = member.get("/login").get_data(as_text=True)
    answer = member.post("/login", data={"csrf_token": CSRF.search(page).group(1), "email": "member@example.org",
                                         "password": DEMO_PASSWORD})
    assert answer.status_code == 302, "the demo member could not log in"
    return member


def one_round(app, member, ids: dict, number: int) -> None:
    """The mixed load once: eleven requests, as a visitor, a partner, a signatory and a member make them."""
    slug, visitor = ids["signon_slug"], app.test_client()
    visitor.get(f"/s/{slug}")
    visitor.get(f"/api/v1/statements/{slug}")
    visitor.get(f"/api/v1/statements/{slug}/signatories?page={1 + number % 3}")
    form = visitor.get(f"/s/{slug}").get_data(as_text=True)
    started = STARTED.search(form)
    signed = visitor.post(f"/s/{slug}/sign", data={
        "csrf_token": CSRF.search(form).group(1), "started": started.group(1) or started.group(2),
        "organization_name": f"Memory Test Union {number}", "country": "KE", "org_type": "union",
        "contact_name": "Wanjiru Kamau", "contact_email": f"office{number}@union{number}.example.org",
        "authorized": "y", "visibility": "named"})
    assert signed.status_code == 302, f"sign-on {number} was refused ({signed.status_code})"
    edit = member.get(f"/statements/{ids['draft_id']}/edit").get_data(as_text=True)
    text = re.sub(r" \(edit \d+\)", "", html.unescape(TEXT.search(edit).group(1))).rstrip() + f" (edit {number})"
    saved = member.post(f"/statements/{ids['draft_id']}/edit", data={
        "csrf_token": CSRF.search(edit).group(1), "base": BASE.search(edit).group(1), "text": text, "note": ""})
    assert saved.status_code == 302, f"save {number} was refused ({saved.status_code})"
    thread = ids["threads"][number % len(ids["threads"])]
    page = member.get(f"/threads/{thread}").get_data(as_text=True)
    member.post(f"/threads/{thread}/replies", data={"csrf_token": CSRF.search(page).group(1),
                                                    "body": f"Reply number {number}."})


def held_after(run_phase) -> tuple[float, float, float]:
    """Run a phase; return the seconds it took, and the MB Python holds after it and at most during it."""
    tracemalloc.reset_peak()
    started = time.perf_counter()
    run_phase()
    elapsed = time.perf_counter() - started
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    return elapsed, held / 1e6, peak / 1e6


def measure(label: str, phases: int, requests_per_phase: int, run_phase) -> list[tracemalloc.Snapshot]:
    snapshots, held = [], []
    for phase in range(phases):
        elapsed, now, peak = held_after(lambda: run_phase(phase))
        held.append(now)
        snapshots.append(tracemalloc.take_snapshot())
        print(f"{label:<12} after {(phase + 1) * requests_per_phase:>6,} requests: held {now:6.2f} MB "
              f"(highest during the phase {peak:6.2f} MB), {elapsed:5.1f} s", flush=True)
    if phases > 1:
        per_thousand = (held[-1] - held[0]) / ((phases - 1) * requests_per_phase) * 1000 * 1000
        print(f"{label:<12} growth after the first phase: {per_thousand:.1f} kB per 1,000 requests", flush=True)
    return snapshots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=250, help=f"rounds per phase, {REQUESTS_PER_ROUND} requests each")
    parser.add_argument("--phases", type=int, default=4, help="phases (default 4; the first one warms up)")
    parser.add_argument("--top", type=int, default=8, help="lines of code to show (default 8)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="statements-bench-memory-")
    os.environ["STATEMENTS_INSTANCE"] = folder
    for name in ("DATABASE_URL", "REDIS_URL", "SMTP_HOST", "MAIL_SEND_IN_PROCESS"):
        os.environ.pop(name, None)
    logging.disable(logging.INFO)  # one log line per request would be measured too
    try:
        app = make_app()
        ids, member = demo_ids(app), logged_in_member(app)
        from benchmarks.hello_app import app as hello

        hello_client = hello.test_client()
        per_phase = args.rounds * REQUESTS_PER_ROUND
        print(f"Memory kept between requests: Python {sys.version.split()[0]}, SQLite in {folder}, "
              f"{args.phases} phases of {args.rounds} rounds ({per_phase:,} requests)", flush=True)
        tracemalloc.start()

        def statements_phase(phase: int) -> None:
            for number in range(phase * args.rounds, (phase + 1) * args.rounds):
                one_round(app, member, ids, number)

        def hello_phase(_phase: int) -> None:
            for _ in range(per_phase):
                hello_client.get("/")

        snapshots = measure("Statements", args.phases, per_phase, statements_phase)
        measure("hello-world", args.phases, per_phase, hello_phase)
        tracemalloc.stop()
        if len(snapshots) > 2:
            print(f"Statements: the lines whose retained memory grew most from phase {len(snapshots) - 1} "
                  f"to phase {len(snapshots)}:")
            for stat in snapshots[-1].compare_to(snapshots[-2], "lineno")[:args.top]:
                print(f"  {stat}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
