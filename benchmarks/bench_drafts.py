"""Drafting benchmark: comparing, saving and showing a long statement, and what a revision costs to store.

    .venv/bin/python benchmarks/bench_drafts.py [--words 20000] [--repeat N] [--database-url URL]
                                                [--edit-share 0.02] [--seed S] [--dmp-timeout SECONDS]
                                                [--profile]

Generates a multi-paragraph Markdown statement (headings, lists, emphasis, a wide vocabulary) of
about --words words from a seeded random generator, and a second revision with --edit-share of
its words changed in many places. Creates the app on a temporary SQLite file (or a fresh schema
in the PostgreSQL database given with --database-url, dropped at the end), a working group and a
logged-in coordinator, creates the statements through the services, and measures in one run:

1. the compare page (GET /statements/<id>/compare, Flask test client: the text as readers see it,
   changes marked), cold (revision texts and rendered texts forgotten before each run) and warm, and
   its Markdown source view (?view=inline) cold, beside plain diff-match-patch on the same two texts
   (character level: diff_main with checklines=False, then diff_cleanupSemantic);
2. the compare page for a total rewrite, and whether it fell back to the line diff;
3. saving a revision: the edit form's POST, and services.save_revision alone;
4. the statement page (GET /statements/<id>), cold and warm;
5. the bytes one small edit (one sentence changed) adds to the database.

Times are medians of --repeat runs, in milliseconds. Nothing is asserted: the figures are for
comparison within one run (the ratio to plain diff-match-patch above all).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import secrets
import signal
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import APP_VARIABLES, instance_and_database  # noqa: E402
from benchmarks.harness import csrf_token  # noqa: E402

EMAIL = "coordinator@bench.example.org"
PASSWORD = "benchmark password 1"
WORD = re.compile(r"\w+")
FORM = "application/x-www-form-urlencoded"
COARSE_BANNER = "shown line by line rather than word by word"
SMALL_EDITS = 50


# --- the text ----------------------------------------------------------------------------------

NOUNS = """
right protection migrant worker family community government state border policy law court
refugee asylum displacement climate drought flood harvest land water food housing shelter
health clinic school child youth woman elder union employer wage contract agreement treaty
convention declaration principle obligation responsibility duty standard mechanism process
procedure review report evidence data survey study region district province city village coast
island river valley forest farm factory port market economy budget fund loan debt tax resource
energy transition emission pollution ecosystem biodiversity adaptation mitigation resilience
recovery reconstruction relief assistance aid service access justice remedy compensation
reparation accountability transparency participation consultation dialogue negotiation
partnership coalition network alliance organization movement campaign committee council
assembly parliament ministry agency authority office official inspector judge lawyer advocate
journalist researcher teacher nurse doctor domestic fisher farmer herder trader driver
construction mine plantation garment textile season permit visa document identity citizenship
nationality residence status detention deportation return integration inclusion discrimination
racism violence harassment exploitation trafficking recruitment fee debt bondage freedom dignity
equality solidarity safety security risk hazard heat storm cyclone wildfire erosion salinity
crop livestock income livelihood poverty inequality gender disability language culture
tradition knowledge memory history future generation commitment pledge target deadline
timeline milestone indicator benchmark outcome impact result priority demand proposal
recommendation measure action step plan strategy framework guideline regulation amendment
""".split()

VERBS = """
protect guarantee ensure recognize respect uphold strengthen support fund finance expand extend
restore repair rebuild prevent reduce limit end abolish ban regulate monitor review assess
measure report publish disclose consult include involve engage empower enable provide deliver
allocate invest commit pledge adopt ratify implement enforce apply extend revise amend reform
address tackle confront challenge oppose resist condemn denounce demand urge call welcome
acknowledge affirm reaffirm insist stress underline note observe warn remind invite encourage
""".split()


IRREGULAR_PLURALS = {"woman": "women", "child": "children", "knowledge": "knowledge", "health": "health",
                     "evidence": "evidence", "racism": "racism", "poverty": "poverty", "livestock": "livestock"}


def _past(verb: str) -> str:
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "d" if verb.endswith("e") else verb + "ed"


def _plural(noun: str) -> str:
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "es" if noun.endswith(("s", "x", "ch", "sh")) else noun + "s"


def _gerund(verb: str) -> str:
    return (verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb) + "ing"


ADJECTIVES = """
fair just safe decent adequate effective meaningful binding national regional local global
international public private independent transparent accountable accessible affordable
sustainable resilient vulnerable marginalized displaced undocumented seasonal temporary
permanent informal formal collective individual urgent immediate gradual full partial equal
unequal basic essential fundamental inalienable universal specific clear concrete measurable
ambitious credible adequate timely regular irregular legal illegal arbitrary unlawful new
existing current future coastal rural urban remote indigenous domestic foreign cross-border
long-term short-term extreme severe rising growing persistent chronic recent historic
""".split()

ADVERBS = """
urgently fully effectively promptly consistently jointly publicly independently regularly
immediately progressively meaningfully explicitly clearly firmly strongly deeply widely
""".split()

OPENERS = [
    "In this context", "For this reason", "At the same time", "In particular", "Above all",
    "Moreover", "However", "Therefore", "In many countries", "Since the last session",
    "According to recent reports", "As members of this network", "Without delay", "In practice",
    "Over the past decade", "Across the region", "Until now", "In the coming years",
]

PREPOSITIONS = ["in", "for", "with", "across", "within", "through", "against", "under", "beyond", "among"]
DETERMINERS = ["the", "the", "the", "all", "every", "our", "their", "these", "such", "each", "any"]
SUBJECTS = ["we", "governments", "states", "employers", "the international community", "donors",
            "regional bodies", "trade unions", "local authorities", "member organizations", "this coalition"]
MODALS = ["must", "should", "shall", "cannot", "will", "can no longer", "are obliged to", "have failed to"]
SYLLABLES = ["ka", "lo", "mi", "ra", "tu", "se", "na", "vo", "del", "mar", "tan", "ko", "ri", "sa", "bel",
             "qu", "zan", "to", "ne", "gua", "li", "mbo", "fa", "din", "ho", "ya", "ser", "pe", "ul", "an"]


class TextMaker:
    """Seeded, deterministic Markdown in the register of a joint statement."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        rnd = self.random
        # A long tail of names (places, organizations) makes the vocabulary realistically wide.
        self.places = [self._name(rnd.randint(2, 4)) for _ in range(600)]
        self.groups = [f"{self._name(rnd.randint(2, 3))} {rnd.choice(['Workers’ Union', 'Alliance', 'Network', 'Forum', 'Collective', 'Association', 'Council'])}"
                       for _ in range(200)]
        nouns = NOUNS + [_plural(noun) for noun in NOUNS] + [_gerund(verb) for verb in VERBS]
        self.nouns = self._ranked(nouns)
        self.verbs = self._ranked(VERBS)
        self.adjectives = self._ranked(ADJECTIVES)
        self.pasts = [_past(verb) for verb in VERBS]

    def _name(self, syllables: int) -> str:
        return "".join(self.random.choice(SYLLABLES) for _ in range(syllables)).capitalize()

    def _ranked(self, words: list[str]) -> tuple[list[str], list[float]]:
        # Frequent words are frequent, and the tail is long: weights by Zipf's law, in a shuffled order.
        words = sorted(set(words))
        self.random.shuffle(words)
        weights, total = [], 0.0
        for rank in range(len(words)):
            total += 1 / (rank + 4) ** 0.9
            weights.append(total)
        return words, weights

    def _pick(self, ranked: tuple[list[str], list[float]]) -> str:
        words, cumulative = ranked
        return self.random.choices(words, cum_weights=cumulative)[0]

    def noun(self) -> str:
        return self._pick(self.nouns)

    def verb(self) -> str:
        return self._pick(self.verbs)

    def adjective(self) -> str:
        return self._pick(self.adjectives)

    def noun_phrase(self, depth: int = 0) -> str:
        rnd = self.random
        parts = [rnd.choice(DETERMINERS)]
        if rnd.random() < 0.55:
            parts.append(self.adjective())
        parts.append(self.noun())
        if depth < 2 and rnd.random() < 0.35:
            parts += ["of", self.noun_phrase(depth + 1)]
        elif rnd.random() < 0.15:
            parts += [rnd.choice(["in", "of", "near", "from"]), rnd.choice(self.places)]
        return " ".join(parts)

    def detail(self) -> str:
        rnd = self.random
        choice = rnd.random()
        if choice < 0.25:
            return f"by {rnd.randint(2025, 2045)}"
        if choice < 0.45:
            return f"for {rnd.randint(2, 95)} percent of {self.noun_phrase(1)}"
        if choice < 0.6:
            return f"as {rnd.choice(self.groups)} has shown"
        return f"{rnd.choice(PREPOSITIONS)} {self.noun_phrase(1)}"

    def emphasize(self, phrase: str) -> str:
        roll = self.random.random()
        if roll < 0.05:
            return f"**{phrase}**"
        if roll < 0.08:
            return f"*{phrase}*"
        return phrase

    def sentence(self) -> str:
        rnd = self.random
        parts = []
        if rnd.random() < 0.3:
            parts.append(rnd.choice(OPENERS) + ",")
        subject = rnd.choice(SUBJECTS) if rnd.random() < 0.6 else self.noun_phrase()
        parts.append(subject)
        if rnd.random() < 0.15:
            parts.append(rnd.choice(["have", "had"]) + " " + rnd.choice(self.pasts))
        else:
            parts.append(rnd.choice(MODALS))
            if rnd.random() < 0.2:
                parts.append(rnd.choice(ADVERBS))
            parts.append(self.verb())
        parts.append(self.emphasize(self.noun_phrase()))
        for _ in range(rnd.choice([0, 1, 1, 2])):
            parts.append(self.detail())
        if rnd.random() < 0.25:
            parts.append(rnd.choice([", so that", ", because", ", while", ", and", ", unless"]))
            parts.append(self.noun_phrase() + " " + rnd.choice(["can", "may", "will", "must"]) + " " + self.verb()
                         + " " + self.noun_phrase())
        text = " ".join(parts).replace(" ,", ",")
        return text[0].upper() + text[1:] + rnd.choice([".", ".", ".", ".", ".", ".", "!"])

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.random.randint(3, 7)))

    def list_block(self) -> str:
        rnd = self.random
        ordered = rnd.random() < 0.4
        items = []
        for number in range(1, rnd.randint(3, 8) + 1):
            if rnd.random() < 0.5:
                item = self.sentence()
            else:
                item = f"{self.verb().capitalize()} {self.noun_phrase()} {self.detail()};"
            items.append(f"{number}. {item}" if ordered else f"- {item}")
        return "\n".join(items)

    def heading(self, level: int) -> str:
        words = f"{self.adjective()} {self.noun()} {self.random.choice(PREPOSITIONS)} {self.noun_phrase(2)}"
        return "#" * level + " " + words[0].upper() + words[1:]

    def document(self, words: int) -> str:
        rnd = self.random
        blocks = [self.heading(1), self.paragraph(), self.paragraph()]
        count = sum(len(WORD.findall(block)) for block in blocks)
        while count < words:
            section = [self.heading(2)]
            for _ in range(rnd.randint(2, 6)):
                roll = rnd.random()
                if roll < 0.12:
                    section.append(self.heading(3))
                elif roll < 0.32:
                    section.append(self.list_block())
                elif roll < 0.37:
                    section.append("> " + self.sentence())
                section.append(self.paragraph())
            blocks += section
            count += sum(len(WORD.findall(block)) for block in section)
        return "\n\n".join(blocks) + "\n"


