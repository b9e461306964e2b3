"""Word-level diffs of statement texts, made with diff-match-patch on word tokens.

Diffing words as tokens (the way the library's line mode diffs lines) is much faster than a
character diff of a long text and reads better: changes come out as whole words and phrases.
Long texts are diffed line by line first, and then token by token within the lines that changed.
Pure functions: no Flask, no database.
"""

import re
import time
from dataclasses import dataclass, field
from itertools import chain

from diff_match_patch import diff_match_patch

EQUAL, DELETE, INSERT = diff_match_patch.DIFF_EQUAL, diff_match_patch.DIFF_DELETE, diff_match_patch.DIFF_INSERT
#: words (any script), runs of spaces, line breaks, and single other characters
TOKEN_PATTERN = re.compile(r"\w+|[^\S\n]+|\n|[^\w\s]", re.UNICODE)
WORD_PATTERN = re.compile(r"\w+", re.UNICODE)


@dataclass
class Diff:
    """A diff as (op, text) pairs, and whether it had to fall back to a coarser level."""

    ops: list[tuple[int, str]]
    coarse: bool = False
    seconds: float = 0.0


def tokenize(text: str) -> list[str]:
    """Split text into word, space, line-break and punctuation tokens that join back to it."""
    return TOKEN_PATTERN.findall(text)


def _encode(tokens_a: list[str], tokens_b: list[str]) -> tuple[str, str, list[str]]:
    """Map each distinct token to one character, as diff_linesToChars does for lines.

    A line break stands for itself, so the encoded texts keep their lines: diff_main's line mode
    then diffs whole lines first and rediffs, token by token, only the lines that changed.
    """
    table: list[str] = [""] * (ord("\n") + 1)
    table[ord("\n")] = "\n"
    chars: dict[str, str] = {"\n": "\n"}
    for token in dict.fromkeys(chain(tokens_a, tokens_b)):
        if token in chars:
            continue
        if len(table) == 0xD800:  # skip the surrogate range, which has no characters of its own
            table.extend([""] * 0x800)
        chars[token] = chr(len(table))
        table.append(token)
    return "".join(map(chars.__getitem__, tokens_a)), "".join(map(chars.__getitem__, tokens_b)), table


