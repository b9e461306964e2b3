"""Page weight benchmark: the public sign-on page of a 3,000-word statement on a slow mobile connection.

    .venv/bin/python benchmarks/bench_page_weight.py [--words N] [--loads N] [--json FILE]

Builds a fresh instance folder with its own SQLite database, creates a statement of `--words`
words of real English prose (the project's README, code blocks left out) with sign-on open and
a few dozen signatories, and serves it under gunicorn as production does (``wsgi:app``), beside
a bare hello-world under the same settings. Debian's Chromium then opens, as a first-time
visitor with an empty cache:

- the sign-on page, with JavaScript on and off;
- the hello-world: the floor, one tiny document under the same network profile;

each under each network profile below, `--loads` times, and prints the bytes transferred (as
Chromium counts them on the wire: headers and compressed bodies, every file the page loads) and
the medians of: the page fully received, the first contentful paint, and the load event, each
from the moment the page was asked for. (Chromium's emulation holds a response back as a whole,
so the moment of its first byte says nothing and is not printed.) Chromium's profiles are its DevTools presets, applied through the DevTools
protocol (Network.emulateNetworkConditions):

- "3G" (called "Slow 3G" until 2024): 400 kbit/s down, 2,000 ms latency per request;
- "Slow 4G" (called "Fast 3G" until 2024): 1.44 Mbit/s down, 562.5 ms latency per request.

The latency is applied to every request, so on "3G" no page, however small, is received in under
two seconds: the hello-world's figures are that floor, and the page's are worth reading beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import app_environment, flask_command  # noqa: E402
from benchmarks.harness import PROJECT_ROOT, GunicornServer, gunicorn_version  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SLUG = "loss-and-damage-for-people-who-move"
PROFILES = {
    "3G (Slow 3G)": {"offline": False, "latency": 400 * 5, "downloadThroughput": 500 * 1000 / 8 * .8,
                     "uploadThroughput": 500 * 1000 / 8 * .8},
    "Slow 4G (Fast 3G)": {"offline": False, "latency": 150 * 3.75, "downloadThroughput": 1.6 * 1000 * 1000 / 8 * .9,
                          "uploadThroughput": 750 * 1000 / 8 * .9},
}
TIMINGS = """() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    return {received: navigation.responseEnd, loaded: navigation.loadEventEnd};
}"""


def prose(words: int) -> str:
    """`words` words of real English prose, as paragraphs: the README's, without its code and tables."""
    text = (PROJECT_ROOT / "README.md").read_text()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    paragraphs = [re.sub(r"[`*#|]", "", block).strip() for block in text.split("\n\n")]
    paragraphs = [" ".join(block.split()) for block in paragraphs if len(block.split()) > 12]
    chosen, count = [], 0
    while count < words:
        for block in paragraphs:
            taken = block.split()[:words - count]
            chosen.append(" ".join(taken))
            count += len(taken)
            if count >= words:
                break
    return "\n\n".join(chosen)


def setup_in_instance(words: int) -> None:
    """Create a statement of `words` words with sign-on open and 40 approved signatories."""
    from statements import create_app
    from statements.accounts.models import Membership, User, WorkingGroup
    from statements.core.policy import Role
    from statements.drafts import services as drafts
    from statements.extensions import db
    from statements.signons import services as signons

    app = create_app()
    with app.app_context():
        coordinator = User(display_name="Benchmark Coordinator", is_admin=True)
        coordinator.set_email("coordinator@example.org")
        coordinator.set_password("benchmark-password")
        group = WorkingGroup(name="Climate and Displacement", description="Benchmark group")
        db.session.add_all([coordinator, group])
        db.session.add(Membership(user=coordinator, group=group, role=Role.COORDINATOR.value))
        db.session.flush()
        statement = drafts.create_statement(coordinator, group, "Loss and damage for people who move", SLUG, "en",
                                            "A call to the loss and damage fund's board.", prose(words))
        drafts.transition(coordinator, statement, "final")
        signons.open_signon(coordinator, statement, None, "UTC", False, "", False)
        countries = ["GT", "KE", "BD", "PH", "MX", "FJ", "SN", "CO"]
        for number in range(40):
            signon, _ = signons.sign(statement, {
                "organization_name": f"Coastal Communities Network {number}", "country": countries[number % 8],
                "org_type": "ngo", "website": "", "contact_name": "Contact Person",
                "contact_email": f"contact{number}@example.org", "message": "", "visibility": "named",
                "consent_to_contact": False, "authorized": True})
            signons.confirm(signon)
        db.session.commit()
        print(json.dumps({"words": len(drafts.revision_text(statement.final_revision).split())}))