def spread_edit(text: str, share: float, maker: TextMaker) -> tuple[str, int, int]:
    """Change about share of the words, in many places: replace, delete or insert short runs.

    Returns the new text, the number of words changed and the number of places.
    """
    rnd = maker.random
    spans = [match.span() for match in WORD.finditer(text)]
    target = max(1, round(len(spans) * share))
    places = max(1, target // 3)
    # One place in each stretch of the text, so the changes are spread through all of it.
    stretch = len(spans) // places
    edits = []  # (start, end, replacement) in character offsets, in order
    changed = 0
    for place in range(places):
        if changed >= target:
            break
        run = min(rnd.randint(1, 7), target - changed)
        first = place * stretch + rnd.randrange(max(1, stretch - run - 1))
        last = first + run - 1
        start, end = spans[first][0], spans[last][1]
        if "\n" in text[start:end]:
            continue  # keep the edit within one line: the document keeps its shape
        kind = rnd.random()
        if kind < 0.6:  # reword: each word of the run replaced, separators kept
            pieces, position = [], start
            for index in range(first, last + 1):
                word_start, word_end = spans[index]
                pieces.append(text[position:word_start])
                replacement = text[word_start:word_end]
                while replacement == text[word_start:word_end]:
                    replacement = rnd.choice([maker.noun(), maker.adjective(), maker.verb()])
                pieces.append(replacement)
                position = word_end
            edits.append((start, end, "".join(pieces)))
        elif kind < 0.8:  # delete the run and the space after it
            following = spans[last + 1][0] if last + 1 < len(spans) else end
            if "\n" in text[end:following]:
                following = end
            edits.append((start, following, ""))
        else:  # insert a run of new words before the first word
            words = " ".join(maker.noun_phrase(1).split()[:run])
            run = len(words.split())
            edits.append((start, start, words + " "))
        changed += run
    pieces, position = [], 0
    for start, end, replacement in edits:
        pieces += [text[position:start], replacement]
        position = end
    pieces.append(text[position:])
    return "".join(pieces), changed, len(edits)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the sentences inside paragraphs (not headings or list items)."""
    spans = []
    offset = 0
    for line in text.split("\n"):
        if line and line[0].isalpha():
            for match in re.finditer(r"[A-Z][^.!]*[.!]", line):
                spans.append((offset + match.start(), offset + match.end()))
        offset += len(line) + 1
    return spans


def change_sentence(text: str, number: int, maker: TextMaker) -> str:
    """Replace one sentence, chosen from the middle on (the number-th), with a new one."""
    spans = sentence_spans(text)
    start, end = spans[(len(spans) // 2 + number * 37) % len(spans)]
    replacement = maker.sentence()
    while replacement == text[start:end]:
        replacement = maker.sentence()
    return text[:start] + replacement + text[end:]


# --- measuring ---------------------------------------------------------------------------------

def milliseconds(values: list[float]) -> str:
    if not values:
        return "n/a"
    median = statistics.median(values) * 1000
    return f"{median:8.1f} ms (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, {len(values)} runs)"


def timed(runs: int, work, before=None) -> list[float]:
    """Run work() runs times, calling before() (untimed) before each; return the durations."""
    durations = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        work()
        durations.append(time.perf_counter() - started)
    return durations


def plain_dmp(old: str, new: str, timeout: float) -> tuple[float, float, int]:
    """Character-level diff-match-patch: (diff_main seconds, total seconds with cleanup, ops)."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    started = time.perf_counter()
    diffs = dmp.diff_main(old, new, checklines=False)
    main = time.perf_counter() - started
    dmp.diff_cleanupSemantic(diffs)
    return main, time.perf_counter() - started, len(diffs)


WORD_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def dmp_word_level(old: str, new: str) -> list[tuple[int, str]]:
    """diff-match-patch's own word diff: its line mode applied to words, with no time limit.

    Each distinct token (a word, a run of spaces, a punctuation mark) becomes one character, as
    diff_linesToChars does with lines; diff_main compares those strings, and the characters are
    turned back into their tokens, then diff_cleanupSemantic merges the pieces as for any diff.
    """
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    tokens: list[str] = [""]
    index: dict[str, int] = {}

    def encode(text: str) -> str:
        chars = []
        for token in WORD_TOKENS.findall(text):
            if token not in index:
                index[token] = len(tokens)
                tokens.append(token)
            chars.append(chr(index[token]))
        return "".join(chars)

    diffs = dmp.diff_main(encode(old), encode(new), checklines=False)
    diffs = [(op, "".join(tokens[ord(char)] for char in chars)) for op, chars in diffs]
    dmp.diff_cleanupSemantic(diffs)
    return diffs


class Bench:
    """The app on its own database, a coordinator, and a logged-in test client."""

    def __init__(self, args: argparse.Namespace, engine_url: str):
        from sqlalchemy.engine import make_url

        from statements import create_app
        from statements.extensions import db

        self.args = args
        url = make_url(engine_url)
        self.sqlite_path = Path(url.database) if url.get_backend_name() == "sqlite" else None
        self.app = create_app({
            "SQLALCHEMY_DATABASE_URI": engine_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "SECRET_KEY": secrets.token_urlsafe(32),
            "BASE_URL": "http://localhost",
            "SERVER_NAME": None,
        })
        self.db = db
        with self.app.app_context():
            db.create_all()
            self.user_id, self.group_id = self._people()
        self.client = self.app.test_client()
        self._log_in()

    def _people(self) -> tuple[int, int]:
        from statements.accounts.models import Membership, User, WorkingGroup
        from statements.core.policy import Role

        group = WorkingGroup(name="Benchmark working group", description="")
        user = User(display_name="Benchmark Coordinator")
        user.set_email(EMAIL)
        user.set_password(PASSWORD)
        self.db.session.add_all([group, user, Membership(user=user, group=group, role=Role.COORDINATOR.value)])
        self.db.session.commit()
        return user.id, group.id

    def _log_in(self) -> None:
        page = self.client.get("/login")
        answer = self.client.post("/login", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                                  "email": EMAIL, "password": PASSWORD})
        if answer.status_code not in (302, 303):
            raise SystemExit(f"logging in failed: POST /login answered {answer.status_code}")

    def create_statement(self, title: str, texts: list[str]) -> tuple[int, list[float]]:
        """Create a statement through the services with revisions of these texts; time each save."""
        from statements.accounts.models import User, WorkingGroup
        from statements.drafts import services

        saves = []
        with self.app.app_context():
            user = self.db.session.get(User, self.user_id)
            statement = services.create_statement(user, self.db.session.get(WorkingGroup, self.group_id), title, "",
                                                  "en", "", texts[0])
            self.db.session.commit()
            for number, text in enumerate(texts[1:], start=1):
                started = time.perf_counter()
                services.save_revision(user, statement, number, text, f"Revision {number + 1}")
                self.db.session.commit()
                saves.append(time.perf_counter() - started)
            return statement.id, saves

    def get(self, path: str, expect: int = 200) -> str:
        response = self.client.get(path)
        body = response.get_data(as_text=True)
        if response.status_code != expect:
            raise SystemExit(f"GET {path} answered {response.status_code}, not {expect}:\n{body[:800]}")
        return body

    def post(self, path: str, body: bytes, expect: int = 302) -> None:
        response = self.client.post(path, data=body, content_type=FORM)
        if response.status_code != expect:
            raise SystemExit(f"POST {path} answered {response.status_code}, not {expect}:\n"
                             f"{response.get_data(as_text=True)[:800]}")

    def latest_number(self, statement_id: int) -> int:
        from statements.drafts.models import Statement

        with self.app.app_context():
            return self.db.session.get(Statement, statement_id).latest_number

    def close(self) -> None:
        with self.app.app_context():
            self.db.session.remove()
            self.db.engine.dispose()


