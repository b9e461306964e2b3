"""The work of one sign-on, counted in instructions rather than timed: a figure that hardly moves on a
shared machine, for telling whether a change to the sign-on path made it cheaper.

Each server of the sign-on benchmark (the app as ``benchmarks.signon_app`` serves it, the minimal
durable app, the checked minimal app; see ``bench_signons.py`` and the README) is driven in a Python
process of its own, under valgrind's callgrind, by a client in the same process that calls the WSGI
app directly: GET the form page with no cookie, then POST the form with the session cookie and the
hidden values the page gave, as ``bench_signons.py`` does over HTTP. Callgrind counts the instructions
the process runs (Python, the libraries, the database driver; not the database server, nor the
kernel) while it makes ``--signons`` sign-ons, after a warm-up of 30; the client's own share is the
same small loop for every server. Every sign-on must be answered with a redirect, and the database
must then hold exactly the sign-ons sent.

Timings of the same runs vary by a third from one minute to the next on a shared machine; these
counts by a few per cent at most on an idle machine. Under load they rise: callgrind slows the process
about fifty-fold, so more of the kept pages' few seconds run out during a run and more requests go
through Flask. Compare counts made in the same conditions. They leave out what the server does around
the app (gunicorn's own work per request, about 0.7 ms of CPU here) and the database server's CPU,
which ``bench_signons.py`` counts: use that one for the goal's ratios, this one to compare code,
before and after a change.

``--timed ROUNDS`` times the same loop instead, without callgrind: each round's CPU time per sign-on. It moves
from run to run, but sees what the count misses, the parts whose memory is cold where the server runs them.

Needs valgrind (Debian's package ``valgrind``), but for ``--timed``. Prints plain lines; asserts no timing.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import flask_command, instance_and_database  # noqa: E402
from benchmarks.bench_signons import (  # noqa: E402
    APP_TARGET, CHECKED_TARGET, DEFAULT_REDIS, MINIMAL_TARGET, Reply, empty_redis, form_fields, in_instance,
    organizations, sign_on_form,
)
from benchmarks.harness import PROJECT_ROOT, SIGNON_PARTS, callgrind, count_instructions, has_callgrind  # noqa: E402

TARGETS = {"app": APP_TARGET, "minimal": MINIMAL_TARGET, "checked": CHECKED_TARGET}
LABELS = {"app": "Statements", "minimal": "minimal app", "checked": "checked minimal app"}
WARM_UP = 30


# --- in the process measured --------------------------------------------------------------------

def call(app, method: str, path: str, cookie: str = "", body: bytes = b"") -> tuple[str, list, bytes]:
    """One request to a WSGI app, as gunicorn hands it over: status, headers and the whole body."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_HOST": "127.0.0.1", "HTTP_ACCEPT": "text/html", "wsgi.version": (1, 0),
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
               "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    if body:
        environ["CONTENT_TYPE"], environ["CONTENT_LENGTH"] = "application/x-www-form-urlencoded", str(len(body))
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers

    chunks = app(environ, start_response)
    try:
        data = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return answer["status"], answer["headers"], data


def sign_on(app, slug: str, organization: dict) -> bool:
    """GET the form page, POST the form: whether the sign-on was answered with a redirect."""
    status, headers, page = call(app, "GET", f"/s/{slug}")
    if not status.startswith("200"):
        return False
    cookie = "; ".join(value.partition(";")[0] for name, value in headers if name.lower() == "set-cookie")
    hidden = form_fields(Reply(200, None, page.decode(), 0.0, None))  # (as the timed benchmark reads them)
    body = urlencode(sign_on_form(hidden, organization)).encode()
    status, _headers, _data = call(app, "POST", f"/s/{slug}/sign", cookie, body)
    return status[:3] in ("302", "303")


