"""Moderation at scale: N sign-ons waiting for approval, approved in one decision on everything the
filter matches, as the moderation page sends it; beside the same rows set to approved by one plain
UPDATE and COMMIT (the limit for storing the decision), in the same run.

    .venv/bin/python benchmarks/bench_moderation.py [--signons 500] [--repeat 3] [--database-url URL]

Each repeat stores N sign-ons through the public form's service and their confirmation (the real
path), then times the decision: a POST of the moderation form with "all matching this filter",
through the app (audit rows, the approval mail queued for each, counts forgotten) and its CPU time.
The baseline takes the same N rows back to waiting and approves them with one UPDATE. Prints
plain figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_drafts import FORM, Bench, PostgresSchema  # noqa: E402
from benchmarks.harness import csrf_token  # noqa: E402


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def open_for_signon(bench: Bench, batch: int) -> int:
    """A statement made final with sign-on open, approval required."""
    from statements.accounts.models import User
    from statements.drafts import services as drafts
    from statements.drafts.models import Statement
    from statements.signons import services as signons

    statement_id, _ = bench.create_statement(f"Moderation benchmark {batch}", ["# A call\n\nProtect people who move."])
    with bench.app.app_context():
        statement = bench.db.session.get(Statement, statement_id)
        user = bench.db.session.get(User, bench.user_id)
        drafts.transition(user, statement, "final")
        signons.open_signon(user, statement, None, "UTC", True, "", False)
        bench.db.session.commit()
    return statement_id


def store_waiting(bench: Bench, statement_id: int, count: int, batch: int) -> None:
    """Sign-ons through the public form's service, each confirmed: waiting for approval."""
    from statements.drafts.models import Statement
    from statements.signons import services as signons

    with bench.app.test_request_context():
        statement = bench.db.session.get(Statement, statement_id)
        for number in range(count):
            signon, _code = signons.sign(statement, {
                "organization_name": f"Collective {batch}-{number:04} for people who move", "country": "KE",
                "org_type": "ngo", "contact_name": "Contact Person", "authorized": True,
                "contact_email": f"office{batch}-{number}@example.net", "visibility": "named"})
            signons.confirm(signon)
        bench.db.session.commit()


def approve_all_matching(bench: Bench, statement_id: int) -> tuple[float, float, str]:
    page = bench.get(f"/statements/{statement_id}/signons?status=confirmed")
    seen_at = page.split('name="seen_at" value="', 1)[1].split('"', 1)[0]
    body = (f"csrf_token={csrf_token(page)}&action=approve&scope=matching&status=confirmed&seen_at={seen_at}"
            ).encode()
    cpu, started = time.process_time(), time.perf_counter()
    response = bench.client.post(f"/statements/{statement_id}/signons/decide", data=body, content_type=FORM,
                                 follow_redirects=True)
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise SystemExit(f"the decision answered {response.status_code}")
    flashed = re.search(r'<p class="flash[^"]*"[^>]*>([^<]*)</p>', response.get_data(as_text=True))
    return wall, used, flashed.group(1).strip() if flashed else ""


def approved_count(bench: Bench, statement_id: int) -> int:
    from sqlalchemy import text

    with bench.app.app_context():
        return bench.db.session.execute(text("SELECT count(*) FROM signon WHERE statement_id = :s AND "
                                             "status = 'approved'"), {"s": statement_id}).scalar_one()


def plain_update(bench: Bench, statement_id: int) -> tuple[float, float]:
    """The same rows back to waiting, then approved by one UPDATE and COMMIT."""
    from sqlalchemy import text

    with bench.app.app_context():
        connection = bench.db.engine.connect()
        connection.execute(text("UPDATE signon SET status = 'confirmed' WHERE statement_id = :s"), {"s": statement_id})
        connection.commit()
        cpu, started = time.process_time(), time.perf_counter()
        connection.execute(text("UPDATE signon SET status = 'approved' WHERE statement_id = :s AND status = 'confirmed'"),
                           {"s": statement_id})
        connection.commit()
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        connection.close()
    return wall, used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signons", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="PostgreSQL URL; a fresh schema is made in it and dropped")
    args = parser.parse_args()
    schema = PostgresSchema(args.database_url) if args.database_url else None
    app_wall, app_cpu, plain_wall, plain_cpu, said = [], [], [], [], ""
    with tempfile.TemporaryDirectory(prefix="bench-moderation-") as instance:
        if schema:
            schema.__enter__()
        try:
            bench = Bench(args, instance, schema)
            for batch in range(args.repeat):
                statement_id = open_for_signon(bench, batch)
                store_waiting(bench, statement_id, args.signons, batch)
                wall, used, said = approve_all_matching(bench, statement_id)
                stored = approved_count(bench, statement_id)
                if stored != args.signons:
                    raise SystemExit(f"{stored} approved, not {args.signons}")
                app_wall.append(wall)
                app_cpu.append(used)
                wall, used = plain_update(bench, statement_id)
                plain_wall.append(wall)
                plain_cpu.append(used)
            bench.close()
        finally:
            if schema:
                schema.__exit__(None, None, None)
    per = statistics.median(app_cpu) / args.signons * 1000
    print(f"approving {args.signons} waiting sign-ons in one decision (all matching the filter), "
          f"{'postgresql' if schema else 'sqlite'}: the page said {said!r}, and all {args.signons} are stored approved")
    print(f"  through the app: {median_ms(app_wall)}; CPU {median_ms(app_cpu)} ({per:.2f} ms of CPU per sign-on)")
    print(f"  one plain UPDATE and COMMIT of the same rows: {median_ms(plain_wall)}; CPU {median_ms(plain_cpu)}")
    print(f"  ratio app / plain UPDATE (medians): wall {statistics.median(app_wall) / statistics.median(plain_wall):.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