def in_instance(env: dict[str, str], call: str) -> dict:
    code = f"from benchmarks.bench_page_weight import *; {call}"
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        raise SystemExit(f"{call} failed:\n{completed.stdout}{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def load_once(browser, url: str, profile: dict, javascript: bool) -> dict:
    """Open `url` in a fresh context (empty cache) under `profile`; return bytes on the wire and timings."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 390, "height": 844})
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    session.send("Network.emulateNetworkConditions", profile)
    session.send("Page.enable")
    session.send("Page.setLifecycleEventsEnabled", {"enabled": True})
    wire = {"bytes": 0, "files": 0}
    moments = {}  # the browser's monotonic clock, in seconds

    def finished(event):
        wire["bytes"] += event["encodedDataLength"]
        wire["files"] += 1

    def sent(event):
        if event.get("type") == "Document":
            moments.setdefault("asked", event["timestamp"])

    def lifecycle(event):
        if event["name"] == "firstContentfulPaint":
            moments.setdefault("painted", event["timestamp"])

    session.on("Network.loadingFinished", finished)
    session.on("Network.requestWillBeSent", sent)
    session.on("Page.lifecycleEvent", lifecycle)
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_timeout(300)  # the paint is reported a moment after it happens
    # (read through the protocol, which works where the page's own scripts are turned off)
    timings = json.loads(session.send("Runtime.evaluate", {"expression": f"JSON.stringify(({TIMINGS})())",
                                                          "returnByValue": True})["result"]["value"])
    context.close()
    first_paint = (moments["painted"] - moments["asked"]) * 1000 if len(moments) == 2 else None
    return {**wire, **timings, "first_paint": first_paint}


def measure(browser, url: str, profile: dict, javascript: bool, loads: int) -> dict:
    runs = [load_once(browser, url, profile, javascript) for _ in range(loads)]
    result = {"bytes": statistics.median(run["bytes"] for run in runs),
              "files": statistics.median(run["files"] for run in runs)}
    for key in ("received", "first_paint", "loaded"):
        values = [run[key] for run in runs if run[key] is not None]
        result[key] = statistics.median(values) if values else None
    return result


def milliseconds(value) -> str:
    return "-" if value is None else f"{value:,.0f}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=3000, help="words in the statement (default 3000)")
    parser.add_argument("--loads", type=int, default=3, help="loads of each page per profile (default 3)")
    parser.add_argument("--json", type=Path, help="also write the results to this file as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    args = parse_args(argv)
    instance = tempfile.mkdtemp(prefix="statements-bench-weight-")
    try:
        env = app_environment(instance, None)
        flask_command(env, "db", "upgrade")
        made = in_instance(env, f"setup_in_instance({args.words})")
        results = {}
        with (GunicornServer("wsgi:app", workers=2, env=env, ready_path="/login") as app_server,
              GunicornServer("benchmarks.hello_app:app", workers=2, env=env) as hello_server,
              sync_playwright() as playwright):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox",
                                                                                 "--disable-gpu"])
            targets = {"sign-on page, JavaScript on": (f"{app_server.url}/s/{SLUG}", True),
                       "sign-on page, JavaScript off": (f"{app_server.url}/s/{SLUG}", False),
                       "hello-world (the floor)": (f"{hello_server.url}/", True)}
            for profile_name, profile in {"no throttling": {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                            "uploadThroughput": -1}, **PROFILES}.items():
                for label, (url, javascript) in targets.items():
                    print(f"{profile_name}: {label} ...", file=sys.stderr, flush=True)
                    results[f"{profile_name} / {label}"] = measure(browser, url, profile, javascript, args.loads)
            browser.close()
        print(f"Page weight: the public sign-on page of a {made['words']:,}-word statement with its form; gunicorn "
              f"{gunicorn_version()} (wsgi:app, 2 workers), SQLite, Python {platform.python_version()}, "
              f"{os.cpu_count()} CPUs; Chromium, a first visit (empty cache), 390 px wide; medians of {args.loads} "
              f"loads; load average {os.getloadavg()[0]:.2f}")
        print(f"{'profile / page':<58} {'kB on wire':>10} {'files':>5} {'received':>9} {'1st paint':>9} "
              f"{'loaded':>8}  (ms from asking)")
        for label, result in results.items():
            print(f"{label:<58} {result['bytes'] / 1000:>10.1f} {result['files']:>5.0f} "
                  f"{milliseconds(result['received']):>9} "
                  f"{milliseconds(result['first_paint']):>9} {milliseconds(result['loaded']):>8}")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
