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
    table, chars = _new_table()
    for token in dict.fromkeys(chain(tokens_a, tokens_b)):
        if token not in chars:
            _add_token(token, table, chars)
    return "".join(map(chars.__getitem__, tokens_a)), "".join(map(chars.__getitem__, tokens_b)), table


def _new_table() -> tuple[list[str], dict[str, str]]:
    table: list[str] = [""] * (ord("\n") + 1)
    table[ord("\n")] = "\n"
    return table, {"\n": "\n"}


def _add_token(token: str, table: list[str], chars: dict[str, str]) -> None:
    if len(table) == 0xD800:  # skip the surrogate range, which has no characters of its own
        table.extend([""] * 0x800)
    chars[token] = chr(len(table))
    table.append(token)


def _encode_texts(old: str, new: str) -> tuple[str, str, list[str]]:
    """Tokenize and encode two texts as _encode does, the same characters for the same tokens.

    A token never spans a line break, so a line is encoded alike wherever it stands: the lines the
    new text shares with the old are taken from the old one's encoding, and only the others are
    tokenized again. New tokens are met in the same order as _encode meets them.
    """
    table, chars = _new_table()
    tokens_old = tokenize(old)
    for token in dict.fromkeys(tokens_old):
        if token not in chars:
            _add_token(token, table, chars)
    encoded_old = "".join(map(chars.__getitem__, tokens_old))
    known = dict(zip(old.split("\n"), encoded_old.split("\n")))
    encoded_lines = []
    for line in new.split("\n"):
        encoded = known.get(line)
        if encoded is None:
            tokens = tokenize(line)
            for token in tokens:
                if token not in chars:
                    _add_token(token, table, chars)
            encoded = known[line] = "".join(map(chars.__getitem__, tokens))
        encoded_lines.append(encoded)
    return encoded_old, "\n".join(encoded_lines), table


class _Differ(diff_match_patch):
    """diff-match-patch with a faster diff_bisect that finds the very same middle snake.

    The library walks each snake (a run of equal characters) one character at a time; here a run
    is compared sixteen characters at a time first, and the reverse path reads reversed copies of
    the texts instead of indexing from their ends. Each step reaches the same point as the
    library's, so the diffs are identical (tests/drafts/test_diffing.py compares them).
    """

    def diff_bisect(self, text1: str, text2: str, deadline: float) -> list:
        length1, length2 = len(text1), len(text2)
        max_d = (length1 + length2 + 1) // 2
        v_offset, v_length = max_d, 2 * max_d
        v1 = [-1] * v_length
        v1[v_offset + 1] = 0
        v2 = v1[:]
        delta = length1 - length2
        front = delta % 2 != 0  # an odd total: the forward path meets the reverse one
        reversed1, reversed2 = text1[::-1], text2[::-1]
        k1start = k1end = k2start = k2end = 0
        clock = time.time
        for d in range(max_d):
            if clock() > deadline:
                break
            for k1 in range(-d + k1start, d + 1 - k1end, 2):  # the forward path, one step
                k1_offset = v_offset + k1
                if k1 == -d or (k1 != d and v1[k1_offset - 1] < v1[k1_offset + 1]):
                    x1 = v1[k1_offset + 1]
                else:
                    x1 = v1[k1_offset - 1] + 1
                y1 = x1 - k1
                if x1 < length1 and y1 < length2 and text1[x1] == text2[y1]:
                    x1, y1 = x1 + 1, y1 + 1
                    while x1 + 16 <= length1 and y1 + 16 <= length2 and text1[x1:x1 + 16] == text2[y1:y1 + 16]:
                        x1, y1 = x1 + 16, y1 + 16
                    while x1 < length1 and y1 < length2 and text1[x1] == text2[y1]:
                        x1, y1 = x1 + 1, y1 + 1
                v1[k1_offset] = x1
                if x1 > length1:  # off the right of the graph
                    k1end += 2
                elif y1 > length2:  # off the bottom
                    k1start += 2
                elif front:
                    k2_offset = v_offset + delta - k1
                    if 0 <= k2_offset < v_length and v2[k2_offset] != -1 and x1 >= length1 - v2[k2_offset]:
                        return self.diff_bisectSplit(text1, text2, x1, y1, deadline)
            for k2 in range(-d + k2start, d + 1 - k2end, 2):  # the reverse path, one step
                k2_offset = v_offset + k2
                if k2 == -d or (k2 != d and v2[k2_offset - 1] < v2[k2_offset + 1]):
                    x2 = v2[k2_offset + 1]
                else:
                    x2 = v2[k2_offset - 1] + 1
                y2 = x2 - k2
                if x2 < length1 and y2 < length2 and reversed1[x2] == reversed2[y2]:
                    x2, y2 = x2 + 1, y2 + 1
                    while (x2 + 16 <= length1 and y2 + 16 <= length2
                           and reversed1[x2:x2 + 16] == reversed2[y2:y2 + 16]):
                        x2, y2 = x2 + 16, y2 + 16
                    while x2 < length1 and y2 < length2 and reversed1[x2] == reversed2[y2]:
                        x2, y2 = x2 + 1, y2 + 1
                v2[k2_offset] = x2
                if x2 > length1:  # off the left of the graph
                    k2end += 2
                elif y2 > length2:  # off the top
                    k2start += 2
                elif not front:
                    k1_offset = v_offset + delta - k2
                    if 0 <= k1_offset < v_length and v1[k1_offset] != -1:
                        x1 = v1[k1_offset]
                        if x1 >= length1 - x2:
                            return self.diff_bisectSplit(text1, text2, x1, v_offset + x1 - k1_offset, deadline)
        # past the deadline, or nothing in common
        return [(self.DIFF_DELETE, text1), (self.DIFF_INSERT, text2)]


