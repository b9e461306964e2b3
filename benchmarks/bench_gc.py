"""The garbage collector's full passes in a serving process, with and without `settle` (gc.freeze).

    .venv/bin/python benchmarks/bench_gc.py [--signons 2000]

A worker keeps everything it made to start (modules, the app, its templates' environment, the
tables' metadata) for its whole life; Python's cyclic collector walks all of it again on each full
pass (generation 2). `statements.core.serving.settle`, which `wsgi.py` calls once, freezes those
objects out of the passes. For each way (a process of its own: as `wsgi.py` makes it, and without
`settle`), on a SQLite file in a temporary folder with the demo loaded, it sends `--signons`
public sign-ons (GET of the page, POST of the form) through the app's WSGI interface and records
every collection with `gc.callbacks`: how many per generation, the CPU time they took per sign-on,
and the longest pause (which the request that triggered it waited). It also prints the CPU time per
sign-on, a noisier figure. Nothing asserts a figure; the folder is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_memory import CSRF, STARTED, make_app  # noqa: E402
from benchmarks.harness import PROJECT_ROOT  # noqa: E402


def run(signons: int, settled: bool) -> dict:
    """In this process: make the app (settled or not), sign on `signons` times, return the collector's figures."""
    import gc
    import logging

    from statements.core.serving import settle

    logging.getLogger("statements").setLevel(logging.WARNING)  # one line per request is not what is measured
    app = make_app()
    if settled:
        settle(app)
    with app.app_context():
        from statements.extensions import db
        from statements.drafts.models import State, Statement

        slug = db.session.scalar(db.select(Statement.slug).where(Statement.state == State.SIGNON_OPEN.value)
                                 .limit(1))
    spent, counts, longest, started = [0.0, 0.0, 0.0], [0, 0, 0], [0.0], [0.0]

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.process_time()
            return
        took = time.process_time() - started[0]
        spent[info["generation"]] += took
        counts[info["generation"]] += 1
        longest[0] = max(longest[0], took)

    def sign(number: int) -> None:
        client = app.test_client()
        page = client.get(f"/s/{slug}").get_data(as_text=True)
        started_value = next(v for v in STARTED.search(page).groups() if v)
        answer = client.post(f"/s/{slug}/sign", data={
            "csrf_token": CSRF.search(page).group(1), "started": started_value, "nickname": "",
            "organization_name": f"Collective number {number} of the coast", "country": "KE", "org_type": "ngo",
            "contact_name": "A Person", "contact_email": f"person{number}@coast{number}.example.org",
            "visibility": "named", "authorized": "y"})
        assert answer.status_code == 302, answer.status_code

    for number in range(50):  # warm up: templates compiled, catalogs read
        sign(number)
    gc.callbacks.append(watch)
    cpu = time.process_time()
    for number in range(50, 50 + signons):
        sign(number)
    cpu = time.process_time() - cpu
    gc.callbacks.remove(watch)
    return {"cpu_ms": 1000 * cpu / signons, "counts": counts, "gc_ms": [1000 * s / signons for s in spent],
            "longest_ms": 1000 * longest[0], "frozen": gc.get_freeze_count()}


def in_process(signons: int, settled: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="statements-bench-gc-") as instance:
        code = f"from benchmarks.bench_gc import run; import json; print(json.dumps(run({signons}, {settled})))"
        env = {"STATEMENTS_INSTANCE": instance, "SECRET_KEY": "bench-gc-" + "x" * 40, "PATH": "/usr/bin:/bin"}
        done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True,
                              text=True, timeout=1800)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signons", type=int, default=2000)
    args = parser.parse_args()
    print(f"{args.signons} sign-ons (GET + POST) in one process, SQLite, the demo loaded")
    print(f"{'process':<22} {'frozen':>8} {'passes g0/g1/g2':>16} {'gc ms/sign-on g0/g1/g2':>24} "
          f"{'longest pause':>14} {'CPU ms/sign-on':>15}")
    for label, settled in (("as wsgi.py (settled)", True), ("without settle", False)):
        figures = in_process(args.signons, settled)
        passes = "/".join(str(c) for c in figures["counts"])
        gc_ms = "/".join(f"{v:.3f}" for v in figures["gc_ms"])
        print(f"{label:<22} {figures['frozen']:>8} {passes:>16} {gc_ms:>24} {figures['longest_ms']:>11.1f} ms "
              f"{figures['cpu_ms']:>15.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
