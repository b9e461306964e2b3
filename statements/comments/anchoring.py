"""Find a commented passage again in a new revision. Pure functions.

An anchor keeps the quoted words, a little context on each side, and where they stood. In a
new text the passage is placed exactly where the quote still stands (the context choosing
between repeats); else where the old position maps to through a diff of the two texts, if the
words there are still close enough to the quote; else it is reported as removed.
"""

from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from statements.drafts.diffing import word_diff

CONTEXT_CHARS = 40
#: how similar (0 to 1) the words found must be to the quote to count as the same passage
FUZZY_THRESHOLD = 0.6

EXACT, FUZZY, REMOVED = "exact", "fuzzy", "removed"
_dmp = diff_match_patch()


@dataclass(frozen=True)
class Anchor:
    quote: str
    prefix: str
    suffix: str
    position: int


@dataclass(frozen=True)
class Placement:
    status: str  # EXACT, FUZZY or REMOVED
    anchor: Anchor | None  # where it now stands (None when removed)
    similarity: float


def anchor_at(text: str, start: int, end: int) -> Anchor:
    """Make an anchor for text[start:end], with its context."""
    return Anchor(text[start:end], text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS], start)


def _context_score(text: str, position: int, anchor: Anchor) -> int:
    before = text[max(0, position - len(anchor.prefix)):position]
    after = text[position + len(anchor.quote):position + len(anchor.quote) + len(anchor.suffix)]
    return _common_suffix(before, anchor.prefix) + _common_prefix(after, anchor.suffix)


def _common_prefix(a: str, b: str) -> int:
    return _dmp.diff_commonPrefix(a, b)


def _common_suffix(a: str, b: str) -> int:
    return _dmp.diff_commonSuffix(a, b)


def similarity(a: str, b: str) -> float:
    """Return 1.0 for equal strings, falling towards 0 as they differ."""
    if not a and not b:
        return 1.0
    distance = _dmp.diff_levenshtein(word_diff(a, b, timeout_seconds=0.2).ops)
    return max(0.0, 1.0 - distance / max(len(a), len(b)))


def find_exact(text: str, anchor: Anchor) -> int | None:
    """Return where the quote stands in text, choosing the best context among repeats."""
    if not anchor.quote:
        return None
    positions, start = [], text.find(anchor.quote)
    while start != -1 and len(positions) < 1000:
        positions.append(start)
        start = text.find(anchor.quote, start + 1)
    if not positions:
        return None
    return max(positions, key=lambda p: (_context_score(text, p, anchor), -abs(p - anchor.position)))


def place(anchor: Anchor, new_text: str, diff_ops: list | None = None) -> Placement:
    """Place an anchor in a new text. diff_ops (old text -> new text) may be shared between anchors."""
    exact = find_exact(new_text, anchor)
    if exact is not None:
        return Placement(EXACT, anchor_at(new_text, exact, exact + len(anchor.quote)), 1.0)
    if diff_ops is not None:
        start = _dmp.diff_xIndex(diff_ops, anchor.position)
        end = _dmp.diff_xIndex(diff_ops, anchor.position + len(anchor.quote))
        candidate = new_text[start:end].strip()
        if candidate:
            start = new_text.find(candidate, start)
            score = similarity(anchor.quote, candidate)
            if score >= FUZZY_THRESHOLD:
                return Placement(FUZZY, anchor_at(new_text, start, start + len(candidate)), score)
    return Placement(REMOVED, None, 0.0)


def place_all(anchors: list[Anchor], old_text: str, new_text: str) -> list[Placement]:
    """Place many anchors, diffing the two texts once (and only if some quote moved or changed)."""
    ops = None
    placements = []
    for anchor in anchors:
        placement = place(anchor, new_text)
        if placement.status == REMOVED:
            if ops is None:
                ops = word_diff(old_text, new_text).ops
            placement = place(anchor, new_text, ops)
        placements.append(placement)
    return placements
