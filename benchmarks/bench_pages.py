"""Page benchmark: Statements pages under gunicorn beside a bare Flask hello-world, in one run.

    .venv/bin/python benchmarks/bench_pages.py [--requests N] [--concurrency C] [--workers W]
                                               [--rounds R] [--database-url URL] [--json FILE]

Builds a fresh instance folder with its own SQLite database (or a fresh schema in the
PostgreSQL database given with --database-url), migrates it and loads the demo data. Serves the
app and the hello-world side by side, each under gunicorn on 127.0.0.1 with the same settings,
logs in as the demo coordinator, and measures the pages a member works in (home, the working
group, the demo's draft statement, its compare page and its threads, logged in), the login page
(anonymous) and the hello-world, taking turns in rounds. Prints each target's figures with the
CPU its gunicorn workers spent per request (on PostgreSQL with the CPU of the database's backends that
served them, also shown apart), and each page's throughput as a ratio of the hello-world's. Everything it created is removed at
the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import (  # noqa: E402
    PROJECT_ROOT, BackendCpu, Browser, GunicornServer, LoadResult, combine, gunicorn_version, log_in,
    named_connections, run_load,
)

COORDINATOR = "coordinator@example.org"
DEMO_PASSWORD = "demo-password"
GROUP_PAGE = "/groups/1"
GROUP_NAME = "Climate and Displacement"
LOGIN_PAGE = "/login"
#: the name the app's database connections go by on PostgreSQL, so that their backends' CPU is counted
APP_CONNECTIONS = "pages"
#: Settings from the caller's environment that would point the app elsewhere or change its work.
APP_VARIABLES = ("DATABASE_URL", "SECRET_KEY", "STATEMENTS_ENV", "FLASK_DEBUG", "REDIS_URL", "SMTP_HOST",
                 "MAIL_SEND_IN_PROCESS", "MAIL_FILE_DIR", "BASE_URL", "FLASK_APP")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per target (default 3000)")
    parser.add_argument("--concurrency", type=int, default=8, help="simultaneous connections (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="split each target's requests into this many rounds, taking turns (default 3)")
    parser.add_argument("--warmup", type=int, default=200, help="uncounted requests before each target (default 200)")
    parser.add_argument("--time-limit", type=float, default=180.0,
                        help="stop a target after this many seconds in all even if requests remain (default 180)")
    parser.add_argument("--database-url", help="PostgreSQL URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test;"
                                               " a fresh schema is created in it and dropped at the end")
    parser.add_argument("--json", type=Path, help="also write the results to this file as JSON")
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.workers, args.rounds) < 1 or args.warmup < 0 or args.time_limit <= 0:
        parser.error("requests, concurrency, workers and rounds must be at least 1, warmup not negative,"
                     " the time limit positive")
    return args


# --- the database ------------------------------------------------------------------------------

def with_search_path(url: str, schema: str) -> str:
    """Return a PostgreSQL URL whose connections use schema first."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


