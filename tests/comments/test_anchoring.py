"""Finding a commented passage again in a new revision: pure functions, no Flask."""

from statements.comments.anchoring import (
    EXACT, FUZZY, REMOVED, FUZZY_THRESHOLD, Anchor, anchor_at, place, place_all,
)
from statements.drafts.diffing import word_diff

OLD = ("Climate change already forces people from their homes.\n\n"
       "We demand legal protection for everyone displaced by disasters.\n\n"
       "States must open regular pathways before the next flood.")


def anchor_on(text: str, quote: str, occurrence: int = 0) -> Anchor:
    """Anchor the n-th occurrence of quote in text, as a reader selecting it would."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return anchor_at(text, start, start + len(quote))


def words_at(text: str, placement) -> str:
    return text[placement.anchor.position:placement.anchor.position + len(placement.anchor.quote)]


def test_a_passage_stays_exact_when_the_text_around_it_moves():
    anchor = anchor_on(OLD, "legal protection")
    new = "A new opening line.\n\n" + OLD.replace("Climate change already", "Climate change now")

    [placement] = place_all([anchor], OLD, new)

    assert placement.status == EXACT
    assert placement.similarity == 1.0
    assert placement.anchor.position == new.index("legal protection") != anchor.position
    assert words_at(new, placement) == "legal protection"
    assert placement.anchor.prefix.endswith("We demand ")  # the context is taken again from the new text


def test_the_context_chooses_between_repeated_quotes():
    old = "Displaced people need legal protection.\n\nMigrant workers need legal protection."
    anchor = anchor_on(old, "legal protection", occurrence=1)  # the workers' one
    new = "Migrant workers need legal protection.\n\nDisplaced people need legal protection."

    placement = place(anchor, new)

    # nearest to the old position would be the displaced people's sentence; the context says otherwise
    assert placement.status == EXACT
    assert placement.anchor.position == new.index("legal protection")
    assert new[:placement.anchor.position].endswith("Migrant workers need ")


def test_with_equal_context_the_repeat_nearest_the_old_place_wins():
    old = "Protection now. Protection now. Protection now."
    anchor = Anchor("Protection now.", "", "", old.rindex("Protection now."))
    assert place(anchor, old).anchor.position == old.rindex("Protection now.")


def test_a_passage_moved_to_another_paragraph_is_still_found_exactly():
    anchor = anchor_on(OLD, "legal protection for everyone displaced")
    first, second, third = OLD.split("\n\n")
    new = "\n\n".join([third + " We demand legal protection for everyone displaced by disasters.", first])

    [placement] = place_all([anchor], OLD, new)

    assert placement.status == EXACT
    assert words_at(new, placement) == "legal protection for everyone displaced"
    assert placement.anchor.position > new.index("flood.")


def test_an_edited_passage_is_found_close_by_with_a_similarity():
    anchor = anchor_on(OLD, "legal protection for everyone displaced")
    new = OLD.replace("legal protection for everyone displaced", "legal protection for all people displaced")

    [placement] = place_all([anchor], OLD, new)

    assert placement.status == FUZZY
    assert FUZZY_THRESHOLD <= placement.similarity < 1
    assert words_at(new, placement) == placement.anchor.quote
    assert placement.anchor.quote == "legal protection for all people displaced"


def test_a_deleted_passage_is_reported_removed():
    anchor = anchor_on(OLD, "legal protection")
    new = OLD.replace("We demand legal protection for everyone displaced by disasters.\n\n", "")

    [placement] = place_all([anchor], OLD, new)

    assert placement == placement.__class__(REMOVED, None, 0.0)


def test_a_passage_rewritten_beyond_recognition_is_removed_not_matched_to_other_words():
    anchor = anchor_on(OLD, "legal protection for everyone displaced")
    new = OLD.replace("legal protection for everyone displaced", "a seat at every table where decisions get made")

    [placement] = place_all([anchor], OLD, new)

    assert placement.status == REMOVED


def test_many_anchors_placed_with_one_diff_agree_with_placing_each_alone():
    anchors = [
        anchor_on(OLD, "Climate change already"),  # stays
        anchor_on(OLD, "legal protection for everyone displaced"),  # edited
        anchor_on(OLD, "regular pathways"),  # deleted
        anchor_on(OLD, "next flood"),  # stays, shifted
        anchor_on(OLD, "homes"),  # edited beyond recognition
    ]
    new = ("Intro.\n\nClimate change already forces people from their houses.\n\n"
           "We demand legal protection for all people displaced by disasters.\n\n"
           "States must act before the next flood.")
    ops = word_diff(OLD, new).ops

    together = place_all(anchors, OLD, new)

    assert together == [place_all([anchor], OLD, new)[0] for anchor in anchors]
    assert together == [place(anchor, new, ops) for anchor in anchors]
    assert [p.status for p in together] == [EXACT, FUZZY, REMOVED, EXACT, REMOVED]


def test_characters_outside_the_basic_plane_do_not_shift_the_passage():
    old = "Floods 🌊🌊 and fires 🔥 displace 𝒩 people.\n\nWe ask for 🏠 homes and 𠜎 protection now."
    anchor = anchor_on(old, "🏠 homes and 𠜎 protection")
    moved = "🌍🌍🌍 A new line with 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n\n" + old
    edited = old.replace("🏠 homes and 𠜎 protection", "🏠 homes and 𠜎 real protection")

    exact = place_all([anchor], old, moved)[0]
    fuzzy = place_all([anchor], old, edited)[0]

    assert exact.status == EXACT
    assert words_at(moved, exact) == "🏠 homes and 𠜎 protection"
    assert fuzzy.status == FUZZY
    assert words_at(edited, fuzzy) == "🏠 homes and 𠜎 real protection"
    assert fuzzy.anchor.prefix.endswith("We ask for ")


def test_arabic_text_is_placed_exactly_and_fuzzily():
    old = "تغير المناخ يهجّر الناس من بيوتهم.\n\nنطالب بالحماية القانونية لكل النازحين بسبب الكوارث."
    anchor = anchor_on(old, "بالحماية القانونية لكل النازحين")
    moved = "مقدمة جديدة.\n\n" + old
    edited = old.replace("لكل النازحين", "لجميع النازحين")

    exact = place_all([anchor], old, moved)[0]
    fuzzy = place_all([anchor], old, edited)[0]

    assert exact.status == EXACT
    assert words_at(moved, exact) == "بالحماية القانونية لكل النازحين"
    assert fuzzy.status == FUZZY
    assert FUZZY_THRESHOLD <= fuzzy.similarity < 1
    assert words_at(edited, fuzzy) == "بالحماية القانونية لجميع النازحين"


def _long_text(paragraphs: int) -> str:
    return "\n\n".join(f"Paragraph {n} says that people displaced by floods number {n * 7} in region {n}."
                       for n in range(paragraphs))


def test_placing_many_diffs_only_between_the_passages_that_still_stand_and_agrees_with_a_whole_diff():
    old = _long_text(200)
    new = old.replace("Paragraph 3 says", "Paragraph 3 now says, after a long new clause about rivers,")
    new = new.replace("number 700 in region 100", "number nearly 700 in the region called 100")
    new = new.replace("Paragraph 150 says that people displaced", "Paragraph 150 says that those displaced")
    quotes = [("region 2", 0), ("displaced by floods number 700 in region 100", 0),
              ("Paragraph 150 says that people displaced", 0), ("region 199", 0), ("region 1", 0)]
    anchors = [anchor_on(old, quote, n) for quote, n in quotes]
    whole = word_diff(old, new).ops

    together = place_all(anchors, old, new)

    assert together == [place(anchor, new, whole) for anchor in anchors]
    assert [p.status for p in together] == [EXACT, FUZZY, FUZZY, EXACT, EXACT]
    assert words_at(new, together[1]).startswith("displaced by floods number nearly 700")


def test_a_repeated_passage_is_found_where_the_text_before_it_moved_it():
    old = "Protect people who move. " * 3 + "The end."
    anchor = anchor_on(old, "Protect people who move.", 1)
    new = "A new opening sentence. " + old

    placement = place_all([anchor_on(old, "The end."), anchor], old, new)[1]

    assert placement.status == EXACT
    assert placement.anchor.position == anchor.position + len("A new opening sentence. ")


def test_passages_that_swapped_places_are_still_placed():
    old = "First part about rivers.\n\nSecond part about coasts.\n\nThird part about wording to change."
    new = "Second part about coasts.\n\nFirst part about rivers.\n\nThird part about wording we changed."
    anchors = [anchor_on(old, "First part about rivers."), anchor_on(old, "Second part about coasts."),
               anchor_on(old, "Third part about wording to change.")]

    placements = place_all(anchors, old, new)

    assert [p.status for p in placements[:2]] == [EXACT, EXACT]
    assert placements[2] == place(anchors[2], new, word_diff(old, new).ops)