def _diff_tokens(tokens_a: list[str], tokens_b: list[str], deadline_seconds: float,
                 lines_first: bool = True) -> tuple[list, bool]:
    """Diff two token lists; report whether the deadline cut the search short (then skip the clean-up,
    which costs most on exactly such diffs)."""
    return _diff_encoded(*_encode(tokens_a, tokens_b), deadline_seconds, lines_first)


def _diff_encoded(chars_a: str, chars_b: str, table: list[str], deadline_seconds: float,
                  lines_first: bool = True) -> tuple[list, bool]:
    dmp = _Differ()
    dmp.Diff_Timeout = deadline_seconds
    started = time.perf_counter()
    ops = dmp.diff_main(chars_a, chars_b, checklines=lines_first)
    timed_out = deadline_seconds > 0 and time.perf_counter() - started >= deadline_seconds
    if not timed_out:
        _cleanup_semantic_by_length(dmp, ops, table)
    ops[:] = [(op, text.translate(table)) for op, text in ops]  # diff_charsToLines, done by str.translate
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
        return len(encoded.translate(table))

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
    ops, timed_out = _diff_encoded(*_encode_texts(old, new), timeout_seconds)
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


#: what a plain-text excerpt of changes shows of the unchanged text on each side of a change, in words
EXCERPT_CONTEXT_WORDS = 12
#: the most words an excerpt shows of one removal or addition, and about the most it shows in all
EXCERPT_CHANGE_WORDS = 60
EXCERPT_WORDS = 150
_SPACED_WORD = re.compile(r"\S+")


@dataclass
class Excerpts:
    """The changes of a diff in plain text, each with a few unchanged words around it: the first `limit`."""

    shown: list[str]
    total: int


def changes_in_context(ops: list[tuple[int, str]], words: int = EXCERPT_CONTEXT_WORDS, limit: int = 30) -> Excerpts:
    """Each change of a diff as plain text, [-removed-] {+added+}, with up to `words` unchanged words on each
    side, never past a line break; changes whose contexts meet make one excerpt, of about `EXCERPT_WORDS` at
    most, and a long removal or addition is cut short. An email about a change of a few words to a long
    statement then says those words, not the whole text again."""
    excerpts, current, length = [], [], 0
    for index, (op, text) in enumerate(ops):
        if op != EQUAL:
            marked = _first_words(text, EXCERPT_CHANGE_WORDS, keep_lines=True)
            current.append(f"[-{marked}-]" if op == DELETE else f"{{+{marked}+}}")
            length += len(_SPACED_WORD.findall(marked))
            continue
        between_changes = 0 < index < len(ops) - 1
        if between_changes and "\n" not in text and len(_SPACED_WORD.findall(text)) <= 2 * words \
                and length < EXCERPT_WORDS:
            current.append(text)  # the contexts meet: one excerpt
            length += len(_SPACED_WORD.findall(text))
            continue
        if index > 0:
            current.append(_first_words(text, words))
            excerpts.append("".join(current).strip())
        current = [_last_words(text, words)] if index < len(ops) - 1 else []
        length = 0
    if any(op != EQUAL for op, _text in ops[-1:]):
        excerpts.append("".join(current).strip())
    return Excerpts(excerpts[:limit], len(excerpts))


def _first_words(text: str, count: int, keep_lines: bool = False) -> str:
    """The start of a text, up to its first line break (unless `keep_lines`) and at most `count` words, "…"
    if cut."""
    line = text if keep_lines else text.split("\n", 1)[0]
    ends = [found.end() for found in _SPACED_WORD.finditer(line)]
    kept = line[:ends[count - 1]] if len(ends) > count else line
    return kept + (" …" if len(ends) > count else "")


def _last_words(text: str, count: int) -> str:
    """The end of an unchanged text, after its last line break and at most `count` words, "…" if cut."""
    line = text.rsplit("\n", 1)[-1]
    starts = [found.start() for found in _SPACED_WORD.finditer(line)]
    kept = line[starts[-count]:] if len(starts) > count else line
    return ("… " if len(starts) > count else "") + kept