def drive(target: str, slug: str, signons: int, seed: int, rounds: int = 0) -> None:
    """Run in the process under callgrind: warm up, then count `signons` sign-ons. With `rounds`, in a process of its
    own without callgrind: `signons` sign-ons in each round, each round's CPU time (this thread's) per sign-on."""
    module, _, name = TARGETS[target].partition(":")
    app = getattr(__import__(module, fromlist=[name]), name)
    people = organizations(WARM_UP + signons * max(rounds, 1), seed)
    warm = sum(sign_on(app, slug, person) for person in people[:WARM_UP])
    if rounds:
        counted, per_round = 0, []
        for start in range(WARM_UP, len(people), signons):
            began = time.thread_time()
            counted += sum(sign_on(app, slug, person) for person in people[start:start + signons])
            per_round.append((time.thread_time() - began) / signons)
        print(json.dumps({"warm": warm, "counted": counted, "seconds_per_signon": per_round}))
        return
    callgrind("on")
    counted = sum(sign_on(app, slug, person) for person in people[WARM_UP:])
    callgrind("off")
    print(json.dumps({"warm": warm, "counted": counted}))


# --- the benchmark ----------------------------------------------------------------------------------

def count(target: str, env: dict, slug: str, args) -> dict:
    """Instructions per sign-on for one server, from a process of its own under callgrind (with --timed, CPU time
    per sign-on in each round instead, from a process of its own without it)."""
    arguments = ["benchmarks.bench_signon_work", "--drive", target, "--slug", slug, "--signons", str(args.signons),
                 "--seed", str(args.seed)]
    if args.timed:  # (its log lines to a file, as the timed benchmark's servers write theirs; not to a pipe)
        with tempfile.TemporaryFile() as log:
            completed = subprocess.run([sys.executable, "-m", *arguments, "--timed", str(args.timed)],
                                       cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=log, text=True, timeout=3600)
            if completed.returncode != 0:
                log.seek(0)
                raise SystemExit(f"{target} failed:\n{completed.stdout[-3000:]}{log.read()[-3000:].decode()}")
        answered = json.loads(completed.stdout.strip().splitlines()[-1])
        return {**answered, "signons_run": args.signons * args.timed}
    instructions, printed = count_instructions(arguments, env, target)
    answered = json.loads(printed.strip().splitlines()[-1])
    return {"instructions": instructions / args.signons, "signons_run": args.signons, **answered}


def stored(engine_url: str, statement_id: int) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(engine_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM signon WHERE statement_id = :id"),
                                      {"id": statement_id}).scalar_one()
    finally:
        engine.dispose()


def the_apps_page(env: dict, slug: str) -> bytes:
    """The app's public page, which the minimal apps serve: fetched in a process of its own."""
    code = ("import sys; from benchmarks.bench_signon_work import call; from benchmarks.signon_app import app; "
            f"sys.stdout.buffer.write(call(app, 'GET', '/s/{slug}')[2])")
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True,
                               timeout=300)
    if completed.returncode != 0:
        raise SystemExit(f"fetching the app's page failed:\n{completed.stderr.decode()[-3000:]}")
    return completed.stdout


def run_database(kind: str, args) -> None:
    with instance_and_database(kind, args.database_url, "statements-bench-work-") as (env, engine_url, _schema):
        env["REDIS_URL"] = args.redis_url
        empty_redis(args.redis_url)
        try:
            report(kind, count_each(env, engine_url, args), args)
        finally:
            empty_redis(args.redis_url)