def clear_text_cache() -> None:
    """Forget the revisions' texts and what was rendered of them: a cold page does all its work."""
    from statements.core.markdown import forget_rendered
    from statements.drafts import services

    services._text_cache.clear()
    forget_rendered()


def page_cold_warm(bench: Bench, path: str, runs: int) -> tuple[list[float], list[float], str]:
    """Time a page with the revision text cache cleared before each run, then with it warm."""
    body = bench.get(path)  # compiles the templates and fills the caches; not counted
    cold = timed(runs, lambda: bench.get(path), before=clear_text_cache)
    bench.get(path)
    warm = timed(runs, lambda: bench.get(path))
    return cold, warm, body


def compare_section(bench: Bench, old: str, new: str, runs: int, lines: list[str]) -> None:
    from statements.drafts import services
    from statements.drafts.diffing import rows, word_diff
    from statements.drafts.models import Statement

    statement_id, _ = bench.create_statement("Long statement, compared", [old, new])
    path = f"/statements/{statement_id}/compare?from=1&to=2"
    body = bench.get(path)  # compiles the templates and fills the caches; not counted
    timeout = bench.args.dmp_timeout
    # The page (cold, then warm) and plain diff-match-patch take turns, so that the machine's
    # drift during the run falls on all three alike.
    cold, warm, cold_cpu, warm_cpu, dmp_main, dmp_total, dmp_ops = [], [], [], [], [], [], 0
    words, words_cpu, word_ops, source_cpu = [], [], 0, []
    for _ in range(runs):
        cpu = time.process_time()
        words += timed(1, lambda: dmp_word_level(old, new))
        words_cpu.append(time.process_time() - cpu)
        cpu = time.process_time()
        cold += timed(1, lambda: bench.get(path), before=clear_text_cache)
        cold_cpu.append(time.process_time() - cpu)
        cpu = time.process_time()
        warm += timed(1, lambda: bench.get(path))
        warm_cpu.append(time.process_time() - cpu)
        main, total, dmp_ops = plain_dmp(old, new, timeout)
        dmp_main.append(main)
        dmp_total.append(total)
        cpu = time.process_time()
        timed(1, lambda: bench.get(path + "&view=inline"), before=clear_text_cache)
        source_cpu.append(time.process_time() - cpu)
    timed_out = timeout > 0 and any(main >= timeout for main in dmp_main)
    word_ops = len(dmp_word_level(old, new))

    word = timed(runs, lambda: word_diff(old, new))
    diff = word_diff(old, new)
    row_list = rows(diff.ops)
    laid_out = timed(runs, lambda: rows(diff.ops))
    with bench.app.app_context():
        rebuild = timed(runs, lambda: services.revision_text(
            services.get_revision(bench.db.session.get(Statement, statement_id), 2)), before=clear_text_cache)

    page_cold, page_warm, plain = statistics.median(cold), statistics.median(warm), statistics.median(dmp_total)
    setting = f"Diff_Timeout={timeout:g}" + (" (the default)" if timeout == 1.0 else " (no time limit)" if not timeout else "")
    if timed_out:
        note = ("   note: the plain figure is its time limit, whatever the machine's load, while the page slows "
                "down with the load; --dmp-timeout 0 gives an uncapped reference")
    else:
        note = "   note: plain diff-match-patch finished within its time limit"
    baseline_cpu = statistics.median(words_cpu)
    lines += [
        f"1. Compare page, {bench.args.edit_share:.0%} of the words edited",
        f"   page GET {path}, cold (text cache cleared before each run): {milliseconds(cold)}",
        f"   page, warm (text cache filled):                            {milliseconds(warm)}",
        f"   baseline: diff-match-patch word level (words mapped to characters, diff_main with Diff_Timeout=0, "
        f"mapped back, diff_cleanupSemantic; {word_ops:,} ops):",
        f"                                                              {milliseconds(words)}",
        f"     CPU time:                                                {milliseconds(words_cpu)}",
        f"   ratio page / word-level baseline, CPU time (medians; the headline, goal at most 0.5): "
        f"cold {statistics.median(cold_cpu) / baseline_cpu:.3f}, warm {statistics.median(warm_cpu) / baseline_cpu:.3f}",
        f"   the Markdown source view (?view=inline), cold, CPU time: {milliseconds(source_cpu)}; ratio to the "
        f"baseline {statistics.median(source_cpu) / baseline_cpu:.3f}",
        f"   ratio page / word-level baseline, wall time (medians): cold {page_cold / statistics.median(words):.3f}, "
        f"warm {page_warm / statistics.median(words):.3f}",
        f"   for reference, plain diff-match-patch on the same texts, character level, diff_main(checklines=False)"
        f" + diff_cleanupSemantic, {setting}:",
        f"                                                              {milliseconds(dmp_total)}",
        f"     of which diff_main {statistics.median(dmp_main) * 1000:.1f} ms; {dmp_ops:,} ops; diff_main stopped at"
        f" its time limit: {'yes (so its result is coarser than a full diff)' if timed_out else 'no'}",
        f"   ratio page / character-level dmp (medians): cold {page_cold / plain:.3f}, warm {page_warm / plain:.3f}"
        " (not a fair baseline when it stops at its time limit)",
        f"   CPU time of the page (this process, less sensitive to other load): cold {milliseconds(cold_cpu)}",
        f"                                                                      warm {milliseconds(warm_cpu)}",
        note,
        f"   parts: word_diff {milliseconds(word)}",
        f"          rows()    {milliseconds(laid_out)}",
        f"          rebuilding revision 2 from revision 1 and its delta {milliseconds(rebuild)}",
        f"   word diff: {len(diff.ops):,} ops, coarse={diff.coarse}; {len(row_list):,} rows "
        f"({sum(1 for row in row_list if row.folded_lines)} folds); page {len(body.encode()):,} bytes",
    ]