def _diff_tokens(tokens_a: list[str], tokens_b: list[str], deadline_seconds: float,
                 lines_first: bool = True) -> tuple[list, bool]:
    """Diff two token lists; report whether the deadline cut the search short (then skip the clean-up,
    which costs most on exactly such diffs)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = deadline_seconds
    chars_a, chars_b, table = _encode(tokens_a, tokens_b)
    started = time.perf_counter()
    ops = dmp.diff_main(chars_a, chars_b, checklines=lines_first)
    timed_out = deadline_seconds > 0 and time.perf_counter() - started >= deadline_seconds
    if not timed_out:
        _cleanup_semantic_by_length(dmp, ops, table)
    dmp.diff_charsToLines(ops, table)
    return ops, timed_out


def _cleanup_semantic_by_length(dmp: diff_match_patch, ops: list, table: list[str]) -> None:
    """Fold short equalities into the changes around them, weighing tokens by their length in text.

    This is the first phase of diff-match-patch's diff_cleanupSemantic, run on the encoded tokens.
    The library's own clean-up would count every token as one character, so a long unchanged word
    weighs no more than a space and gets folded into the changes around it; here an equality goes
    only if it has no more characters of text than the changes on each side of it. An equality with
    a line break is always kept, so a change never reaches across paragraphs, and there is no
    character-level overlap phase, so changes stay whole words. Works in place on ops.
    """
    def length(encoded: str) -> int:
        return sum(len(table[ord(char)]) for char in encoded)

    changed = False
    equalities: list[int] = []  # indices of the equalities met so far
    weight = None  # length of the last equality, None if it may not be folded
    pointer = 0
    inserted_before = deleted_before = inserted_after = deleted_after = 0
    while pointer < len(ops):
        op, text = ops[pointer]
        if op == EQUAL:
            equalities.append(pointer)
            inserted_before, deleted_before, inserted_after, deleted_after = inserted_after, deleted_after, 0, 0
            weight = None if "\n" in text else length(text)
        else:
            if op == INSERT:
                inserted_after += length(text)
            else:
                deleted_after += length(text)
            if (weight is not None and weight <= max(inserted_before, deleted_before)
                    and weight <= max(inserted_after, deleted_after)):
                folded = equalities.pop()
                ops[folded:folded + 1] = [(DELETE, ops[folded][1]), (INSERT, ops[folded][1])]
                if equalities:
                    equalities.pop()  # the equality before it is weighed again, against the larger changes
                pointer = equalities[-1] if equalities else -1
                inserted_before = deleted_before = inserted_after = deleted_after = 0
                weight = None
                changed = True
        pointer += 1
    if changed:
        dmp.diff_cleanupMerge(ops)


def _paragraphs(text: str) -> list[str]:
    return [line for line in re.split(r"(\n)", text) if line]


def word_diff(old: str, new: str, timeout_seconds: float = 1.0) -> Diff:
    """Diff two texts word by word; past the timeout, diff whole lines instead and say so."""
    started = time.perf_counter()
    ops, timed_out = _diff_tokens(tokenize(old), tokenize(new), timeout_seconds)
    if timed_out:
        # the line-by-line pass gets a deadline too: past it, changed stretches are just coarser
        ops, _ = _diff_tokens(_paragraphs(old), _paragraphs(new), timeout_seconds, lines_first=False)
    merged = _merge_adjacent(ops)
    return Diff(merged, coarse=timed_out, seconds=time.perf_counter() - started)


def _merge_adjacent(ops: list) -> list[tuple[int, str]]:
    merged: list[tuple[int, str]] = []
    for op, text in ops:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def count_words(ops: list[tuple[int, str]]) -> tuple[int, int]:
    """Return (words added, words removed)."""
    added = sum(len(WORD_PATTERN.findall(text)) for op, text in ops if op == INSERT)
    removed = sum(len(WORD_PATTERN.findall(text)) for op, text in ops if op == DELETE)
    return added, removed


@dataclass
class Row:
    """One line of text in a comparison, or a fold standing for unchanged lines."""

    inline: list[tuple[int, str]] = field(default_factory=list)
    folded_lines: int = 0

    @property
    def changed(self) -> bool:
        return any(op != EQUAL for op, _ in self.inline)

    @property
    def left(self) -> list[tuple[int, str]]:
        return [(op, text) for op, text in self.inline if op != INSERT]

    @property
    def right(self) -> list[tuple[int, str]]:
        return [(op, text) for op, text in self.inline if op != DELETE]


def rows(ops: list[tuple[int, str]], context_lines: int = 1) -> list[Row]:
    """Lay a diff out line by line, folding unchanged stretches beyond a little context."""
    lines: list[Row] = [Row()]
    for op, text in ops:
        if op == EQUAL:
            parts = text.split("\n")
            for number, part in enumerate(parts):
                if number:
                    lines.append(Row())
                if part:
                    lines[-1].inline.append((EQUAL, part))
        else:
            lines[-1].inline.append((op, text))
    return _fold(lines, context_lines)


def _fold(lines: list[Row], context_lines: int) -> list[Row]:
    """Drop blank unchanged lines; fold unchanged runs too long to be worth showing."""
    lines = [row for row in lines if row.changed or any(text.strip() for _, text in row.inline)]
    changed = [index for index, row in enumerate(lines) if row.changed]
    keep = set()
    for index in changed:
        keep.update(range(index - context_lines, index + context_lines + 1))
    folded: list[Row] = []
    hidden: list[Row] = []
    for index, row in enumerate(lines + [None]):
        if row is not None and index not in keep:
            hidden.append(row)
            continue
        # a run of one or two lines is shown rather than folded: the fold would be as long
        folded.extend(hidden if len(hidden) <= 2 else [Row(folded_lines=len(hidden))])
        hidden = []
        if row is not None:
            folded.append(row)
    return folded
