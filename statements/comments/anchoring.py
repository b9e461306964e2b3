"""Find a commented passage again in a new revision. Pure functions.

An anchor keeps the quoted words, a little context on each side, and where they stood. In a
new text the passage is placed exactly where the quote still stands (the context choosing
between repeats); else where the old position maps to through a diff of the two texts, if the
words there are still close enough to the quote; else it is reported as removed.

Placing many passages at once, the diff is taken only of the stretch between the nearest
passages found exactly on either side (they stand where they stood, so the words between
them in the old text became the words between them in the new one), which costs a small
fraction of diffing whole statements.
"""

import bisect

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
        return _through_diff(anchor, new_text, diff_ops)
    return REMOVED_PLACEMENT


REMOVED_PLACEMENT = Placement(REMOVED, None, 0.0)


def _through_diff(anchor: Anchor, new_text: str, diff_ops: list, old_offset: int = 0,
                  new_offset: int = 0) -> Placement:
    """Where the old position maps to through a diff of old_text[old_offset:] -> new_text[new_offset:]."""
    start = new_offset + _dmp.diff_xIndex(diff_ops, anchor.position - old_offset)
    end = new_offset + _dmp.diff_xIndex(diff_ops, anchor.position - old_offset + len(anchor.quote))
    candidate = new_text[start:end].strip()
    if candidate:
        start = new_text.find(candidate, start)
        score = similarity(anchor.quote, candidate)
        if score >= FUZZY_THRESHOLD:
            return Placement(FUZZY, anchor_at(new_text, start, start + len(candidate)), score)
    return REMOVED_PLACEMENT


def place_all(anchors: list[Anchor], old_text: str, new_text: str) -> list[Placement]:
    """Place many anchors. Those whose quote no longer stands are placed through a diff of the
    stretch between their nearest neighbours found exactly, or of the whole texts when the
    neighbours cannot be trusted to bound it (none found, or found out of order)."""
    placements = _place_exactly(anchors, new_text)
    # (old start, old end, new start, new end) of each passage that still stands, in the old text's order
    fixed = sorted((a.position, a.position + len(a.quote), p.anchor.position, p.anchor.position + len(a.quote))
                   for a, p in zip(anchors, placements)
                   if p.status == EXACT and old_text.startswith(a.quote, a.position))
    whole_ops = None
    for index, anchor in enumerate(anchors):
        if placements[index].status != REMOVED:
            continue
        bounds = _stretch_around(fixed, anchor, len(old_text), len(new_text))
        if bounds is not None:
            old_start, old_end, new_start, new_end = bounds
            ops = word_diff(old_text[old_start:old_end], new_text[new_start:new_end]).ops
            placements[index] = _through_diff(anchor, new_text, ops, old_start, new_start)
        else:
            if whole_ops is None:
                whole_ops = word_diff(old_text, new_text).ops
            placements[index] = _through_diff(anchor, new_text, whole_ops)
    return placements


def _place_exactly(anchors: list[Anchor], new_text: str) -> list[Placement]:
    """Place each anchor where its quote stands. Taken in the old text's order, a passage is looked
    for first where the text before it moved it (the shift of the last one placed): standing there
    with all its context, no other place can fit it better, and the text need not be searched."""
    placements: list[Placement] = [REMOVED_PLACEMENT] * len(anchors)
    shift = 0
    for index in sorted(range(len(anchors)), key=lambda i: anchors[i].position):
        anchor = anchors[index]
        guess = anchor.position + shift
        if _stands_with_context(new_text, anchor, guess):
            placement = Placement(EXACT, anchor_at(new_text, guess, guess + len(anchor.quote)), 1.0)
        else:
            placement = place(anchor, new_text)
        if placement.status == EXACT:
            shift = placement.anchor.position - anchor.position
        placements[index] = placement
    return placements


def _stands_with_context(text: str, anchor: Anchor, position: int) -> bool:
    after = position + len(anchor.quote)
    return (bool(anchor.quote) and position - len(anchor.prefix) >= 0
            and text.startswith(anchor.quote, position)
            and text.startswith(anchor.prefix, position - len(anchor.prefix))
            and text.startswith(anchor.suffix, after))


def _stretch_around(fixed: list[tuple[int, int, int, int]], anchor: Anchor, old_length: int,
                    new_length: int) -> tuple[int, int, int, int] | None:
    """The stretch of both texts between the passages found exactly just before and just after the
    anchor (the texts' ends where there is none), or None when those two are not in order."""
    if not fixed:
        return None
    where = bisect.bisect_left(fixed, (anchor.position,))
    before = fixed[where - 1] if where > 0 else None
    after = fixed[where] if where < len(fixed) else None
    old_start, new_start = (before[1], before[3]) if before else (0, 0)
    old_end, new_end = (after[0], after[2]) if after else (old_length, new_length)
    quote_end = anchor.position + len(anchor.quote)
    if not (old_start <= anchor.position and quote_end <= old_end and new_start <= new_end):
        return None  # the neighbours overlap the passage or moved past each other: diff everything
    return old_start, old_end, new_start, new_end
