"""Whether the sign-on form answers as fast for a name already signed as for a new one.

The form's answer is the same "check your email" page whatever is stored, so that nobody can learn
from it which organizations signed (an organization may sign without being named). Its timing must
not tell either. For each database (a fresh PostgreSQL schema, then a temporary SQLite instance) this
makes a statement with sign-on open, then drives the app as ``benchmarks.signon_app`` serves it, in
one process, as ``bench_signon_work.py`` does (GET of the form page, POST of the form). First three
groups of ``--holders`` new organizations sign, so that their names are held by sign-ons waiting for
confirmation, as a campaign's are; the third group's are then marked confirmed and shown only in the
count. Then, taking turns, four POSTs: a name nobody holds; a name of the first group from another
address (stored apart, flagged); a name of the second group from its own address, with a changed
answer (the waiting sign-on is changed); a name of the third group from its own address (refused, and
told so by email). It times each POST from the request entering the app to its answer (the server's
share of what a visitor could time; the network only adds noise) and prints the median, the 10th and
90th percentiles of each kind, and for each repeat the median of its differences with the new name
that took its turn beside it. Taking turns keeps the machine's drift out of the differences.

Prints plain lines; asserts no timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import flask_command, instance_and_database  # noqa: E402
from benchmarks.bench_signon_work import call  # noqa: E402
from benchmarks.bench_signons import (  # noqa: E402
    DEFAULT_POSTGRES, DEFAULT_REDIS, Reply, empty_redis, form_fields, in_instance, organizations, sign_on_form,
)
from benchmarks.harness import PROJECT_ROOT  # noqa: E402

SLUG = "answers"
WARM_UP = 30


# --- in the process measured --------------------------------------------------------------------

def timed_sign_on(app, organization: dict) -> float:
    """GET the form page, POST the form: the POST's time in seconds (it must be answered with a redirect)."""
    _status, headers, page = call(app, "GET", f"/s/{SLUG}")
    cookie = "; ".join(value.partition(";")[0] for name, value in headers if name.lower() == "set-cookie")
    body = urlencode(sign_on_form(form_fields(Reply(200, None, page.decode(), 0.0, None)), organization)).encode()
    started = time.perf_counter()
    status, _headers, _data = call(app, "POST", f"/s/{SLUG}/sign", cookie, body)
    elapsed = time.perf_counter() - started
    if status[:3] not in ("302", "303"):
        raise SystemExit(f"a sign-on was answered {status}")
    return elapsed


KINDS = (
    ("new", "a new name"),
    ("held", "a name held by a sign-on waiting for confirmation"),
    ("again", "  the same, from the holder's own address"),
    ("unnamed", "a name confirmed, not named, from its own address"),
)


def drive(holders: int, seed: int) -> None:
    """Run in the instance's environment: print the POST times of each kind of name, as JSON."""
    from benchmarks.signon_app import app

    people = organizations(WARM_UP + 4 * holders, seed)
    for person in people[:WARM_UP]:
        timed_sign_on(app, person)
    waiting = people[WARM_UP:WARM_UP + holders]
    waiting_again = people[WARM_UP + holders:WARM_UP + 2 * holders]
    unnamed = people[WARM_UP + 2 * holders:WARM_UP + 3 * holders]
    new_names = people[WARM_UP + 3 * holders:]
    for person in waiting + waiting_again + unnamed:
        timed_sign_on(app, person)
    confirm_without_a_name(app, [person["organization_name"] for person in unnamed])
    times = {kind: [] for kind, _label in KINDS}
    for holder, again, named_not, newcomer in zip(waiting, waiting_again, unnamed, new_names):
        times["new"].append(timed_sign_on(app, newcomer))
        times["held"].append(timed_sign_on(app, dict(holder, contact_email="other." + holder["contact_email"])))
        times["again"].append(timed_sign_on(app, dict(again, city="Elsewhere")))
        times["unnamed"].append(timed_sign_on(app, named_not))
    print(json.dumps(times))


def confirm_without_a_name(app, names: list[str]) -> None:
    """Mark these organizations' sign-ons confirmed, shown only in the count (as their contacts chose)."""
    from sqlalchemy import update

    from statements.core.db import utcnow
    from statements.extensions import db
    from statements.signons.models import SignOn, SignOnStatus, Visibility

    with app.app_context():
        db.session.execute(update(SignOn).where(SignOn.organization_name.in_(names)).values(
            status=SignOnStatus.CONFIRMED.value, visibility=Visibility.COUNT_ONLY.value, confirmed_at=utcnow()))
        db.session.commit()


# --- the benchmark ----------------------------------------------------------------------------------

def run_database(kind: str, args) -> None:
    with instance_and_database(kind, args.database_url, "statements-bench-answers-") as (env, _url, _schema):
        env["REDIS_URL"] = args.redis_url
        empty_redis(args.redis_url)
        try:
            flask_command(env, "db", "upgrade")
            in_instance(env, "setup_in_instance({})".format(json.dumps(json.dumps([(SLUG, "Care work is work")]))))
            code = f"from benchmarks.bench_signon_answers import drive; drive({args.holders}, {args.seed})"
            completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env,
                                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=1800)
            if completed.returncode != 0:
                raise SystemExit(f"driving the app failed:\n{completed.stderr[-3000:]}")
            report(kind, json.loads(completed.stdout.strip().splitlines()[-1]), args)
        finally:
            empty_redis(args.redis_url)


def report(kind: str, times: dict, args) -> None:
    print(f"== {'PostgreSQL' if kind == 'postgresql' else 'SQLite'}: the form's POST, {args.holders} of each kind "
          f"taking turns, after {3 * args.holders} names signed (load average {_load()}) ==")
    for key, label in KINDS:
        ms = sorted(1000 * t for t in times[key])
        print(f"  {label:52s} median {statistics.median(ms):6.2f} ms   p10 {ms[len(ms) // 10]:6.2f}   "
              f"p90 {ms[len(ms) * 9 // 10]:6.2f}")
    for key, label in KINDS[1:]:
        differences = [1000 * (held - new) for held, new in zip(times[key], times["new"])]
        print(f"  median of the paired differences, {label.strip()} - a new name: "
              f"{statistics.median(differences):+.2f} ms")


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holders", type=int, default=300, help="names signed first, and POSTs of each kind")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES,
                        help="PostgreSQL URL; a fresh schema is made in it and dropped at the end")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="Redis for the limits and the mail's mark")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.holders < 1:
        parser.error("--holders must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for kind in args.database:
        run_database(kind, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
