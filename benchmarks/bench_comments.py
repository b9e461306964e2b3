"""Comments on a long statement: the statement page with 300 anchored threads and 300 suggested
changes, and placing all of them again after a revision that edits 2% of the text, beside the
usual way of placing the same quotes (and plain diff-match-patch) in the same run.

    .venv/bin/python benchmarks/bench_comments.py [--words 20000] [--threads 300] [--suggestions 300]
                                                  [--repeat 5]

Each suggested change opens its own discussion thread on its passage, so the service places
threads + 2 x suggestions anchors; the baseline places threads + suggestions quotes.

Prints plain figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_drafts import Bench, TextMaker, clear_text_cache, spread_edit  # noqa: E402


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def pick_quotes(text: str, count: int, rng: random.Random) -> list[tuple[int, int]]:
    """Spans of 3 to 8 words spread through the text, as people select them."""
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+", text)]
    step = len(words) // count
    spans = []
    for index in range(count):
        first = index * step + rng.randrange(max(1, step - 9))
        last = min(first + rng.randint(2, 7), len(words) - 1)
        spans.append((words[first][0], words[last][1]))
    return spans


def usual_placing(old: str, new: str, spans: list[tuple[int, int]]) -> dict[str, int]:
    """Place each quote the usual way: where it was recorded, else where the same text stands, else
    diff-match-patch's fuzzy match_main near the recorded position. Returns how many went which way."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    outcomes = {"recorded": 0, "found": 0, "fuzzy": 0, "removed": 0}
    for start, end in spans:
        quote = old[start:end]
        if new.startswith(quote, start):
            outcomes["recorded"] += 1
        elif new.find(quote) >= 0:
            outcomes["found"] += 1
        elif dmp.match_main(new, quote[: dmp.Match_MaxBits], min(start, len(new))) >= 0:
            outcomes["fuzzy"] += 1
        else:
            outcomes["removed"] += 1
    return outcomes


