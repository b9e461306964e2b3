"""The work of each page a member works in, counted in instructions rather than timed: a figure that
hardly moves on a shared machine, for telling whether a change made a page cheaper.

    .venv/bin/python benchmarks/bench_page_work.py [--requests 30] [--pages home,group,...]

Builds a fresh instance with the demo data on SQLite, as ``bench_pages.py`` does. Each page is then
driven in a Python process of its own under valgrind's callgrind, by a client in the same process that
calls the WSGI app (``wsgi:app``, as gunicorn serves it) directly: it logs in as the demo coordinator
through the login form, opens the page 20 times uncounted, then ``--requests`` times counted. Callgrind
counts the instructions the process runs (Python, the libraries, SQLite; not the kernel). Every counted
request must answer 200.

The pages are those of ``bench_pages.py`` (home, the working group, the demo's draft statement, its
compare page and its threads, logged in) and the login page (anonymous). ``bench_pages.py`` gives the
CPU a gunicorn worker spends on each, the figure the goal is set in; timings of the same code vary by a
fifth from one run to the next on a shared machine, these counts by about a per cent. They leave out
what gunicorn itself does per request (the hello-world's 0.6 ms of CPU).

Needs valgrind (Debian's package ``valgrind``). Prints plain lines; asserts no timing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import COORDINATOR, DEMO_PASSWORD, GROUP_PAGE, LOGIN_PAGE, flask_command, \
    instance_and_database  # noqa: E402
from benchmarks.harness import callgrind, count_instructions, has_callgrind  # noqa: E402

PAGES = ("home", "group", "statement", "compare", "threads", "login")
WARM_UP = 20
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STATEMENT_LINK = re.compile(r'href="(/statements/\d+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="counted requests per page (default 30)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, of {', '.join(PAGES)}")
    parser.add_argument("--drive", choices=PAGES, help=argparse.SUPPRESS)  # (the process under callgrind)
    args = parser.parse_args(argv)
    args.pages = [page.strip() for page in args.pages.split(",") if page.strip()]
    unknown = set(args.pages) - set(PAGES)
    if unknown or not args.pages or args.requests < 1:
        parser.error(f"pages are among {', '.join(PAGES)}; requests at least 1")
    return args


# --- in the process measured --------------------------------------------------------------------

def page_paths(client) -> dict[str, str]:
    """Log the client in as the demo coordinator; each page's address."""
    form = client.get(LOGIN_PAGE).get_data(as_text=True)
    logged_in = client.post(LOGIN_PAGE, data={"email": COORDINATOR, "password": DEMO_PASSWORD,
                                               "csrf_token": CSRF.search(form).group(1)})
    if logged_in.status_code not in (302, 303):
        raise SystemExit(f"logging in answered {logged_in.status_code}")
    statement = STATEMENT_LINK.search(client.get(GROUP_PAGE).get_data(as_text=True)).group(1)
    return {"home": "/", "group": GROUP_PAGE, "statement": statement, "compare": f"{statement}/compare",
            "threads": f"{statement}/threads", "login": LOGIN_PAGE}


def drive(page: str, requests: int) -> None:
    """Run in the process under callgrind: warm up, then count `requests` requests of one page."""
    import logging

    from werkzeug.test import Client

    from wsgi import app

    logging.disable(logging.INFO)  # (as production's log level would let through: none per request)
    client = Client(app)
    path = page_paths(client)[page]
    if page == "login":
        client = Client(app)  # a visitor, with no session
    warm = sum(client.get(path).status_code == 200 for _ in range(WARM_UP))
    callgrind("on")
    answered = sum(client.get(path).status_code == 200 for _ in range(requests))
    callgrind("off")
    print(json.dumps({"warm": warm, "answered": answered}))


# --- the benchmark ----------------------------------------------------------------------------------

def count(page: str, env: dict, requests: int) -> dict:
    """Instructions per request of one page, from a process of its own under callgrind."""
    instructions, printed = count_instructions(
        ["benchmarks.bench_page_work", "--drive", page, "--requests", str(requests)], env, page)
    return {"instructions": instructions / requests, **json.loads(printed.strip().splitlines()[-1])}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.drive:
        drive(args.drive, args.requests)
        return 0
    if not has_callgrind():
        raise SystemExit("needs valgrind (Debian's package valgrind)")
    with instance_and_database("sqlite", "", "statements-bench-work-") as (env, _engine_url, _schema):
        print("preparing the database (sqlite) ...", file=sys.stderr, flush=True)
        flask_command(env, "db", "upgrade")
        flask_command(env, "demo")
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            counted = dict(zip(args.pages, pool.map(lambda page: count(page, env, args.requests), args.pages)))
    print(f"instructions per request, {args.requests} requests per page after {WARM_UP} uncounted, "
          f"SQLite, Python {sys.version.split()[0]}")
    failed = False
    for page, result in counted.items():
        exact = result["answered"] == args.requests and result["warm"] == WARM_UP
        failed |= not exact
        print(f"{page:<10} {result['instructions'] / 1e6:8.1f} M{'' if exact else '   (NOT ALL ANSWERED 200)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
