"""Store a revision as the change from the one before it. Pure functions.

A delta is diff-match-patch's compact delta format over a word diff: exact (not fuzzy), and a
small edit to a long text costs a few hundred bytes instead of a copy of the text.
"""

from diff_match_patch import diff_match_patch

from statements.drafts.diffing import word_diff

_dmp = diff_match_patch()


def make_delta(old: str, new: str) -> str:
    """Return a delta that turns old into new."""
    return _dmp.diff_toDelta(word_diff(old, new, timeout_seconds=2.0).ops)


def apply_delta(old: str, delta: str) -> str:
    """Return the text a delta makes from old."""
    return _dmp.diff_text2(_dmp.diff_fromDelta(old, delta))