def plain_dmp_matching(old: str, new: str, spans: list[tuple[int, int]]) -> float:
    """What diff-match-patch alone does for the same quotes: match_main near the old position."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    started = time.perf_counter()
    for start, end in spans:
        quote = old[start:end][: dmp.Match_MaxBits]
        dmp.match_main(new, quote, start)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=300)
    parser.add_argument("--suggestions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.database_url = None

    from statements.comments import services as comments
    from statements.comments.models import Thread
    from statements.drafts import services as drafts
    from statements.drafts.models import Statement
    from statements.suggestions import services as suggestions
    from statements.suggestions.models import Suggestion

    maker = TextMaker(args.seed)
    old = maker.document(args.words)
    new, changed, places = spread_edit(old, 0.02, maker)
    rng = random.Random(args.seed)
    all_spans = pick_quotes(old, args.threads + args.suggestions, rng)
    spans, suggestion_spans = all_spans[0::2][:args.threads], all_spans[1::2][:args.suggestions]
    if len(spans) < args.threads:  # more threads than suggestions: the rest of the spans are threads
        spans += all_spans[2 * len(suggestion_spans):][:args.threads - len(spans)]
    with tempfile.TemporaryDirectory(prefix="bench-comments-") as instance:
        bench = Bench(args, instance, None)
        statement_id, _ = bench.create_statement("Comments benchmark", [old])
        app, db = bench.app, bench.db
        with app.app_context():
            statement = db.session.get(Statement, statement_id)
            user = statement.created_by
            for start, end in spans:
                comments.open_thread(user, statement, "A comment on this passage.", old[start:end], 1, old)
            for start, end in suggestion_spans:
                suggestions.propose(user, statement, old[start:end], 1, old, "other words", "A reason for it.")
            db.session.commit()

        # 1. the statement page with every thread highlighted
        page_times = []
        for _ in range(args.repeat):
            clear_text_cache()
            started = time.perf_counter()
            html = bench.get(f"/statements/{statement_id}")
            page_times.append(time.perf_counter() - started)
        marks = html.count('<mark class="passage')

        # 2. placing all threads again after a 2% edit (the service, as a save runs it), repeated on copies;
        # the usual way of placing the same quotes takes turns with it, so both see the same machine
        place_times, place_cpu, usual_times, usual_cpu, outcomes, usual = [], [], [], [], {}, {}
        flush_cpu = []
        for _ in range(args.repeat):
            cpu, started = time.process_time(), time.perf_counter()
            usual = usual_placing(old, new, spans + suggestion_spans)
            usual_times.append(time.perf_counter() - started)
            usual_cpu.append(time.process_time() - cpu)
            with app.app_context():
                threads = db.session.query(Thread).filter_by(statement_id=statement_id).all()
                for thread in threads:  # back to where they stood in revision 1
                    thread.anchor_status, thread.anchor_revision = "exact", 1
                    thread.quote, thread.position = thread.original_quote, old.find(thread.original_quote)
                proposed = db.session.query(Suggestion).filter_by(statement_id=statement_id).all()
                for suggestion in proposed:
                    suggestion.anchor_status, suggestion.anchor_revision = "exact", 1
                    suggestion.quote, suggestion.position = suggestion.original_quote, suggestion.original_start
                    suggestion.out_of_date = False
                db.session.commit()
                statement = db.session.get(Statement, statement_id)
                cpu, started = time.process_time(), time.perf_counter()
                # reading the passages and placing them, as a save runs it; writing the new positions
                # (which the save's commit does) is timed apart, since the baseline writes nothing
                with db.session.no_autoflush:
                    comments.reanchor_open_threads(statement_id, old, new, 2)
                    suggestions.follow_new_revision(statement, 2, old, new)
                place_times.append(time.perf_counter() - started)
                place_cpu.append(time.process_time() - cpu)
                cpu = time.process_time()
                db.session.flush()
                flush_cpu.append(time.process_time() - cpu)
                outcomes = {}
                for thread in threads:
                    outcomes[thread.anchor_status] = outcomes.get(thread.anchor_status, 0) + 1
                suggestion_outcomes = {}
                for suggestion in proposed:
                    suggestion_outcomes[suggestion.anchor_status] = suggestion_outcomes.get(suggestion.anchor_status, 0) + 1
                db.session.rollback()
        dmp_times = [plain_dmp_matching(old, new, spans + suggestion_spans) for _ in range(args.repeat)]
        bench.close()

    print(f"text: {len(old.split()):,} words; edit: {changed} words changed in {places} places (2%); "
          f"threads: {len(spans)}, suggested changes: {len(suggestion_spans)} (each with its discussion thread)")
    print(f"1. statement page with {len(spans)} threads: {median_ms(page_times)}; {marks} highlighted passages")
    print(f"2. placing {len(spans)} threads and {len(suggestion_spans)} suggested changes again: "
          f"{median_ms(place_times)}; threads exact {outcomes.get('exact', 0)}, fuzzy {outcomes.get('fuzzy', 0)}, "
          f"removed {outcomes.get('removed', 0)}; suggestions exact {suggestion_outcomes.get('exact', 0)}, "
          f"fuzzy {suggestion_outcomes.get('fuzzy', 0)}, removed {suggestion_outcomes.get('removed', 0)}")
    print(f"   CPU time: {median_ms(place_cpu)} (reading them from the database included); then writing "
          f"the new positions: CPU {median_ms(flush_cpu)}")
    print(f"   baseline, the usual way (the recorded position, else the same text elsewhere, else match_main near "
          f"the recorded position): {median_ms(usual_times)}; CPU {median_ms(usual_cpu)}; at the recorded position "
          f"{usual['recorded']}, found elsewhere {usual['found']}, fuzzy {usual['fuzzy']}, not found {usual['removed']}")
    print(f"   ratio placing / the usual way (medians): CPU {statistics.median(place_cpu) / statistics.median(usual_cpu):.2f}"
          f", wall {statistics.median(place_times) / statistics.median(usual_times):.2f}")
    print(f"   for reference, match_main for every quote (fuzzy search even where the text stands): "
          f"{median_ms(dmp_times)}; ratio placing / that {statistics.median(place_times) / statistics.median(dmp_times):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
