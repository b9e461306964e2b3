"""Word diffs of statement texts: exact, readable, folded, and bounded in time."""

import random
import time

import pytest

from statements.drafts.diffing import DELETE, EQUAL, INSERT, count_words, rows, tokenize, word_diff

TEXTS = [
    ("", ""),
    ("", "A first draft."),
    ("A first draft.", ""),
    ("People displaced by climate change need protection.",
     "People displaced by climate change need legal protection now."),
    ("# Demands\n\n- regularization\n- decent work\n", "# Our demands\n\n- decent work\n- regularization now\n"),
    ("مرحبا بالعالم. نحن نطالب بالحماية.", "مرحبا بكم في العالم. نحن نطالب بالحماية الآن."),
    ("Chúng tôi yêu cầu bảo vệ người lao động.", "Chúng tôi kiên quyết yêu cầu bảo vệ mọi người lao động."),
    ("Workers 👩🏽‍🌾 and families 🌍 first", "Workers 👩🏽‍🌾 and their families 🌏 first 𝄞"),
    ("气候 移民 需要 保护", "气候移民 需要 法律 保护"),
    ("line one\r\nline two\r\n", "line one\r\nline 2\r\n"),
    ("tabs\tand   spaces  ", "tabs and\tspaces"),
]


def old_side(ops):
    return "".join(text for op, text in ops if op != INSERT)


def new_side(ops):
    return "".join(text for op, text in ops if op != DELETE)


def unique_words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8)) for _ in range(count)]


@pytest.mark.parametrize("old, new", TEXTS)
def test_word_diff_joins_back_to_both_texts(old, new):
    diff = word_diff(old, new)
    assert old_side(diff.ops) == old
    assert new_side(diff.ops) == new
    assert not diff.coarse
    assert all(text for _, text in diff.ops)  # no empty pieces
    assert all(a[0] != b[0] for a, b in zip(diff.ops, diff.ops[1:]))  # neighbours merged


@pytest.mark.parametrize("old, new", TEXTS)
def test_tokens_join_back_to_the_text(old, new):
    assert "".join(tokenize(old)) == old
    assert "".join(tokenize(new)) == new


def test_changes_come_out_as_whole_words():
    diff = word_diff("We ask for protection.", "We demand protection.")
    assert (DELETE, "ask for") in diff.ops
    assert (INSERT, "demand") in diff.ops


def test_count_words_counts_added_and_removed_words_in_any_script():
    ops = [(EQUAL, "We "), (DELETE, "ask for"), (INSERT, "demand, now and always,"), (EQUAL, " protection"),
           (INSERT, " بالحماية الآن")]
    assert count_words(ops) == (6, 2)
    assert count_words([(EQUAL, "nothing changed here")]) == (0, 0)
    assert count_words([(INSERT, " , . ! ")]) == (0, 0)


def test_rows_fold_long_unchanged_stretches_and_keep_context():
    old = "\n".join(f"Paragraph {n} stays." for n in range(1, 21))
    new = old.replace("Paragraph 10 stays.", "Paragraph 10 changes.")
    laid_out = rows(word_diff(old, new).ops)
    folds = [row.folded_lines for row in laid_out if row.folded_lines]
    shown = ["".join(text for _, text in row.inline) for row in laid_out if not row.folded_lines]
    assert folds == [8, 9]
    assert shown == ["Paragraph 9 stays.", "Paragraph 10 stayschanges.", "Paragraph 11 stays."]
    changed = [row for row in laid_out if row.changed]
    assert len(changed) == 1
    assert changed[0].left == [(EQUAL, "Paragraph 10 "), (DELETE, "stays"), (EQUAL, ".")]
    assert changed[0].right == [(EQUAL, "Paragraph 10 "), (INSERT, "changes"), (EQUAL, ".")]


def test_rows_show_a_short_unchanged_run_rather_than_fold_it():
    old = "One.\nTwo.\nThree.\nFour.\nFive."
    new = "One!\nTwo.\nThree.\nFour.\nFive!"
    laid_out = rows(word_diff(old, new).ops)
    assert not any(row.folded_lines for row in laid_out)
    assert len(laid_out) == 5


def test_rows_of_identical_texts_are_one_fold():
    text = "\n".join(f"Line {n}." for n in range(10))
    laid_out = rows(word_diff(text, text).ops)
    assert [row.folded_lines for row in laid_out] == [10]


def test_a_small_change_in_a_long_text_stays_word_level_and_quick():
    words = unique_words(20_000, seed=1)
    old = "\n\n".join(" ".join(words[i:i + 50]) for i in range(0, len(words), 50))
    new = old.replace(words[10_000], "CHANGED", 1)
    diff = word_diff(old, new)
    assert not diff.coarse
    assert diff.seconds < 2
    assert count_words(diff.ops) == (1, 1)
    assert new_side(diff.ops) == new


