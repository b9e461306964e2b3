"""Public page benchmark: a statement with many approved sign-ons, its public pages under concurrent load.

    .venv/bin/python benchmarks/bench_public.py [--listed 20000] [--seconds 11] [--rounds 2]
                                                [--concurrency 8] [--client-processes 4]
                                                [--workers 2] [--app-threads 4] [--database-url URL]
                                                [--only postgresql|sqlite] [--redis-url URL] [--seed 2026]

For PostgreSQL (a fresh schema in the database given, dropped at the end) and then SQLite (a
temporary instance folder), it migrates a new database, makes a statement final with sign-on open
through the app's services, inserts --listed approved sign-ons into it, and serves the app
(``benchmarks.signon_app:app``, which says its own time in a Server-Timing header) under gunicorn
with the workers of statements/gunicorn_config.py. Then, from --concurrency clients spread over
--client-processes processes, each target is asked for one request after another for --seconds,
longer than the count cache lives, so that its misses are in the figures:

1. the public page and the signatories pages it links to (first and last), with the count cache
   as shipped, in --rounds rounds taking turns; then the public page on a server whose count
   cache is off (every request a miss: what a miss costs);
2. the statement published and its PDF made once through the export service; then the public
   PDF (``/s/<slug>/statement.pdf``, the cached file) beside the same file served by plain WSGI
   (``benchmarks.file_app:app``) on the same worker class, taking turns.

For each target it prints requests, the server's time (p50, p99, p99.9, max: from Server-Timing)
and the client's (to the last byte), and the CPU time per request of the gunicorn workers plus,
on PostgreSQL, the backends serving them. Nothing asserts a timing. Everything it made is removed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import PostgresSchema, app_environment, flask_command, with_search_path  # noqa: E402
from benchmarks.bench_signons import (  # noqa: E402
    APP_TARGET, DEFAULT_POSTGRES, Burst, empty_redis, note, out, redis_database, run_burst_in_processes,
    statuses_text,
)
from benchmarks.harness import (  # noqa: E402
    HOST, PROJECT_ROOT, USER_AGENT, BackendCpu, GunicornServer, add_app_threads_argument, gunicorn_version,
    named_connections, percentile, worker_options, workers_text,
)

FILE_TARGET = "benchmarks.file_app:app"
#: another database than the sign-on benchmark's, so that both may run at the same time
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
SLUG = "many-signatories"
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


# --- run in the instance (a subprocess with its environment) ------------------------------------

def publish_and_export_in_instance(slug: str) -> None:
    """Close sign-on, publish, and make the public PDF once through the export service; print its file."""
    from sqlalchemy import select

    from statements import create_app
    from statements.accounts.models import User
    from statements.drafts import services as drafts
    from statements.drafts.models import Statement
    from statements.export import services as exports
    from statements.extensions import db
    from statements.signons import services as signons

    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        statement = db.session.scalar(select(Statement).where(Statement.slug == slug))
        user = db.session.get(User, statement.created_by_id)
        signons.close_signon(user, statement)
        drafts.transition(user, statement, "published")
        db.session.commit()
        export, _started = exports.request_export(statement, "pdf", "country", "a4", "one")
        exports.make_file(export.id)
        db.session.refresh(export)
        path = exports.file_path(export)
        if path is None:
            raise SystemExit(f"the PDF was not made: {export.status} {export.error}")
        print(json.dumps({"path": str(path), "size": export.size, "pages": export.pages,
                          "seconds": time.perf_counter() - started}))


def in_instance(env: dict[str, str], call: str) -> dict:
    """Run a function of the benchmarks in a new Python with the instance's environment; return its JSON."""
    code = f"from benchmarks.bench_signons import *; from benchmarks.bench_public import *; {call}"
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=1800)
    if completed.returncode != 0:
        raise SystemExit(f"{call} failed:\n{completed.stdout}{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- the load -------------------------------------------------------------------------------------

def fetch(port: int, path: str, expect: bytes | None) -> tuple[int, float, float | None, int, bool]:
    """One GET on a new connection, as a visitor without cookies sends it: status, client ms, server ms, bytes
    received (compressed, for a page), and whether the body starts as expected."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        # as a browser asks: the pages of visitors without an account are compressed for them
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/pdf",
                                                 "Accept-Encoding": "gzip, deflate, br"})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    latency_ms = (time.perf_counter() - started) * 1000
    timing = SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
    good = expect is None or data.startswith(expect)
    return response.status, latency_ms, float(timing.group(1)) if timing else None, len(data), good


def get_work(port: int, path: str, expect: bytes | None):
    def work(_unit, recorder: Burst, _prepared) -> None:
        try:
            status, latency_ms, server_ms, size, good = fetch(port, path, expect)
        except (OSError, http.client.HTTPException) as error:
            recorder.error("GET", error)
            return
        recorder.latencies.setdefault("GET", []).append(latency_ms)
        if server_ms is not None:
            recorder.server.setdefault("GET", []).append(server_ms)
        recorder.statuses.setdefault("GET", Counter())[status if good else -status] += 1
        recorder.accepted.append(size)
    return work


class Target:
    def __init__(self, label: str, server: GunicornServer, path: str, backend_name: str | None,
                 expect: bytes | None = None):
        self.label, self.server, self.path, self.backend_name, self.expect = label, server, path, backend_name, expect
        self.burst: Burst | None = None
        self.server_cpu_s = 0.0
        self.backend_cpu_s = 0.0


def load(target: Target, args, backends: BackendCpu | None) -> None:
    """Ask for one target for --seconds from every client; add up what it measured."""
    before = target.server.cpu_seconds()
    db_before = backends.snapshot(target.backend_name) if backends and target.backend_name else {}
    burst = run_burst_in_processes(target.label, list(range(10**6)), args.concurrency, args.seconds,
                                   get_work(target.server.port, target.path, target.expect),
                                   processes=args.client_processes)
    target.server_cpu_s += target.server.cpu_seconds() - before
    if backends and target.backend_name:
        target.backend_cpu_s += backends.used_since(target.backend_name, db_before)
    if target.burst is None:
        target.burst = burst
    else:
        duration = target.burst.duration_s + burst.duration_s
        target.burst.merge(burst)
        target.burst.duration_s = duration


def warm(target: Target) -> None:
    for _ in range(3):
        fetch(target.server.port, target.path, None)


def report(title: str, targets: list[Target], args) -> None:
    load_average = " ".join(f"{value:.2f}" for value in os.getloadavg())
    out(title)
    out(f"(load average {load_average} at the end)")
    out(f"{'target':<36} {'reqs':>6} {'req/s':>6} {'KB':>6} {'srv p50':>8} {'srv p99':>8} {'p99.9':>8} "
        f"{'srv max':>8} {'cl p50':>8} {'cl p99':>8} {'CPU ms/req':>10} {'(db)':>6} {'client CPU':>10}")
    for target in targets:
        burst = target.burst
        server = sorted(burst.server.get("GET", []))
        client = sorted(burst.latencies.get("GET", []))
        answered = burst.answered("GET")
        statuses = burst.statuses.get("GET")
        size = (sum(burst.accepted) / len(burst.accepted) / 1024) if burst.accepted else 0
        cpu = (target.server_cpu_s + target.backend_cpu_s) * 1000 / answered if answered else 0
        db_cpu = target.backend_cpu_s * 1000 / answered if answered else 0
        client_share = burst.client_cpu_s / burst.duration_s if burst.duration_s else 0
        out(f"{target.label:<36} {answered:>6} {burst.rate('GET'):>6.0f} {size:>6.0f} {percentile(server, 50):>8.1f} "
            f"{percentile(server, 99):>8.1f} {percentile(server, 99.9):>8.1f} {server[-1] if server else 0:>8.1f} "
            f"{percentile(client, 50):>8.1f} {percentile(client, 99):>8.1f} {cpu:>10.2f} {db_cpu:>6.2f} "
            f"{client_share:>9.0%}")
        if set(statuses) != {200} or burst.errors:
            out(f"  statuses {statuses_text(statuses)} (negative: the body was not the file), "
                f"{burst.errors} errors {burst.error_samples[:2]}")
    out()


# --- a database, start to end ---------------------------------------------------------------------

def run_rounds(targets: list, args, backends) -> None:
    """Warm each target, then load them in turns, `--rounds` times."""
    for target in targets:
        warm(target)
    for round_number in range(args.rounds):
        for target in targets:
            note(f"   round {round_number + 1}: {target.label} ...")
            load(target, args, backends)


def run_database(args, kind: str, number: int) -> None:
    instance = tempfile.mkdtemp(prefix="statements-bench-public-")
    schema = PostgresSchema(args.database_url) if kind == "postgresql" else None
    backends = None
    try:
        if schema:
            schema.__enter__()
            engine_url = with_search_path(schema.url, schema.name)
            env = app_environment(instance, engine_url)
            database = f"PostgreSQL (schema {schema.name})"
        else:
            env = app_environment(instance, None)
            engine_url = ""
            database = "SQLite (WAL, temporary instance folder)"
        if args.redis:
            env["REDIS_URL"] = args.redis
        note(f"preparing {database} ...")
        flask_command(env, "db", "upgrade")
        in_instance(env, f"setup_in_instance({json.dumps(json.dumps([(SLUG, 'Loss and damage: the campaign')]))})")
        note(f"inserting {args.listed:,} approved sign-ons ...")
        listing = in_instance(env, f"bulk_insert_in_instance({SLUG!r}, {args.listed}, {args.seed})")
        last_page = max(1, -(-listing["listable"] // 500))

        def app_env(name: str, **extra) -> dict:
            named = dict(env, **extra)
            if engine_url:
                named["DATABASE_URL"] = named_connections(engine_url, name)
            return named

        backends = BackendCpu(engine_url) if engine_url else None
        options = worker_options(args.app_threads)
        workers = workers_text(args.workers, args.app_threads)
        setup = (f"{listing['inserted']:,} approved sign-ons ({listing['listable']:,} listed), {database}; "
                 f"{workers}; {args.concurrency} clients in {args.client_processes} processes, "
                 f"{args.seconds:g} s per target and round (count cache {cache_seconds():g} s)")

        note("1. the public page and the signatories pages ...")
        with GunicornServer(APP_TARGET, workers=args.workers, env=app_env("app"), ready_path="/api/openapi.json",
                            **options) as server, \
                GunicornServer(APP_TARGET, workers=args.workers, env=app_env("nocache",
                               SIGNON_BENCH_COUNT_CACHE_SECONDS="0"), ready_path="/api/openapi.json",
                               **options) as nocache:
            targets = [Target("public page", server, f"/s/{SLUG}", "app"),
                       Target("signatories, page 1", server, f"/s/{SLUG}/signatories", "app"),
                       Target(f"signatories, page {last_page} (last)", server,
                              f"/s/{SLUG}/signatories?page={last_page}", "app"),
                       Target("public page, count cache off", nocache, f"/s/{SLUG}", "nocache")]
            run_rounds(targets, args, backends)
        report(f"== {number}a. Public pages: {setup} ==", targets, args)

        note("2. publishing and making the PDF once ...")
        made = in_instance(env, f"publish_and_export_in_instance({SLUG!r})")
        with GunicornServer(APP_TARGET, workers=args.workers, env=app_env("app"), ready_path="/api/openapi.json",
                            **options) as server, \
                GunicornServer(FILE_TARGET, workers=args.workers, env=dict(env, BENCH_FILE_PATH=made["path"]),
                               **options) as plain:
            targets = [Target("public PDF (cached file)", server, f"/s/{SLUG}/statement.pdf", "app", b"%PDF-"),
                       Target("same file, plain WSGI", plain, "/", None, b"%PDF-"),
                       Target("public page (published)", server, f"/s/{SLUG}", "app")]
            run_rounds(targets, args, backends)
        report(f"== {number}b. Public PDF ({made['pages']} pages, {made['size'] / 1024:,.0f} KB, made once in "
               f"{made['seconds']:.0f} s): {setup} ==", targets, args)
    finally:
        try:
            if backends:
                backends.close()
            if schema:
                schema.__exit__(None, None, None)
        finally:
            shutil.rmtree(instance, ignore_errors=True)
            empty_redis(args.redis)


def cache_seconds() -> float:
    from statements.signons import services

    return services.COUNT_CACHE_SECONDS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listed", type=int, default=20000, help="approved sign-ons (default 20000)")
    life = cache_seconds()
    parser.add_argument("--seconds", type=float, default=2 * life + 1,
                        help=f"seconds each target is asked for per round, longer than the count cache lives "
                             f"({life:g} s; default {2 * life + 1:g})")
    parser.add_argument("--rounds", type=int, default=2, help="rounds in which the targets take turns (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="simultaneous clients (default 8)")
    parser.add_argument("--client-processes", type=int, default=4, help="processes the clients are spread over")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    add_app_threads_argument(parser)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS,
                        help=f"an empty Redis database for the app (default {DEFAULT_REDIS}; emptied at the end; "
                             "'none': without Redis)")
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES,
                        help=f"PostgreSQL database for a fresh schema (default {DEFAULT_POSTGRES})")
    parser.add_argument("--only", choices=["postgresql", "sqlite"], help="run one database only")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated organizations (default 2026)")
    args = parser.parse_args(argv)
    if min(args.listed, args.rounds, args.concurrency, args.client_processes, args.workers) < 1 or args.seconds <= 0:
        parser.error("counts must be at least 1 and --seconds positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out(f"Statements public page benchmark: gunicorn {gunicorn_version()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, 127.0.0.1; app {APP_TARGET}")
    out()
    args.redis = None if args.redis_url.lower() == "none" else redis_database(args.redis_url)
    for index, kind in enumerate([args.only] if args.only else ["postgresql", "sqlite"]):
        run_database(args, kind, 1 + index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