def rewrite_section(bench: Bench, old: str, rewritten: str, runs: int, lines: list[str]) -> None:
    from statements.drafts.diffing import word_diff

    statement_id, saves = bench.create_statement("Long statement, rewritten", [old, rewritten])
    path = f"/statements/{statement_id}/compare?from=1&to=2"
    cold, warm, body = page_cold_warm(bench, path, runs)
    diff = word_diff(old, rewritten)
    lines += [
        "2. Compare page, total rewrite (the second text generated from another seed)",
        f"   page GET {path}, cold: {milliseconds(cold)}",
        f"   page, warm:           {milliseconds(warm)}",
        f"   coarse path (line diff after the word diff's timeout) taken: "
        f"{'yes' if COARSE_BANNER in body else 'no'} (page banner); word_diff alone: coarse={diff.coarse}, "
        f"{diff.seconds * 1000:.0f} ms",
        f"   saving the rewrite (services.save_revision + commit, once): {saves[0] * 1000:.0f} ms",
    ]


def save_section(bench: Bench, old: str, new: str, runs: int, lines: list[str]) -> None:
    from statements.accounts.models import User
    from statements.drafts import services
    from statements.drafts.models import Statement

    statement_id, _ = bench.create_statement("Long statement, saved again and again", [old, new])
    edit_page = f"/statements/{statement_id}/edit"
    token = csrf_token(bench.get(edit_page))
    texts = {old: new, new: old}  # each save swaps the text: the same share of words edited every time
    state = {"number": bench.latest_number(statement_id), "text": new}

    def run_posts(count: int, cold: bool) -> list[float]:
        durations = []
        for _ in range(count):
            text = texts[state["text"]]
            # The request body is encoded outside the timed part: only the server's work counts.
            body = urlencode({"csrf_token": token, "base": state["number"], "text": text,
                              "note": "Benchmark edit"}).encode()
            if cold:
                clear_text_cache()
            started = time.perf_counter()
            bench.post(edit_page, body)
            durations.append(time.perf_counter() - started)
            state["number"] += 1
            state["text"] = text
        return durations

    run_posts(1, cold=False)  # not counted
    warm_posts = run_posts(runs, cold=False)
    cold_posts = run_posts(runs, cold=True)
    if bench.latest_number(statement_id) != state["number"]:
        raise SystemExit("the edit form did not save every revision it was sent")

    service, commits = [], []
    with bench.app.app_context():
        session = bench.db.session
        user = session.get(User, bench.user_id)
        for _ in range(runs):
            statement = session.get(Statement, statement_id)
            text = texts[state["text"]]
            started = time.perf_counter()
            result = services.save_revision(user, statement, statement.latest_number, text, "Benchmark edit")
            saved = time.perf_counter()
            session.commit()
            commits.append(time.perf_counter() - saved)
            service.append(saved - started)
            if result.revision is None:
                raise SystemExit("save_revision saved nothing")
            state["text"] = text
    lines += [
        f"3. Saving an edit of {bench.args.edit_share:.0%} of the words of the latest revision",
        f"   edit form POST {edit_page}, warm: {milliseconds(warm_posts)}",
        f"   edit form POST, cold (text cache cleared): {milliseconds(cold_posts)}",
        f"   services.save_revision alone (warm): {milliseconds(service)}",
        f"   the commit after it: {milliseconds(commits)}",
    ]