def count_each(env: dict, engine_url: str, args) -> dict:
    """Make each server's statement in a new database, then count each server's sign-ons."""
    flask_command(env, "db", "upgrade")
    slugs = {target: f"work-{target}" for target in args.only}
    ids = in_instance(env, "setup_in_instance({})".format(json.dumps(json.dumps(
        [(slug, f"Loss and damage finance: {LABELS[target]}") for target, slug in slugs.items()]))))
    page = Path(env["STATEMENTS_INSTANCE"]) / "minimal-signon-page.html"
    page.write_bytes(the_apps_page(env, slugs.get("app", next(iter(slugs.values())))))
    results = {}
    for target, slug in slugs.items():
        target_env = dict(env, MINIMAL_SIGNON_PAGE=str(page), MINIMAL_SIGNON_STATEMENT_ID=str(ids[slug]),
                          MINIMAL_SIGNON_REVISION_ID=str(ids[f"{slug}:revision"]))
        if target != "app":  # (the app finds its SQLite file in the instance folder; they are told where)
            target_env["DATABASE_URL"] = engine_url
        elif args.without:
            target_env["SIGNON_BENCH_WITHOUT"] = ",".join(args.without)
        started = time.monotonic()
        results[target] = count(target, target_env, slug, args)
        results[target]["rows"] = stored(engine_url, ids[slug])
        results[target]["seconds"] = time.monotonic() - started
    return results


def report(kind: str, results: dict, args) -> None:
    database = "PostgreSQL" if kind == "postgresql" else "SQLite"
    if args.timed:
        print(f"== {database}: CPU time per sign-on (GET + POST, this thread of the server's process, client "
              f"included), {args.timed} rounds of {args.signons} sign-ons after {WARM_UP}: median (lowest-highest) ==")
    else:
        print(f"== {database}: instructions per sign-on (GET + POST, in the server's process, client included), "
              f"{args.signons} sign-ons after {WARM_UP} ==")
    if args.without:
        print(f"  the app WITHOUT {', '.join(args.without)} (--without): a measure of what those parts cost")
    for target, result in results.items():
        sent = result["signons_run"]
        exact = result["counted"] == sent and result["rows"] == WARM_UP + sent
        answered = (f"answered {result['counted']}/{sent}, stored {result['rows']} of {WARM_UP + sent}"
                    f"{'' if exact else '  (NOT EXACT)'}")
        if args.timed:
            rounds = [seconds * 1000 for seconds in result["seconds_per_signon"]]
            result["figure"] = statistics.median(rounds)
            print(f"  {LABELS[target]:22s} {result['figure']:6.3f} ms ({min(rounds):.3f}-{max(rounds):.3f})   "
                  f"{answered}")
        else:
            result["figure"] = result["instructions"]
            print(f"  {LABELS[target]:22s} {result['instructions'] / 1e6:8.2f} M   {answered}   "
                  f"({result['seconds']:.0f} s under callgrind)")
    for top, bottom in (("app", "minimal"), ("app", "checked"), ("checked", "minimal")):
        if top in results and bottom in results:
            print(f"  ratio {LABELS[top]} / {LABELS[bottom]}: {results[top]['figure'] / results[bottom]['figure']:.2f}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signons", type=int, default=200, help="sign-ons counted per server (default 200)")
    parser.add_argument("--only", nargs="+", choices=list(TARGETS), default=list(TARGETS),
                        help="servers to count (default: all three)")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], nargs="+",
                        default=["postgresql", "sqlite"])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL URL; a fresh schema is made in it and dropped at the end")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="Redis for the limits and the mail's mark")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--without", nargs="+", default=[], choices=SIGNON_PARTS, metavar="PART",
                        help="leave these parts of a sign-on's work out of the app, to count what they cost "
                             f"({', '.join(SIGNON_PARTS)}; see benchmarks/signon_app.py)")
    parser.add_argument("--timed", type=int, default=0, metavar="ROUNDS",
                        help="time the same loop instead, without callgrind: ROUNDS rounds of --signons sign-ons, "
                             "each round's CPU time per sign-on (noisier than the count; for the time a part takes, "
                             "which the count misses where the caches do)")
    parser.add_argument("--drive", choices=list(TARGETS), help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.signons < 1 or args.timed < 0:
        parser.error("--signons must be at least 1, --timed at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.drive:
        drive(args.drive, args.slug, args.signons, args.seed, args.timed)
        return 0
    if not args.timed and not has_callgrind():
        print("needs valgrind (Debian's package valgrind): not found", file=sys.stderr)
        return 2
    for kind in args.database:
        run_database(kind, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
