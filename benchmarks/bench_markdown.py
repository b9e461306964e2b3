"""Markdown rendering cost: ordinary prose beside the worst inputs we could find, each at the largest
size a person may submit, in milliseconds per kilobyte and as a ratio to prose of the same size.

    .venv/bin/python benchmarks/bench_markdown.py [--repeat 3] [--sizes 20000,200000] [--search 300]
                                                  [--time-limit 30] [--seed 2026] [--only NAME]

Renders in this process with the code in the working tree, the rendered-text cache emptied before each
run, the fastest of ``--repeat`` runs kept: ``render_markdown`` (comments, talking points, previews, the public page and the PDF) and
``render_blocks`` (the statement page, paragraph by paragraph). Prints plain figures; asserts nothing
about time. The goal is that no input renders more than 10 times slower per kilobyte than prose.
"""

from __future__ import annotations

import argparse
import html
import random
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_drafts import TextMaker  # noqa: E402
from statements.comments.models import BODY_MAX  # noqa: E402
from statements.core import markdown  # noqa: E402
from statements.drafts.models import TEXT_MAX  # noqa: E402

#: what a field may hold: comments and talking points; statement texts and the editor's preview
FIELD_SIZES = {BODY_MAX: "a comment or a talking point", TEXT_MAX: "a statement text or a preview"}
GOAL = 10.0


