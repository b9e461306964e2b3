"""Mixed-load benchmark: public readers, partners' API, sign-ons, draft saves and comments at once.

    .venv/bin/python benchmarks/bench_mixed_load.py [--seconds 180] [--concurrency 8] [--workers 2]
                                                    [--signatories 3000] [--threads 20]
                                                    [--warmup-seconds 10] [--hello-seconds 20]
                                                    [--database-url URL] [--seed 2026]

In a fresh schema of a PostgreSQL database (dropped at the end) it migrates a new database and,
through the app's services, creates a working group with a coordinator and one member per client,
a statement with sign-on open that already has `--signatories` approved sign-ons, and a draft
with `--threads` comment threads. It serves the app under gunicorn on 127.0.0.1 (one master,
`--workers` worker processes of `--app-threads` threads each, as statements/gunicorn_config.py
runs them, on the same database) and, from `--concurrency` clients,
sends a mix for `--seconds` seconds: public page reads, API reads, sign-ons (the page, then the
form), draft saves by logged-in members (the edit page, then the form; each member edits a
paragraph of their own, so saves made at once are merged) and replies in comment threads (the
thread page, then the form). Then a bare Flask hello-world under the same gunicorn settings, as
the baseline. It prints requests per second and latency percentiles per kind, errors by kind,
the resident memory of each app process at the start and end, the ratio to the hello-world,
and a check in the database that every accepted sign-on, save and comment was stored.

Nothing asserts a timing: read the figures as ratios within one run.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import PostgresSchema, app_environment, flask_command, with_search_path  # noqa: E402
from benchmarks.bench_signons import (  # noqa: E402
    DEFAULT_REDIS, STATEMENT_TEXT, empty_redis, form_fields, organizations, redis_database, send, session_cookies,
    sign_on_form,
)
from benchmarks.harness import (  # noqa: E402
    PROJECT_ROOT, Browser, GunicornServer, _memory_kb, add_app_threads_argument, csrf_token, gunicorn_version, log_in,
    percentile, run_load, worker_options, workers_text,
)

#: the app of wsgi.py with no minimum fill time and no per-address sign-on limit: every client
#: sends from 127.0.0.1, and a real crowd comes from many addresses
APP_TARGET = "benchmarks.signon_app:app"
HELLO_TARGET = "benchmarks.hello_app:app"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
OPEN_SLUG = "mixed-load-open"
PASSWORD = "benchmark-password"
API_PAGE_SIZE = 100
BASE_INPUT = re.compile(r'name="base" type="hidden" value="(\d+)"')
TEXTAREA = re.compile(r'<textarea[^>]*\bname="text"[^>]*>\r?\n?(.*?)</textarea>', re.DOTALL)
CONNECTION_ERRORS = (OSError, http.client.HTTPException, ValueError)

#: what a client does, with how often: one operation is one or two requests
OPERATIONS = [("public page", 25), ("API statement", 10), ("API signatories", 15), ("sign-on", 15),
              ("draft save", 15), ("comment", 20)]
#: the request kinds reported, in order
KINDS = ["GET /s/<slug> (public page)", "GET /api/v1/statements/<slug>", "GET /api/v1/.../signatories?page=N",
         "GET /s/<slug> (sign-on form)", "POST /s/<slug>/sign", "GET /statements/<id>/edit",
         "POST /statements/<id>/edit", "GET /threads/<id>", "POST /threads/<id>/replies"]


def out(text: str = "") -> None:
    print(text, flush=True)


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- setting up (run in a subprocess with the instance's environment) -------------------------

def member_paragraph(number: int, version: str) -> str:
    return f"Note from member {number}: {version}."


def draft_text(members: int) -> str:
    """A draft with one paragraph per member, far enough apart for their saves to merge."""
    filler = [p for p in STATEMENT_TEXT.split("\n\n") if p and not p.startswith("#")]
    parts = ["# Heat, work and the right to stop"]
    for number in range(1, members + 1):
        parts += [f"## Part {number}", filler[number % len(filler)], member_paragraph(number, "first version"),
                  filler[(number + 3) % len(filler)]]
    return "\n\n".join(parts) + "\n"


def seed_in_instance(members: int, threads: int) -> None:
    """Create the group, its people, the open statement and the draft with threads; print their ids."""
    from statements import create_app
    from statements.accounts.models import Membership, User, WorkingGroup
    from statements.comments import services as comments
    from statements.core.policy import Role
    from statements.drafts import services as drafts
    from statements.extensions import db
    from statements.signons import services as signons

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        group = WorkingGroup(name="Climate and Displacement", description="Benchmark group")
        coordinator = User(display_name="Benchmark Coordinator", is_admin=True)
        coordinator.set_email("coordinator@example.org")
        coordinator.set_password(PASSWORD)
        people = [coordinator]
        db.session.add_all([group, coordinator, Membership(user=coordinator, group=group,
                                                           role=Role.COORDINATOR.value)])
        for number in range(1, members + 1):
            member = User(display_name=f"Member {number}")
            member.set_email(f"member{number}@example.org")
            member.set_password(PASSWORD)
            people.append(member)
            db.session.add_all([member, Membership(user=member, group=group, role=Role.MEMBER.value)])
        db.session.flush()
        statement = drafts.create_statement(coordinator, group, "Loss and damage finance must reach the people "
                                            "who move", OPEN_SLUG, "en", "A call to the fund's board.", STATEMENT_TEXT)
        drafts.transition(coordinator, statement, "final")
        signons.open_signon(coordinator, statement, None, "UTC", True, "", False)
        draft = drafts.create_statement(coordinator, group, "Heat, work and the right to stop", "", "en",
                                        "What workers need in a heatwave.", draft_text(members))
        db.session.flush()
        thread_ids = []
        for number in range(threads):
            thread = comments.open_thread(people[number % len(people)], draft,
                                          f"Point {number + 1}: should this part say more about shade and water?")
            db.session.flush()
            thread_ids.append(thread.id)
        db.session.commit()
        print(json.dumps({"statement_id": statement.id, "draft_id": draft.id, "thread_ids": thread_ids}))


def in_instance(env: dict[str, str], module: str, call: str) -> dict:
    """Run a function of a benchmark module in a new Python with the instance's environment; return its JSON."""
    completed = subprocess.run([sys.executable, "-c", f"from benchmarks.{module} import *; {call}"],
                               cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=900)
    if completed.returncode != 0:
        raise SystemExit(f"{call} failed:\n{completed.stdout}{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- the load -------------------------------------------------------------------------------------

@dataclass
class Tally:
    """What one client (or all of them, merged) measured."""

    latencies: dict = field(default_factory=dict)    # kind -> [ms]
    statuses: dict = field(default_factory=dict)     # kind -> Counter
    errors: Counter = field(default_factory=Counter)  # kind -> count of failed requests
    error_samples: list = field(default_factory=list)
    signed: list = field(default_factory=list)       # organization names answered with "check your email"
    saves: list = field(default_factory=list)        # notes of saves answered with the statement page
    comments: list = field(default_factory=list)     # bodies of replies answered with the thread
    conflicts: int = 0                               # saves answered with the conflict page (409)

    def answered(self, kind: str, reply, ok: bool) -> None:
        self.latencies.setdefault(kind, []).append(reply.latency_ms)
        self.statuses.setdefault(kind, Counter())[reply.status] += 1
        if not ok:
            self.failed(kind, f"answered {reply.status} {reply.headers.get('Location', '')}".strip())

    def failed(self, kind: str, what) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 8:
            text = f"{type(what).__name__}: {what}" if isinstance(what, Exception) else what
            self.error_samples.append(f"{kind}: {text}")

    def merge(self, other: "Tally") -> None:
        for kind, values in other.latencies.items():
            self.latencies.setdefault(kind, []).extend(values)
        for kind, counter in other.statuses.items():
            self.statuses.setdefault(kind, Counter()).update(counter)
        self.errors.update(other.errors)
        self.error_samples += other.error_samples[: max(0, 8 - len(self.error_samples))]
        self.signed += other.signed
        self.saves += other.saves
        self.comments += other.comments
        self.conflicts += other.conflicts


class Client:
    """One person after another at one browser: a logged-in member who also reads and signs."""

    def __init__(self, number: int, port: int, cookies: dict, ids: dict, organizations_left, lock,
                 api_pages: int, seed: int):
        self.number, self.port, self.cookies, self.ids = number, port, cookies, ids
        self.organizations_left, self.lock = organizations_left, lock
        self.api_pages = api_pages
        self.rng = random.Random(seed * 100 + number)
        self.saved = 0
        self.tally = Tally()

    def get(self, kind: str, path: str, cookies: dict | None = None):
        try:
            reply = send(self.port, "GET", path, cookies=cookies, timeout=60)
        except CONNECTION_ERRORS as error:
            self.tally.failed(kind, error)
            return None
        self.tally.answered(kind, reply, reply.status == 200)
        return reply if reply.status == 200 else None

    def post(self, kind: str, path: str, cookies: dict, form: dict):
        try:
            return send(self.port, "POST", path, cookies=cookies, form=form, timeout=60)
        except CONNECTION_ERRORS as error:
            self.tally.failed(kind, error)
            return None

    def operate(self, operation: str) -> None:
        slug = OPEN_SLUG
        if operation == "public page":
            self.get(KINDS[0], f"/s/{slug}")
        elif operation == "API statement":
            self.get(KINDS[1], f"/api/v1/statements/{slug}")
        elif operation == "API signatories":
            self.get(KINDS[2], f"/api/v1/statements/{slug}/signatories?page={self.rng.randint(1, self.api_pages)}")
        elif operation == "sign-on":
            self.sign_on(slug)
        elif operation == "draft save":
            self.save_draft()
        else:
            self.reply_in_thread()

    def sign_on(self, slug: str) -> None:
        with self.lock:
            organization = next(self.organizations_left, None)
        if organization is None:  # every generated organization has signed: read the page instead
            self.get(KINDS[0], f"/s/{slug}")
            return
        page = self.get(KINDS[3], f"/s/{slug}")
        if page is None:
            return
        answer = self.post(KINDS[4], f"/s/{slug}/sign", session_cookies(page),
                           sign_on_form(form_fields(page), organization))
        if answer is None:
            return
        accepted = answer.status in (302, 303) and "/check-email" in (answer.headers.get("Location") or "")
        self.tally.answered(KINDS[4], answer, accepted)
        if accepted:
            self.tally.signed.append(organization["organization_name"])

    def save_draft(self) -> None:
        draft_id = self.ids["draft_id"]
        page = self.get(KINDS[5], f"/statements/{draft_id}/edit", self.cookies)
        if page is None:
            return
        self.saved += 1
        text = html.unescape(TEXTAREA.search(page.text).group(1))
        mine = re.compile(rf"Note from member {self.number}: [^\n]*")
        text = mine.sub(member_paragraph(self.number, f"version {self.saved}"), text)
        save_note = f"member {self.number} save {self.saved}"
        form = {"csrf_token": csrf_token(page.text), "base": BASE_INPUT.search(page.text).group(1),
                "text": text, "note": save_note}
        answer = self.post(KINDS[6], f"/statements/{draft_id}/edit", self.cookies, form)
        if answer is None:
            return
        stored = answer.status in (302, 303) and (answer.headers.get("Location") or "").endswith(
            f"/statements/{draft_id}")
        if answer.status == 409:  # someone changed the same words: the page asks to resolve, nothing is lost
            self.tally.conflicts += 1
        self.tally.answered(KINDS[6], answer, stored or answer.status == 409)
        if stored:
            self.tally.saves.append(save_note)

    def reply_in_thread(self) -> None:
        thread_id = self.rng.choice(self.ids["thread_ids"])
        page = self.get(KINDS[7], f"/threads/{thread_id}", self.cookies)
        if page is None:
            return
        body = f"Reply {self.rng.getrandbits(48):012x} from member {self.number}: agreed, with one change."
        answer = self.post(KINDS[8], f"/threads/{thread_id}/replies", self.cookies,
                           {"csrf_token": csrf_token(page.text), "body": body})
        if answer is None:
            return
        posted = answer.status in (302, 303) and f"/threads/{thread_id}" in (answer.headers.get("Location") or "")
        self.tally.answered(KINDS[8], answer, posted)
        if posted:
            self.tally.comments.append(body)


def run_mix(clients: list[Client], seconds: float) -> float:
    """Run every client's mix until the time is up; return the seconds it took."""
    names = [name for name, _ in OPERATIONS]
    weights = [weight for _, weight in OPERATIONS]
    gate = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def work(client: Client) -> None:
        gate.wait()
        while time.perf_counter() < deadline[0]:
            client.operate(client.rng.choices(names, weights)[0])

    threads = [threading.Thread(target=work, args=(client,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + seconds
    gate.wait()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


class MemoryWatch:
    """Read the resident memory (VmRSS) of gunicorn's processes now and then during the load."""

    def __init__(self, server: GunicornServer, every: float = 5.0):
        self.server, self.every = server, every
        self.samples: dict[int, list[int]] = {}   # pid -> [kB]
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> dict[int, int]:
        master, workers = self.server.pids()
        now = {}
        for pid in [master, *workers]:
            memory = _memory_kb(pid) if pid else None
            if memory:
                now[pid] = memory["rss_kb"]
                self.samples.setdefault(pid, []).append(memory["rss_kb"])
        return now

    def _run(self) -> None:
        while not self.stop_event.wait(self.every):
            self.sample()

    def __enter__(self) -> "MemoryWatch":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop_event.set()
        self.thread.join()


# --- checking and reporting -----------------------------------------------------------------------

def check_database(url: str, ids: dict, tally: Tally) -> dict:
    """Count what the accepted requests stored."""
    from sqlalchemy import create_engine, func, select

    from statements.comments.models import Comment
    from statements.drafts.models import Revision
    from statements.signons.models import SignOn

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            signons = Counter(connection.scalars(select(SignOn.organization_name).where(
                SignOn.statement_id == ids["statement_id"], SignOn.source == "form", SignOn.status == "pending")))
            total = connection.scalar(select(func.count()).select_from(SignOn).where(
                SignOn.statement_id == ids["statement_id"]))
            notes = Counter(connection.scalars(select(Revision.note).where(Revision.statement_id == ids["draft_id"])))
            merged = connection.scalar(select(func.count()).select_from(Revision).where(
                Revision.statement_id == ids["draft_id"], Revision.merged_onto_number.is_not(None)))
            bodies = Counter(connection.scalars(select(Comment.body).where(Comment.body.like("Reply %"))))
    finally:
        engine.dispose()
    return {
        "signons_total": total,
        "signed_missing": sum(1 for name in tally.signed if signons[name] != 1),
        "signons_twice": sum(1 for count in signons.values() if count > 1),
        "signons_unaccepted": len(set(signons) - set(tally.signed)),
        "saves_missing": sum(1 for save_note in tally.saves if notes[save_note] != 1),
        "saves_merged": merged,
        "comments_missing": sum(1 for body in tally.comments if bodies[body] != 1),
    }


def report(args, tally: Tally, duration: float, memory: MemoryWatch, master: int, start_rss: dict, end_rss: dict,
           hello, check: dict, ids: dict, schema: str, server_log: str) -> None:
    out(f"== Mixed load for {duration:.0f} s from {args.concurrency} clients: PostgreSQL (schema {schema}), "
        f"{'Redis on' if args.redis else 'Redis OFF'}, {workers_text(args.workers, args.app_threads)} "
        "(the hello-world the same) ==")
    out(f"mix by operation: {', '.join(f'{name} {weight}%' for name, weight in OPERATIONS)}")
    out(f"{'request':<38} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    all_latencies, total_errors = [], 0
    for kind in KINDS:
        latencies = sorted(tally.latencies.get(kind, []))
        all_latencies += latencies
        errors = tally.errors.get(kind, 0)
        total_errors += errors
        out(f"{kind:<38} {len(latencies):>8} {len(latencies) / duration:>7.1f} {percentile(latencies, 50):>8.1f} "
            f"{percentile(latencies, 95):>8.1f} {percentile(latencies, 99):>8.1f} {errors:>6}")
    all_latencies.sort()
    total_rate = len(all_latencies) / duration
    out(f"{'total':<38} {len(all_latencies):>8} {total_rate:>7.1f} {percentile(all_latencies, 50):>8.1f} "
        f"{percentile(all_latencies, 95):>8.1f} {percentile(all_latencies, 99):>8.1f} {total_errors:>6}")
    out(f"errors by kind (goal none): {dict(tally.errors) if tally.errors else 'none'}")
    for sample in tally.error_samples:
        out(f"  {sample}")
    other = {kind: dict(counter) for kind, counter in tally.statuses.items()
             if set(counter) - {200, 302, 303}}
    if other:
        out(f"statuses other than 200/302: {other}")
    out(f"done: {len(tally.signed)} sign-ons accepted ({len(tally.signed) / duration:.1f}/s), "
        f"{len(tally.saves)} draft saves stored ({len(tally.saves) / duration:.1f}/s; {check['saves_merged']} of "
        f"them merged with a save made at the same time, {tally.conflicts} answered with the conflict page), "
        f"{len(tally.comments)} replies posted "
        f"({len(tally.comments) / duration:.1f}/s)")

    out("resident memory (VmRSS) of the app processes, after the warm-up / at the end / highest sampled; "
        f"then every fifth of the run (sampled every {memory.every:.0f} s):")
    for pid in sorted(set(start_rss) | set(end_rss), key=lambda p: (p != master, p)):
        role = "master" if pid == master else "worker"
        start, end = start_rss.get(pid), end_rss.get(pid)
        highest = max(memory.samples.get(pid, [0]))
        growth = f"{(end - start) / 1024:+.1f} MB" if start and end else "(process replaced)"
        samples = memory.samples.get(pid, [])
        fifths = [samples[min(len(samples) - 1, round(index * (len(samples) - 1) / 5))] for index in range(6)] \
            if samples else []
        out(f"  {role} pid {pid}: {start / 1024 if start else 0:.1f} MB / {end / 1024 if end else 0:.1f} MB / "
            f"{highest / 1024:.1f} MB, change {growth}; {' '.join(f'{kb / 1024:.1f}' for kb in fifths)}")

    out(f"hello-world ({HELLO_TARGET}, same gunicorn settings, {args.concurrency} clients, {hello.duration_s:.0f} s): "
        f"{hello.requests_per_s:.1f} req/s, p50 {hello.p50_ms:.1f} ms, p99 {hello.p99_ms:.1f} ms, "
        f"{hello.errors} errors")
    if hello.requests_per_s:
        out(f"ratio mixed load req/s / hello-world req/s: {total_rate / hello.requests_per_s:.3f}; "
            f"p50 latency {percentile(all_latencies, 50) / hello.p50_ms if hello.p50_ms else 0:.1f}x")
    out(f"database check: {check['signons_total']:,} sign-ons on the statement at the end; of the accepted sign-ons "
        f"{check['signed_missing']} not stored exactly once, {check['signons_twice']} names stored twice, "
        f"{check['signons_unaccepted']} stored without an acceptance; {check['saves_missing']} accepted saves and "
        f"{check['comments_missing']} accepted replies not stored exactly once")
    if (total_errors or hello.errors) and server_log.strip():
        out("last lines of the app server's log:")
        for line in [ln for ln in server_log.strip().splitlines() if "status=2" not in ln and "status=3" not in ln][-15:]:
            out("  " + line)


# --- start to end ---------------------------------------------------------------------------------

def run(args) -> None:
    instance = tempfile.mkdtemp(prefix="statements-bench-mixed-")
    schema = PostgresSchema(args.database_url)
    try:
        schema.__enter__()
        url = with_search_path(schema.url, schema.name)
        env = app_environment(instance, url)
        if args.redis:
            env["REDIS_URL"] = args.redis
        note(f"migrating schema {schema.name} ...")
        flask_command(env, "db", "upgrade")
        note(f"seeding: {args.concurrency} members, a draft with {args.threads} threads, "
             f"{args.signatories:,} sign-ons ...")
        ids = in_instance(env, "bench_mixed_load", f"seed_in_instance({args.concurrency}, {args.threads})")
        if args.signatories:
            in_instance(env, "bench_signons", f"bulk_insert_in_instance({OPEN_SLUG!r}, {args.signatories}, {args.seed})")
        taken: set[str] = set()
        organizations(args.signatories, args.seed, taken)  # the names already signed, so none signs twice
        live = iter(organizations(int(args.seconds * 20) + 500, args.seed + 1, taken))
        api_pages = max(1, -(-args.signatories // API_PAGE_SIZE))

        with GunicornServer(APP_TARGET, workers=args.workers, env=env, ready_path="/login",
                            extra_args=("--timeout", "120"), **worker_options(args.app_threads)) as server:
            note("logging in ...")
            cookies = [log_in(Browser(server.port), f"member{number}@example.org", PASSWORD)
                       for number in range(1, args.concurrency + 1)]
            lock = threading.Lock()
            clients = [Client(number, server.port, cookies[number - 1], ids, live, lock, api_pages, args.seed)
                       for number in range(1, args.concurrency + 1)]
            warmup = Tally()  # not in the figures, but what it stored is checked with the rest
            if args.warmup_seconds:
                note(f"warming up for {args.warmup_seconds:.0f} s ...")
                run_mix(clients, args.warmup_seconds)
                for client in clients:
                    warmup.merge(client.tally)
                    client.tally = Tally()
            with MemoryWatch(server) as memory:
                master = server.pids()[0]
                start_rss = memory.sample()
                note(f"mixed load for {args.seconds:.0f} s ...")
                duration = run_mix(clients, args.seconds)
                end_rss = memory.sample()
            server_log = server.log_text()
        tally = Tally()
        for client in clients:
            tally.merge(client.tally)

        note(f"hello-world for {args.hello_seconds:.0f} s ...")
        # the same worker class and threads as the app's, so that the baseline gets no lighter worker
        with GunicornServer(HELLO_TARGET, workers=args.workers, env=env, extra_args=("--timeout", "120"),
                            **worker_options(args.app_threads)) as hello_server:
            run_load(hello_server.port, "/", requests=None, concurrency=args.concurrency, time_limit=2)
            hello = run_load(hello_server.port, "/", requests=None, concurrency=args.concurrency,
                             time_limit=args.hello_seconds)
        stored = Tally()
        stored.merge(warmup)
        stored.merge(tally)
        check = check_database(url, ids, stored)
        report(args, tally, duration, memory, master, start_rss, end_rss, hello, check, ids, schema.name, server_log)
    finally:
        try:
            schema.__exit__(None, None, None)
        finally:
            shutil.rmtree(instance, ignore_errors=True)
            empty_redis(args.redis)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180, help="how long the mix runs (default 180)")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="simultaneous clients, each a logged-in member of its own (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    add_app_threads_argument(parser)
    parser.add_argument("--signatories", type=int, default=3000,
                        help="approved sign-ons on the open statement before the load (default 3000)")
    parser.add_argument("--threads", type=int, default=20, help="comment threads on the draft (default 20)")
    parser.add_argument("--warmup-seconds", type=float, default=10, help="uncounted mix first (default 10)")
    parser.add_argument("--hello-seconds", type=float, default=20, help="hello-world baseline (default 20)")
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES,
                        help=f"PostgreSQL database for a fresh schema (default {DEFAULT_POSTGRES})")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated organizations (default 2026)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS,
                        help=f"an empty Redis database for the app, as production has one (default {DEFAULT_REDIS}; "
                             "emptied at the end; 'none': without Redis)")
    args = parser.parse_args(argv)
    if min(args.concurrency, args.workers, args.threads) < 1 or args.seconds <= 0 or args.hello_seconds <= 0 \
            or min(args.signatories, args.warmup_seconds) < 0:
        parser.error("clients, workers and threads must be at least 1, durations positive, counts not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.redis = None if args.redis_url.lower() == "none" else redis_database(args.redis_url)
    out(f"Statements mixed-load benchmark: gunicorn {gunicorn_version()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, 127.0.0.1; app {APP_TARGET} (minimum fill time 0 s, the per-address limit's two "
        "windows counted, wide enough for the run)")
    out(f"seeded: {args.signatories:,} approved sign-ons on the open statement, a draft with {args.threads} "
        f"comment threads, {args.concurrency} members")
    out()
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