def test_a_total_rewrite_of_a_long_text_takes_the_coarse_path_within_bounds():
    old = "\n".join(" ".join(unique_words(5, seed=line)) for line in range(3_000))
    new = "\n".join(" ".join(unique_words(5, seed=10_000 + line)) for line in range(3_000))
    started = time.perf_counter()
    diff = word_diff(old, new, timeout_seconds=0.5)
    elapsed = time.perf_counter() - started
    assert diff.coarse
    assert elapsed < 10  # without a deadline on the line-by-line pass this takes minutes
    assert old_side(diff.ops) == old
    assert new_side(diff.ops) == new


def test_a_rewrite_with_more_distinct_words_than_the_surrogate_gap_still_diffs():
    old = " ".join(unique_words(30_000, seed=2))
    new = " ".join(unique_words(30_000, seed=3))
    diff = word_diff(old, new, timeout_seconds=0.5)
    assert old_side(diff.ops) == old
    assert new_side(diff.ops) == new


def test_an_unchanged_word_between_two_changes_stays_unchanged():
    diff = word_diff("We need protection.", "We need legal protection now.")
    assert (EQUAL, "protection") in diff.ops
    assert count_words(diff.ops) == (2, 0)


def test_a_rewritten_sentence_reads_as_phrases_not_as_a_confetti_of_short_words():
    old = ("The government must guarantee the right of every displaced family to return to the land they were "
           "forced to leave.")
    new = "Every state should protect the right of all displaced communities to stay on the land they call home."
    diff = word_diff(old, new)
    assert diff.ops == [
        (DELETE, "The government must guarantee"), (INSERT, "Every state should protect"),
        (EQUAL, " the right of "),
        (DELETE, "every"), (INSERT, "all"),
        (EQUAL, " displaced "),
        (DELETE, "family to return to the land they were forced to leave"),
        (INSERT, "communities to stay on the land they call home"),
        (EQUAL, "."),
    ]


def test_a_short_unchanged_paragraph_between_two_rewritten_ones_stays_unchanged():
    old = "Floods and droughts force many people from their homes.\n\nWe ask.\n\nStates must open regular pathways."
    new = "Rising seas swallow coastal villages.\n\nWe ask.\n\nGovernments should guarantee safe routes."
    diff = word_diff(old, new)
    assert (EQUAL, ".\n\nWe ask.\n\n") in diff.ops
    assert old_side(diff.ops) == old
    assert new_side(diff.ops) == new


# --- the faster diff finds the very same changes as diff-match-patch itself ---------------------

def _library_word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """word_diff as it was: every token of both texts encoded, and the library's own diff_main."""
    from diff_match_patch import diff_match_patch

    from statements.drafts import diffing

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 60  # the half-match speedup on, as in word_diff, and no deadline reached
    chars_a, chars_b, table = diffing._encode(tokenize(old), tokenize(new))
    ops = dmp.diff_main(chars_a, chars_b, checklines=True)
    diffing._cleanup_semantic_by_length(dmp, ops, table)
    dmp.diff_charsToLines(ops, table)
    return diffing._merge_adjacent(ops)


@pytest.mark.parametrize("seed, words, share", [(1, 300, 0.02), (2, 1500, 0.02), (3, 1500, 0.1), (4, 3000, 0.05)])
def test_word_diff_gives_the_library_s_ops_on_generated_statements(seed, words, share):
    from benchmarks.bench_drafts import TextMaker, spread_edit

    maker = TextMaker(seed)
    old = maker.document(words)
    new, _, _ = spread_edit(old, share, maker)
    for a, b in ((old, new), (new, old)):
        assert word_diff(a, b, timeout_seconds=60).ops == _library_word_diff(a, b)


def test_the_texts_are_encoded_as_their_tokens_are():
    from statements.drafts.diffing import _encode, _encode_texts

    for old, new in TEXTS + [("a\nb\n\nb c\n", "b\na\n\nb c d\n\n"), ("x", "x\n"), ("\n\n", "")]:
        assert _encode_texts(old, new) == _encode(tokenize(old), tokenize(new))


def test_bisect_finds_the_library_s_middle_snake():
    from diff_match_patch import diff_match_patch

    from statements.drafts.diffing import _Differ

    rng = random.Random(7)
    for _ in range(300):
        alphabet = "ab \ncdefgh"[:rng.randint(2, 10)]
        old = "".join(rng.choice(alphabet) for _ in range(rng.choice([2, 40, 400])))
        new = list(old)
        for _ in range(rng.choice([1, 5, 40])):
            at = rng.randint(0, len(new))
            if new and at < len(new) and rng.random() < 0.5:
                del new[at]
            else:
                new.insert(at, rng.choice(alphabet))
        new = "".join(new)
        if len(old) < 2 or len(new) < 2:  # the library's bisect needs two characters a side
            continue
        assert _Differ().diff_bisect(old, new, float("inf")) == diff_match_patch().diff_bisect(old, new, float("inf"))
