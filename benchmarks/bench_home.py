"""Home page benchmark: a busy coordinator's to-do list beside their working group's page, on the same data.

    .venv/bin/python benchmarks/bench_home.py [--requests 600] [--concurrency 4] [--workers 2] [--rounds 3]
                                              [--statements 50] [--threads 2000] [--signons 5000]

Builds a fresh instance folder with its own SQLite database, migrates it and stores one coordinator in
five working groups with the given numbers of statements, threads and sign-ons waiting for approval
(benchmarks/home_data.py). Serves the app under gunicorn on 127.0.0.1, logs in as that coordinator, and
measures the home page and the first group's page in interleaved rounds: throughput, latency, and the
workers' CPU time per request (which a busy machine disturbs far less than throughput). Removes
everything it created. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import app_environment, flask_command, split  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    PROJECT_ROOT, Browser, GunicornServer, combine, gunicorn_version, log_in, run_load,
)
from benchmarks.home_data import COORDINATOR  # noqa: E402

PASSWORD = "bench-password"
HOME = "/"
#: the script run in the instance to store the data (with the app's own settings)
BUILD = ("from statements import create_app\n"
         "from statements.extensions import db\n"
         "from benchmarks.home_data import build_busy_network\n"
         "import sys\n"
         "with create_app().app_context():\n"
         "    build_busy_network(statements=int(sys.argv[1]), threads=int(sys.argv[2]), signons=int(sys.argv[3]),"
         " password=sys.argv[4])\n"
         "    print(db.session.execute(db.text('select min(id) from working_group')).scalar())\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per page (default 600)")
    parser.add_argument("--concurrency", type=int, default=4, help="simultaneous connections (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--warmup", type=int, default=50, help="uncounted requests per page first (default 50)")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per page at most (default 120)")
    parser.add_argument("--statements", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--signons", type=int, default=5000)
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.workers, args.rounds, args.statements) < 1:
        parser.error("requests, concurrency, workers, rounds and statements must be at least 1")
    return args


def build(env: dict[str, str], args: argparse.Namespace) -> int:
    """Migrate the instance's database, store the busy network, and return its first group's id."""
    flask_command(env, "db", "upgrade")
    done = subprocess.run([sys.executable, "-c", BUILD, str(args.statements), str(args.threads), str(args.signons),
                           PASSWORD], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"storing the data failed:\n{done.stdout}{done.stderr}")
    return int(done.stdout.strip().splitlines()[-1])


def measure(server: GunicornServer, pages: dict[str, str], cookies: dict, args: argparse.Namespace) -> dict:
    """Load each page in turn, round after round; return its results and its workers' CPU seconds."""
    results = {label: [] for label in pages}
    cpu = dict.fromkeys(pages, 0.0)
    for label, path in pages.items():
        run_load(server.port, path, requests=args.warmup, concurrency=args.concurrency, cookies=cookies,
                 time_limit=args.time_limit)
    for index, size in enumerate(split(args.requests, args.rounds)):
        order = list(pages.items())
        for label, path in order[index % 2:] + order[:index % 2]:
            before = server.cpu_seconds()
            results[label].append(run_load(server.port, path, requests=size, concurrency=args.concurrency,
                                           cookies=cookies, label=label, time_limit=args.time_limit / args.rounds))
            cpu[label] += server.cpu_seconds() - before
    return {label: (combine(rounds), cpu[label]) for label, rounds in results.items()}


def report(figures: dict, args: argparse.Namespace) -> list[str]:
    lines = [
        f"Home page benchmark: gunicorn {gunicorn_version()}, {args.workers} sync workers, 127.0.0.1, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, database sqlite",
        f"a coordinator in 5 groups, {args.statements} statements, {args.threads} threads, "
        f"{args.signons} sign-ons waiting; {args.rounds} interleaved rounds, concurrency {args.concurrency}",
        f"{'page':<12} {'done':>6} {'non-2xx':>7} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'CPU ms/request':>15}",
    ]
    per_request = {}
    for label, (result, cpu) in figures.items():
        per_request[label] = cpu * 1000 / result.completed if result.completed else 0.0
        lines.append(f"{label:<12} {result.done:>6} {result.non_2xx:>7} {result.requests_per_s:>8.1f} "
                     f"{result.p50_ms:>8.2f} {result.p90_ms:>8.2f} {per_request[label]:>15.2f}")
    home, group = figures["home page"][0], figures["group page"][0]
    if group.requests_per_s and per_request["group page"]:
        lines.append(f"ratio home / group page: {home.requests_per_s / group.requests_per_s:.2f} of the req/s; "
                     f"{per_request['home page'] / per_request['group page']:.2f}x the CPU per request")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    instance = tempfile.mkdtemp(prefix="statements-bench-home-")
    try:
        env = app_environment(instance, None)
        print("storing the data ...", file=sys.stderr, flush=True)
        group_id = build(env, args)
        with GunicornServer("wsgi:app", workers=args.workers, env=env, ready_path="/login") as server:
            browser = Browser(server.port)
            cookies = log_in(browser, COORDINATOR, PASSWORD)
            check = browser.get(HOME)
            if check.status != 200 or "waiting for approval" not in check.text:
                raise SystemExit(f"GET {HOME} answered {check.status} without the to-do list:\n{check.text[:500]}")
            figures = measure(server, {"home page": HOME, "group page": f"/groups/{group_id}"}, cookies, args)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    print("\n".join(report(figures, args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
