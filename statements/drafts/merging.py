"""Three-way merge of two saves made from the same revision. Pure functions.

Both saves are diffed against the revision they started from (word tokens, diff-match-patch).
Where their changed stretches of that revision do not touch, both sets of changes are applied
to it exactly; where they touch, nothing is merged and the caller is told there is a conflict.
"""

from dataclasses import dataclass

from statements.drafts.diffing import DELETE, EQUAL, INSERT, word_diff


@dataclass(frozen=True)
class Edit:
    """Replace base[start:end] with text (an insertion when start == end)."""

    start: int
    end: int
    text: str

    def touches(self, other: "Edit") -> bool:
        if self.start < other.end and other.start < self.end:
            return True  # the replaced stretches overlap
        zero_width = self.start == self.end or other.start == other.end
        return zero_width and self.start <= other.end and other.start <= self.end


@dataclass
class MergeResult:
    text: str | None
    conflicts: list[tuple[Edit, Edit]]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def edits_between(base: str, changed: str, timeout_seconds: float = 2.0) -> list[Edit]:
    """Return the edits that turn base into changed, in base's coordinates."""
    edits: list[Edit] = []
    position = 0
    pending: Edit | None = None
    for op, text in word_diff(base, changed, timeout_seconds).ops:
        if op == EQUAL:
            if pending:
                edits.append(pending)
                pending = None
            position += len(text)
            continue
        if pending is None:
            pending = Edit(position, position, "")
        if op == DELETE:
            position += len(text)
            pending = Edit(pending.start, position, pending.text)
        elif op == INSERT:
            pending = Edit(pending.start, pending.end, pending.text + text)
    if pending:
        edits.append(pending)
    return edits


def apply_edits(base: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits to base."""
    pieces, position = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        pieces.append(base[position:edit.start])
        pieces.append(edit.text)
        position = edit.end
    pieces.append(base[position:])
    return "".join(pieces)


def three_way_merge(base: str, mine: str, theirs: str) -> MergeResult:
    """Merge my changes and theirs (both made from base); report the places where they touch."""
    if mine == theirs:
        return MergeResult(mine, [])
    my_edits, their_edits = edits_between(base, mine), edits_between(base, theirs)
    conflicts = [(m, t) for m in my_edits for t in their_edits if m.touches(t) and m != t]
    if conflicts:
        return MergeResult(None, conflicts)
    both = list(dict.fromkeys(my_edits + their_edits))  # the same change made by both counts once
    return MergeResult(apply_edits(base, both), [])