def fill(unit: str, size: int) -> str:
    """Repeat a unit until the text is `size` characters long."""
    return (unit * (size // len(unit) + 1))[:size]


def lines_until(make_line, size: int, head: str = "") -> str:
    text, number = [head], 0
    length = len(head)
    while length < size:
        line = make_line(number)
        text.append(line)
        length += len(line)
        number += 1
    return "".join(text)[:size]


def table_with_missing_cells(size: int) -> str:
    """A wide header, then rows of one cell: the parser fills in every cell left out."""
    head = "|" + "h|" * 256 + "\n|" + "-|" * 256 + "\n"
    return lines_until(lambda n: "x\n" if n % 400 else "\n" + head, size, head)


#: the inputs tried, each made at the size of the field (a unit of marks, repeated, or a function of the
#: size); found by reading the parser's rules, and by the random search below, whose finds are added
PATTERNS: dict = {
    "'[' repeated": "[",
    "'![' repeated": "![",
    "'*_' repeated": "*_",
    "'**_' repeated": "**_",
    "'_a*' repeated": "_a*",
    "'***a' repeated": "***a",
    "'a*b_c' repeated": "a*b_c",
    "'~~a' repeated": "~~a",
    "'[a](' repeated": "[a](",
    "'[a]' with a reference": lambda n: "[a]: /u\n\n" + fill("[a]", n - 9),
    "unclosed links '[a' + '](b)'": lambda n: fill("[a", n // 2) + fill("](b)", n - n // 2),
    "'<' repeated": "<",
    "'<a ' repeated": "<a ",
    "'<http://a' repeated": "<http://a",
    "'`' runs of growing length": lambda n: lines_until(lambda i: "`" * (i % 60 + 1) + " ", n),
    "'&#' repeated": "&#",
    "'&amp;' repeated": "&amp;",
    "'\\' repeated": "\\",
    "lines of 100 '['": "[" * 100 + "\n",
    "lines of '*_' x 50": "*_" * 50 + "\n",
    "'> ' nested 10000 deep": "> ",
    "nested quotes and lists": lambda n: fill("> - > - > 1. ", n // 2) + "text\n" + fill("a ", n - n // 2 - 5),
    "lists nested by indenting": lambda n: lines_until(lambda i: "  " * (i % 30) + "- a\n", n),
    "'- a' lines": "- a\n",
    "'# a' headings": "# a\n",
    "setext headings": "a\n=\n",
    "'a' paragraphs": "a\n\n",
    "'|' lines": lambda n: "a|b\n-|-\n" + fill("|\n", n - 8),
    "table, rows of one cell": table_with_missing_cells,
    "table, full rows": lambda n: lines_until(lambda i: f"| c{i} | {i} | x |\n", n, "| a | b | c |\n|---|--:|:-:|\n"),
    "reference definitions": lambda n: lines_until(lambda i: f"[r{i}]: /u{i}\n[r{i}] ", n),
    "fences": "```\n",
    "raw HTML tags": "<div>",
    "'\"' repeated": '"',
}


class TooSlow(Exception):
    pass


def _alarm(signum, frame):
    raise TooSlow


def forget_rendered() -> None:
    forget = getattr(markdown, "forget_rendered", None)  # absent before rendering was cached
    if forget:
        forget()


def time_one(render, text: str, time_limit: float) -> tuple[float | None, object]:
    """Seconds one cold render takes and what it gave, or None past the time limit."""
    forget_rendered()
    signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        started = time.perf_counter()
        result = render(text)
        return time.perf_counter() - started, result
    except TooSlow:
        return None, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def best_time(render, text: str, repeat: int, time_limit: float) -> tuple[float | None, object]:
    """The fastest of `repeat` cold renders: on a shared machine the others measure the neighbours too."""
    times, result = [], None
    for _ in range(repeat):
        seconds, result = time_one(render, text, time_limit)
        if seconds is None:
            return None, None
        times.append(seconds)
        if seconds > 2:  # one run of a slow input is enough to know
            break
    return min(times), result


def shown_as(page: str) -> str:
    notice = getattr(markdown, "AS_TYPED_NOTICE", None)
    return "as typed" if notice and str(notice) in html.unescape(page) else "formatted"


def prose(size: int, seed: int) -> str:
    maker = TextMaker(seed)
    return maker.document(size // 5)[:size]


def formatted(text: str) -> bool:
    """Tell whether a text is rendered formatted (always, where nothing is limited)."""
    notice = getattr(markdown, "AS_TYPED_NOTICE", None)
    return notice is None or str(notice) not in html.unescape(str(markdown.render_markdown(text)))


def thinned(unit: str, size: int) -> str:
    """A unit of marks repeated with letters between, as few as keep the text formatted: the costliest
    text of that kind that is still formatted (the unit repeated as it is, where nothing is limited)."""
    if formatted(fill(unit, size)):
        return fill(unit, size)
    low, high = 0, size  # letters after each unit: too few at low, enough at high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if formatted(fill(unit + "x" * middle, size)) else (middle, high)
    return fill(unit + "x" * high, size)


def beside_prose(make, size: int, filler: str) -> str:
    """As much of a pathological text as stays formatted, followed by ordinary prose to the size."""
    if formatted(make(size)):
        return make(size)
    low, high = 0, size  # characters of the pathological text: formatted at low, not at high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if formatted(make(middle) + "\n\n" + filler[:size - middle]) else (low, middle)
    return make(low) + "\n\n" + filler[:size - low]


def variants(patterns: dict, size: int, filler: str):
    """Each input as it is, and where a limit applies, the costliest forms of it that are still formatted."""
    limited = hasattr(markdown, "too_much_markup")
    for name, (make, unit) in patterns.items():
        yield name, make(size)
        if limited:
            if unit is not None:
                yield f"{name}, thinned to the limit", thinned(unit, size)
            yield f"{name}, beside prose to the limit", beside_prose(make, size, filler)


def search(count: int, seed: int, time_limit: float) -> list[str]:
    """Try random short units of markup at 4,000 characters, each as dense as may still be formatted
    (as it is, where nothing is limited); return the units that cost the most."""
    rnd = random.Random(seed)
    pieces = ["[", "]", "(", ")", "!", "*", "_", "~", "`", "<", ">", "&", "#", "|", "\\", "-", ":", "=", "\n",
              " ", "a", '"', "'", "1.", "http://", ";", "<a", "&#", "](", "![", "**", "__", "~~", "```", "> ", "- ",
              "|-|", "\n\n", "  ", "\t", "x"]
    found = []
    for _ in range(count):
        unit = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 5)))
        seconds, _ = time_one(markdown.render_markdown, thinned(unit, 4000), time_limit)
        found.append((float("inf") if seconds is None else seconds, unit))
    found.sort(reverse=True)
    return [unit for _, unit in found[:6]]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the fastest is printed")
    parser.add_argument("--sizes", default=",".join(str(size) for size in FIELD_SIZES),
                        help="text sizes in characters, comma-separated (default: the fields' limits)")
    parser.add_argument("--search", type=int, default=300, help="random units of markup to try (0: none)")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds after which a render is stopped")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", help="only the inputs whose name contains this")
    return parser.parse_args(argv)


def normalized(patterns: dict) -> dict:
    """Each pattern as (a function of the size, its unit of marks or None)."""
    return {name: ((lambda n, unit=made: fill(unit, n)), made) if isinstance(made, str) else (made, None)
            for name, made in patterns.items()}


def measure(name: str, text: str, base_per_kb: dict, args, worst: list, size: int) -> str:
    """Render one input both ways; return its line of the table."""
    kb = len(text.encode()) / 1024
    cells, shown = [], "-"
    for kind, render in (("page", markdown.render_markdown), ("blocks", markdown.render_blocks)):
        seconds, result = best_time(render, text, args.repeat, args.time_limit)
        if kind == "page" and result is not None:
            shown = shown_as(str(result))
        ratio = None if seconds is None else seconds * 1000 / kb / base_per_kb[kind]
        worst.append((float("inf") if ratio is None else ratio, f"{name} ({kind}, {size:,})"))
        cells.append((seconds, ratio))
    (page_s, page_x), (blocks_s, blocks_x) = cells
    stopped = "> " + format(args.time_limit, "g") + " s"
    page = (f"{page_s * 1000:9.1f} {page_s * 1000 / kb:8.3f} {page_x:8.1f}" if page_s is not None
            else f"{stopped:>9} {'-':>8} {'-':>8}")
    blocks = f"{blocks_s * 1000 / kb:13.3f} {blocks_x:8.1f}" if blocks_s is not None else f"{stopped:>13} {'-':>8}"
    return f"{name[:52]:52} {kb:6.1f} {page} {blocks}  {shown}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    patterns = dict(PATTERNS)
    if args.search:
        print(f"searching {args.search} random units of markup at 4,000 characters...", file=sys.stderr)
        for unit in search(args.search, args.seed, args.time_limit):
            patterns[f"found: {unit!r} repeated"] = unit
    if args.only:
        patterns = {name: made for name, made in patterns.items() if args.only in name}
    patterns = normalized(patterns)
    print(f"Markdown rendering, Python {sys.version.split()[0]}, fastest of {args.repeat} cold runs, "
          f"stopped after {args.time_limit:g} s")
    worst = []
    for size in (int(size) for size in args.sizes.split(",")):
        text = prose(size, args.seed)
        kb = len(text.encode()) / 1024
        base = {name: best_time(render, text, max(5, 2 * args.repeat), args.time_limit)[0]
                for name, render in (("page", markdown.render_markdown), ("blocks", markdown.render_blocks))}
        base_per_kb = {name: seconds * 1000 / kb for name, seconds in base.items()}
        print(f"\n== {size:,} characters ({FIELD_SIZES.get(size, 'a size asked for')}) ==")
        print(f"{'input':52} {'KB':>6} {'page ms':>9} {'ms/KB':>8} {'x prose':>8} {'blocks ms/KB':>13} "
              f"{'x prose':>8}  shown")
        print(f"{'ordinary prose':52} {kb:6.1f} {base['page'] * 1000:9.1f} {base_per_kb['page']:8.3f} {1:8.1f} "
              f"{base_per_kb['blocks']:13.3f} {1:8.1f}  formatted", flush=True)
        for name, text in variants(patterns, size, prose(2 * size, args.seed + 1)):
            print(measure(name, text, base_per_kb, args, worst, size), flush=True)
    ratio, name = max(worst)
    over = sum(1 for r, _ in worst if r > GOAL)
    print(f"\nworst: {name}, {ratio:.1f}x prose per KB; {over} of {len(worst)} measurements over the goal of "
          f"{GOAL:g}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