def statement_page_section(bench: Bench, old: str, new: str, runs: int, lines: list[str]) -> None:
    statement_id, _ = bench.create_statement("Long statement, read", [old, new])
    path = f"/statements/{statement_id}"
    cold, warm, body = page_cold_warm(bench, path, runs)
    lines += [
        "4. Statement page (latest revision: a delta on the first)",
        f"   page GET {path}, cold: {milliseconds(cold)}",
        f"   page, warm:        {milliseconds(warm)}",
        f"   page {len(body.encode()):,} bytes",
    ]


def sqlite_sizes(path: Path) -> tuple[int, int, int | None]:
    """File size after VACUUM (WAL checkpointed), and dbstat's pages and payload for revision."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        file_size = path.stat().st_size
        try:
            pages, payload = connection.execute(
                "SELECT SUM(pgsize), SUM(payload) FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = 'revision')").fetchone()
        except sqlite3.OperationalError:  # built without dbstat
            return file_size, 0, None
        return file_size, pages or 0, payload or 0
    finally:
        connection.close()


def storage_section(bench: Bench, text: str, maker: TextMaker, lines: list[str]) -> None:
    from sqlalchemy import text as sql

    from statements.accounts.models import User
    from statements.drafts import services
    from statements.drafts.models import Revision, Statement

    statement_id, _ = bench.create_statement("Long statement, edited a sentence at a time", [text])
    postgres = bench.sqlite_path is None

    def measure() -> tuple:
        with bench.app.app_context():
            bench.db.session.remove()
            if postgres:
                return (bench.db.session.scalar(sql("SELECT pg_total_relation_size('revision')")),)
            bench.db.engine.dispose()  # no connection of ours in the way of VACUUM
        return sqlite_sizes(bench.sqlite_path)

    def edit(number: int) -> None:
        with bench.app.app_context():
            statement = bench.db.session.get(Statement, statement_id)
            latest = services.current_text(statement)
            services.save_revision(bench.db.session.get(User, bench.user_id), statement, statement.latest_number,
                                   change_sentence(latest, number, maker), "One sentence")
            bench.db.session.commit()

    before = measure()
    edit(0)
    after_one = measure()
    for number in range(1, SMALL_EDITS):
        edit(number)
    after_batch = measure()
    with bench.app.app_context():
        revisions = bench.db.session.scalars(
            bench.db.select(Revision).where(Revision.statement_id == statement_id).order_by(Revision.number)).all()
        sizes = [(revision.is_snapshot, len(revision.content.encode("utf-8"))) for revision in revisions]
    first_edit = sizes[1]
    batch = sizes[1:]
    deltas = [size for snapshot, size in batch if not snapshot]
    snapshots = [size for snapshot, size in batch if snapshot]
    lines += [
        f"5. Storage of one small edit (one sentence changed in the {len(WORD.findall(text)):,}-word text)",
        f"   the stored revision's content: {first_edit[1]:,} bytes UTF-8 "
        f"({'a snapshot' if first_edit[0] else 'a delta'}; the full text is {len(text.encode()):,} bytes)",
        f"   a batch of {SMALL_EDITS} such edits stored {len(deltas)} deltas (median {statistics.median(deltas):,.0f} bytes,"
        f" max {max(deltas):,}) and {len(snapshots)} full snapshots ({sum(snapshots):,} bytes: one revision in "
        f"{services.SNAPSHOT_EVERY} is stored whole); content {sum(size for _, size in batch) / len(batch):,.0f} "
        f"bytes per edit on average",
    ]
    if postgres:
        lines += [
            f"   pg_total_relation_size('revision'): {before[0]:,} before, {after_one[0]:,} after one edit "
            f"(+{after_one[0] - before[0]:,}), {after_batch[0]:,} after {SMALL_EDITS} "
            f"(+{(after_batch[0] - before[0]) / SMALL_EDITS:,.0f} bytes per edit, snapshots and TOAST included)",
        ]
    else:
        lines += [
            f"   SQLite file after VACUUM: {before[0]:,} bytes before, +{after_one[0] - before[0]:,} after one edit, "
            f"+{(after_batch[0] - before[0]) / SMALL_EDITS:,.0f} bytes per edit over {SMALL_EDITS} (whole pages)",
        ]
        if before[2] is not None:
            lines += [
                f"   dbstat, revision table and its indexes: payload +{after_one[2] - before[2]:,} bytes after one "
                f"edit, +{(after_batch[2] - before[2]) / SMALL_EDITS:,.0f} bytes per edit over {SMALL_EDITS}; pages "
                f"+{after_one[1] - before[1]:,} / +{(after_batch[1] - before[1]) / SMALL_EDITS:,.0f} bytes per edit",
            ]


def profile_compare(bench: Bench, old: str, new: str, lines: list[str]) -> None:
    import cProfile
    import io
    import pstats

    statement_id, _ = bench.create_statement("Long statement, profiled", [old, new])
    path = f"/statements/{statement_id}/compare?from=1&to=2"
    bench.get(path)
    clear_text_cache()
    profiler = cProfile.Profile()
    profiler.enable()
    bench.get(path)
    profiler.disable()
    by_total, by_own = io.StringIO(), io.StringIO()
    pstats.Stats(profiler, stream=by_total).sort_stats("cumulative").print_stats(r"statements/|diff_match_patch|jinja2|templates/", 20)
    pstats.Stats(profiler, stream=by_own).sort_stats("tottime").print_stats(12)
    lines += ["Profile of one cold compare page (cProfile slows it down; the shares are what count)",
              "by cumulative time, the project's, the diff library's and the templates' functions:",
              by_total.getvalue().rstrip(), "by own time:", by_own.getvalue().rstrip()]


# --- running -----------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=20000, help="words in the generated statement (default 20000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each measurement (default 5)")
    parser.add_argument("--database-url", help="PostgreSQL URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test;"
                                               " a fresh schema is created in it and dropped at the end")
    parser.add_argument("--edit-share", type=float, default=0.02, help="share of words the second revision changes")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated texts (default 2026)")
    parser.add_argument("--dmp-timeout", type=float, default=1.0,
                        help="Diff_Timeout of the plain diff-match-patch reference, 0 for none (default 1.0)")
    parser.add_argument("--profile", action="store_true", help="also profile one cold compare page")
    args = parser.parse_args(argv)
    if args.words < 200 or args.repeat < 1 or not 0 < args.edit_share < 1 or args.dmp_timeout < 0:
        parser.error("words at least 200, repeat at least 1, edit share between 0 and 1, timeout not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for name in APP_VARIABLES:
        os.environ.pop(name, None)
    maker = TextMaker(args.seed)
    old = maker.document(args.words)
    new, changed, places = spread_edit(old, args.edit_share, maker)
    rewritten = TextMaker(args.seed + 1).document(args.words)
    lines = [
        f"Drafting benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{args.repeat} runs a measurement, medians",
        f"text: {len(WORD.findall(old)):,} words, {len(old):,} characters, {old.count(chr(10)):,} lines; "
        f"second revision: {changed:,} words changed in {places:,} places "
        f"({changed / len(WORD.findall(old)):.1%}); rewrite: {len(WORD.findall(rewritten)):,} words",
    ]
    kind = "postgresql" if args.database_url else "sqlite"
    with instance_and_database(kind, args.database_url, "statements-bench-drafts-") as (env, engine_url, schema):
        os.environ["STATEMENTS_INSTANCE"] = env["STATEMENTS_INSTANCE"]
        lines.append(f"database: postgresql (schema {schema}, dropped at the end)" if schema
                     else "database: sqlite (a temporary file)")
        print("\n".join(lines), flush=True)
        lines.clear()
        bench = Bench(args, engine_url)
        try:
            sections = [
                ("compare page", lambda: compare_section(bench, old, new, args.repeat, lines)),
                ("total rewrite", lambda: rewrite_section(bench, old, rewritten, args.repeat, lines)),
                ("saving", lambda: save_section(bench, old, new, args.repeat, lines)),
                ("statement page", lambda: statement_page_section(bench, old, new, args.repeat, lines)),
                ("storage", lambda: storage_section(bench, old, maker, lines)),
            ]
            if args.profile:
                sections.append(("profile", lambda: profile_compare(bench, old, new, lines)))
            for label, run in sections:
                print(f"measuring {label} ...", file=sys.stderr, flush=True)
                run()
                print("\n".join(lines), flush=True)
                lines.clear()
        finally:
            bench.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
