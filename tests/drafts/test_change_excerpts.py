"""The changes of a diff as an email says them: each with a few words around it, not the whole text again."""

from statements.drafts.diffing import EXCERPT_CONTEXT_WORDS, changes_in_context, word_diff

FILLER = " ".join(f"word{number}" for number in range(60))
LATER = " ".join(f"later{number}" for number in range(60))


def excerpts(old: str, new: str, **limits):
    return changes_in_context(word_diff(old, new).ops, **limits)


def test_a_change_in_a_long_paragraph_is_shown_with_the_words_around_it():
    old = f"{FILLER} The fund must reach people who move. {LATER}\n\nAnother paragraph, untouched.\n"
    found = excerpts(old, old.replace("people who move.", "people who move, and those who host them."))
    assert found.total == 1
    [excerpt] = found.shown
    assert "The fund must reach people who move{+, and those who host them+}." in excerpt
    assert excerpt.startswith("… word") and excerpt.endswith("later10 …")
    assert len(excerpt.split()) <= 2 * EXCERPT_CONTEXT_WORDS + 10
    assert "word0 " not in excerpt and "later11" not in excerpt and "Another paragraph" not in excerpt


def test_context_stops_at_a_line_break_and_changes_close_together_make_one_excerpt():
    old = "First line stays.\nTwo words change here and here too.\nLast line stays.\n"
    found = excerpts(old, old.replace("Two words", "Three words").replace("here too", "there too"))
    assert found.shown == ["[-Two-]{+Three+} words change here and [-here-]{+there+} too."]


def test_changes_far_apart_are_excerpts_of_their_own_and_only_the_first_are_shown():
    paragraphs = [f"Paragraph {number} says {FILLER}." for number in range(40)]
    changed = [text.replace("says", "now says") for text in paragraphs]
    found = excerpts("\n\n".join(paragraphs), "\n\n".join(changed), limit=30)
    assert found.total == 40 and len(found.shown) == 30
    assert found.shown[0].startswith("Paragraph 0 {+now +}says") or found.shown[0].startswith("Paragraph 0{+ now+} says")


def test_changes_at_the_very_start_and_end_and_no_change_at_all():
    assert excerpts("a b c", "x b c").shown == ["[-a-]{+x+} b c"]
    assert excerpts("a b c", "a b x").shown == ["a b [-c-]{+x+}"]
    assert excerpts("", "new text").shown == ["{+new text+}"]
    assert excerpts("same text", "same text").total == 0


def test_a_long_addition_is_cut_short_and_changes_close_together_make_excerpts_of_a_readable_length():
    paragraph = " ".join(f"new{number}" for number in range(500))
    [excerpt] = excerpts("Start.\n\nEnd.\n", f"Start.\n\n{paragraph}\n\nEnd.\n").shown
    assert "new59 …+}" in excerpt and "new60" not in excerpt
    old = " ".join(f"w{number}" for number in range(2000))
    new = " ".join(f"W{number}" if number % 10 == 0 else f"w{number}" for number in range(2000))
    found = excerpts(old, new, limit=1000)
    assert found.total > 1 and max(len(e.split()) for e in found.shown) <= 150 + 2 * EXCERPT_CONTEXT_WORDS + 20
    assert sum(e.count("{+") for e in found.shown) == 200  # every change is in one excerpt or another