class PostgresSchema:
    """A schema of our own in the given PostgreSQL database, dropped on leaving the block."""

    def __init__(self, url: str):
        from statements.config import normalize_database_url

        self.url = normalize_database_url(url)
        self.name = f"bench_{secrets.token_hex(5)}"
        self.created = False

    def _execute(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        try:
            with engine.begin() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def __enter__(self) -> "PostgresSchema":
        self._execute(f'CREATE SCHEMA "{self.name}"')
        self.created = True
        return self

    def __exit__(self, *exc_info) -> None:
        if self.created:
            self._execute(f'DROP SCHEMA "{self.name}" CASCADE')


@contextlib.contextmanager
def instance_and_database(kind: str, database_url: str, prefix: str):
    """A temporary instance folder and a database for it: a fresh schema in PostgreSQL (`kind`
    "postgresql") or the instance's SQLite file. Yields the app's environment, the engine URL and the
    schema's name (None on SQLite); removes both on leaving."""
    instance = tempfile.mkdtemp(prefix=prefix)
    schema = PostgresSchema(database_url) if kind == "postgresql" else None
    try:
        if schema:
            schema.__enter__()
            engine_url = with_search_path(schema.url, schema.name)
            yield app_environment(instance, engine_url), engine_url, schema.name
        else:
            yield app_environment(instance, None), f"sqlite:///{Path(instance) / 'statements.sqlite3'}", None
    finally:
        try:
            if schema:
                schema.__exit__(None, None, None)
        finally:
            shutil.rmtree(instance, ignore_errors=True)


def app_environment(instance: str, database_url: str | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in APP_VARIABLES}
    env.update({
        "STATEMENTS_INSTANCE": instance,
        # Given here so that no worker has to create the instance's key file.
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def flask_command(env: dict[str, str], *arguments: str) -> None:
    completed = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *arguments], cwd=PROJECT_ROOT,
                               env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    if completed.returncode != 0:
        raise SystemExit(f"flask {' '.join(arguments)} failed:\n{completed.stdout}{completed.stderr}")


# --- measuring ---------------------------------------------------------------------------------

@dataclass
class Target:
    label: str
    server: GunicornServer
    path: str
    cookies: dict[str, str] | None = None
    #: the name its server's database connections go by (`named_connections`), "" for a server without
    database_name: str = ""
    rounds: list[LoadResult] = field(default_factory=list)
    #: CPU seconds the server's workers spent while this target's rounds ran
    server_cpu_s: float = 0.0
    #: of it, CPU seconds of the PostgreSQL backends serving the server's connections (0 on SQLite)
    database_cpu_s: float = 0.0


def split(total: int, parts: int) -> list[int]:
    """Split total into `parts` near-equal positive counts (fewer parts when total is small)."""
    parts = max(1, min(parts, total))
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def measure(targets: list[Target], args: argparse.Namespace, backends: BackendCpu | None = None) -> None:
    """Warm every target up, then measure them in interleaved rounds.

    The machine's speed drifts during a run; taking turns in rounds spreads the drift over all
    targets instead of penalizing whichever was measured last.
    """
    for target in targets:
        print(f"warming up {target.label} ...", file=sys.stderr, flush=True)
        run_load(target.server.port, target.path, requests=args.warmup, concurrency=args.concurrency,
                 time_limit=args.time_limit, cookies=target.cookies)
    sizes = split(args.requests, args.rounds)
    for index, size in enumerate(sizes):
        print(f"round {index + 1} of {len(sizes)}: {size} requests per target ...", file=sys.stderr, flush=True)
        # Rotate the order too, so no target always runs right after another.
        for target in targets[index % len(targets):] + targets[:index % len(targets)]:
            cpu_before = target.server.cpu_seconds()
            counted = backends if backends and target.database_name else None
            database_before = counted.snapshot(target.database_name) if counted else {}
            target.rounds.append(run_load(target.server.port, target.path, requests=size,
                                          concurrency=args.concurrency, time_limit=args.time_limit / len(sizes),
                                          cookies=target.cookies, label=target.label))
            database_used = counted.used_since(target.database_name, database_before) if counted else 0.0
            target.server_cpu_s += target.server.cpu_seconds() - cpu_before + database_used
            target.database_cpu_s += database_used


def demo_statement_path(group_page: str) -> str:
    """The first statement the demo group's page links to: the draft with revisions and threads."""
    found = re.search(r'href="(/statements/\d+)"', group_page)
    if not found:
        raise SystemExit("the group page links to no statement")
    return found.group(1)


def run_benchmark(env: dict[str, str], args: argparse.Namespace) -> tuple[list[Target], Target, dict, dict]:
    on_postgresql = env.get("DATABASE_URL", "").startswith("postgresql")
    app_env = dict(env, DATABASE_URL=named_connections(env["DATABASE_URL"], APP_CONNECTIONS)) if on_postgresql else env
    with (GunicornServer("wsgi:app", workers=args.workers, env=app_env, ready_path=LOGIN_PAGE) as app_server,
          GunicornServer("benchmarks.hello_app:app", workers=args.workers, env=env) as hello_server,
          contextlib.closing(BackendCpu(env["DATABASE_URL"])) if on_postgresql else contextlib.nullcontext()
          as backends):
        browser = Browser(app_server.port)
        cookies = log_in(browser, COORDINATOR, DEMO_PASSWORD)
        check = browser.get(GROUP_PAGE)
        if check.status != 200 or GROUP_NAME not in check.text:
            raise SystemExit(f"GET {GROUP_PAGE} as {COORDINATOR} answered {check.status} without the group's name:"
                             f"\n{check.text[:500]}")
        statement = demo_statement_path(check.text)
        named = APP_CONNECTIONS if on_postgresql else ""
        pages = [
            Target("home (logged in)", app_server, "/", cookies, named),
            Target("group page (logged in)", app_server, GROUP_PAGE, cookies, named),
            Target("statement (logged in)", app_server, statement, cookies, named),
            Target("compare (logged in)", app_server, f"{statement}/compare", cookies, named),
            Target("threads (logged in)", app_server, f"{statement}/threads", cookies, named),
            Target("login page (anonymous)", app_server, LOGIN_PAGE, None, named),
        ]
        for page in pages[:-1]:  # the logged-in pages answer the coordinator
            answer = browser.get(page.path)
            if answer.status != 200:
                raise SystemExit(f"GET {page.path} answered {answer.status}")
        hello = Target("hello-world", hello_server, "/")
        measure([*pages, hello], args, backends)
        servers = {"Statements": app_server, "hello-world": hello_server}
        return pages, hello, {name: server.memory() for name, server in servers.items()}, \
            {name: server.log_text() for name, server in servers.items()}


# --- reporting ---------------------------------------------------------------------------------

def megabytes(kb: int) -> str:
    return f"{kb / 1024:.1f} MB"


def report(pages: list[Target], hello: Target, memory: dict[str, dict], logs: dict[str, str],
           args: argparse.Namespace, database: str) -> list[str]:
    """Return the lines to print: one per target, the ratios to the hello-world, and memory."""
    results = {target.label: combine(target.rounds) for target in [*pages, hello]}
    hello_result = results[hello.label]
    lines = [
        f"Statements page benchmark: gunicorn {gunicorn_version()}, {args.workers} sync workers, "
        f"127.0.0.1, Python {platform.python_version()}, {os.cpu_count()} CPUs, database {database}",
        f"{len(hello.rounds)} interleaved rounds after {args.warmup} warm-up requests per target",
        f"{'target':<24} {'path':<26} {'requests':>8} {'conc':>4} {'done':>6} {'errors':>6} {'non-2xx':>7} "
        f"{'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'server CPU ms/req':>17} {'(db)':>6} "
        f"{'client CPU':>10}",
    ]
    cpu = {target.label: target.server_cpu_s for target in [*pages, hello]}
    database_cpu = {target.label: target.database_cpu_s for target in [*pages, hello] if target.database_name}
    for result in results.values():
        client_share = result.client_cpu_s / result.duration_s if result.duration_s else 0.0
        server_ms = 1000 * cpu[result.label] / result.done if result.done else 0.0
        database_ms = f"{1000 * database_cpu[result.label] / result.done:.2f}" \
            if result.done and result.label in database_cpu else "-"
        lines.append(
            f"{result.label:<24} {result.path:<26} {result.requested:>8} {result.concurrency:>4} {result.done:>6} "
            f"{result.errors:>6} {result.non_2xx:>7} {result.requests_per_s:>8.1f} {result.p50_ms:>7.2f} "
            f"{result.p90_ms:>7.2f} {result.p99_ms:>7.2f} {server_ms:>17.2f} {database_ms:>6} {client_share:>10.0%}"
            + ("  (stopped at the time limit)" if result.time_limit_reached else "")
        )
    for page in pages:
        result = results[page.label]
        ratio = result.requests_per_s / hello_result.requests_per_s if hello_result.requests_per_s else 0.0
        per_round = [p.requests_per_s / h.requests_per_s for p, h in zip(page.rounds, hello.rounds) if h.requests_per_s]
        spread = f", rounds {min(per_round):.3f}-{max(per_round):.3f}" if len(per_round) > 1 else ""
        latency = result.p50_ms / hello_result.p50_ms if hello_result.p50_ms else 0.0
        lines.append(f"ratio {page.label} / hello-world: {ratio:.3f} of the req/s{spread}; p50 latency {latency:.1f}x")
    for name, figures in memory.items():
        workers = ", ".join(megabytes(worker["peak_kb"]) for worker in figures["workers"])
        master = megabytes(figures["master"]["peak_kb"]) if figures["master"] else "?"
        lines.append(f"peak RSS {name}: master {master}, workers {workers or '?'}, "
                     f"sum {megabytes(figures['total_peak_kb'])}")
    for result in results.values():
        if result.error_samples:
            lines.append(f"errors {result.label}: {'; '.join(result.error_samples)}")
        if result.non_2xx:
            lines.append(f"statuses {result.label}: {result.statuses}")
    if any(result.errors or result.non_2xx for result in results.values()):
        for name, log in logs.items():
            if log.strip():
                lines.append(f"last lines of the {name} server's log:")
                lines += ["  " + line for line in log.strip().splitlines()[-15:]]
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A TERM (from a CI timeout, say) unwinds like Ctrl+C, so the servers and schema are removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    kind = "postgresql" if args.database_url else "sqlite"
    with instance_and_database(kind, args.database_url, "statements-bench-") as (env, _engine_url, schema):
        database = f"postgresql (schema {schema})" if schema else "sqlite"
        print(f"preparing the database ({database}) ...", file=sys.stderr, flush=True)
        flask_command(env, "db", "upgrade")
        flask_command(env, "demo")
        pages, hello, memory, logs = run_benchmark(env, args)

    print("\n".join(report(pages, hello, memory, logs, args, database)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "database": "postgresql" if args.database_url else "sqlite",
            "workers": args.workers, "gunicorn": gunicorn_version(), "requests": args.requests,
            "concurrency": args.concurrency, "rounds": len(hello.rounds), "warmup": args.warmup,
            "results": {target.label: {"combined": combine(target.rounds).as_dict(),
                                       "server_cpu_s": target.server_cpu_s,
                                       "database_cpu_s": target.database_cpu_s,
                                       "rounds": [result.as_dict() for result in target.rounds]}
                        for target in [*pages, hello]},
            "memory": memory,
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
