"""Three-way merge of two saves made from the same revision."""

from statements.drafts.merging import Edit, apply_edits, edits_between, three_way_merge

BASE = ("# Climate displacement\n\n"
        "People displaced by climate change need protection.\n\n"
        "States must open regular pathways.\n\n"
        "We call on governments to act now.\n")


def test_edits_between_are_in_the_base_coordinates_and_rebuild_the_change():
    changed = BASE.replace("need protection", "need legal protection").replace("act now", "act")
    edits = edits_between(BASE, changed)
    assert apply_edits(BASE, edits) == changed
    for edit in edits:
        assert 0 <= edit.start <= edit.end <= len(BASE)


def test_changes_that_do_not_touch_are_both_applied():
    mine = BASE.replace("need protection", "need legal protection")
    theirs = BASE.replace("act now", "act without delay")
    merge = three_way_merge(BASE, mine, theirs)
    assert merge.clean
    assert merge.text == BASE.replace("need protection", "need legal protection").replace("act now",
                                                                                          "act without delay")


def test_merge_is_the_same_whichever_side_saved_first():
    mine = BASE.replace("# Climate displacement", "# Climate displacement and protection")
    theirs = BASE.replace("regular pathways", "safe and regular pathways")
    assert three_way_merge(BASE, mine, theirs).text == three_way_merge(BASE, theirs, mine).text


def test_a_deleted_paragraph_and_an_edit_elsewhere_merge():
    mine = BASE.replace("States must open regular pathways.\n\n", "")
    theirs = BASE.replace("We call on", "We urgently call on")
    merge = three_way_merge(BASE, mine, theirs)
    assert merge.clean
    assert "regular pathways" not in merge.text
    assert "We urgently call on" in merge.text


def test_changes_to_the_same_words_conflict():
    mine = BASE.replace("need protection", "need legal protection")
    theirs = BASE.replace("need protection", "need urgent protection")
    merge = three_way_merge(BASE, mine, theirs)
    assert not merge.clean
    assert merge.text is None
    assert len(merge.conflicts) == 1


def test_overlapping_changes_conflict():
    mine = BASE.replace("regular pathways", "safe routes")
    theirs = BASE.replace("must open regular", "shall open lawful")
    assert not three_way_merge(BASE, mine, theirs).clean


def test_changes_to_neighbouring_words_merge_when_the_stretches_do_not_overlap():
    mine = BASE.replace("regular pathways", "regular and safe routes")
    theirs = BASE.replace("must open regular", "shall open lawful")
    merge = three_way_merge(BASE, mine, theirs)
    assert merge.clean
    assert "States shall open lawful and safe routes." in merge.text


def test_insertions_at_the_same_place_conflict():
    mine = BASE.replace("act now.", "act now. Today.")
    theirs = BASE.replace("act now.", "act now. Together.")
    assert not three_way_merge(BASE, mine, theirs).clean


def test_a_deletion_against_an_edit_inside_it_conflicts():
    mine = BASE.replace("States must open regular pathways.\n\n", "")
    theirs = BASE.replace("regular pathways", "regular, safe pathways")
    assert not three_way_merge(BASE, mine, theirs).clean


def test_the_same_change_made_on_both_sides_merges_once():
    both = BASE.replace("need protection", "need legal protection")
    merge = three_way_merge(BASE, both, both)
    assert merge.clean and merge.text == both


def test_a_shared_change_plus_one_of_my_own_merges():
    theirs = BASE.replace("need protection", "need legal protection")
    mine = theirs.replace("act now", "act this year")
    merge = three_way_merge(BASE, mine, theirs)
    assert merge.clean
    assert merge.text == mine
    assert merge.text.count("legal") == 1


def test_one_side_unchanged_gives_the_other_side():
    theirs = BASE.replace("act now", "act")
    assert three_way_merge(BASE, BASE, theirs).text == theirs
    assert three_way_merge(BASE, theirs, BASE).text == theirs


def test_merges_text_in_other_scripts_and_emoji():
    base = "نطالب بالحماية.\nChúng tôi yêu cầu bảo vệ.\nWorkers 👩🏽‍🌾 first.\n"
    mine = base.replace("بالحماية", "بالحماية الآن")
    theirs = base.replace("Workers 👩🏽‍🌾", "Workers 👩🏽‍🌾 and families 🌍")
    merge = three_way_merge(base, mine, theirs)
    assert merge.clean
    assert merge.text == "نطالب بالحماية الآن.\nChúng tôi yêu cầu bảo vệ.\nWorkers 👩🏽‍🌾 and families 🌍 first.\n"


def test_edit_touching_rules():
    replace = Edit(5, 10, "x")
    assert replace.touches(Edit(8, 12, "y"))  # overlapping stretches
    assert not replace.touches(Edit(10, 12, "y"))  # adjacent replacements are independent
    assert replace.touches(Edit(10, 10, "y"))  # an insertion at its edge
    assert Edit(3, 3, "a").touches(Edit(3, 3, "b"))  # two insertions at one place
    assert not Edit(3, 3, "a").touches(Edit(4, 4, "b"))


def test_a_change_to_a_paragraph_merges_with_rewrites_of_the_paragraphs_around_it():
    base = ("Floods and droughts force many people from their homes every single year.\n\n"
            "We ask.\n\n"
            "States must open regular pathways for everyone displaced by disasters this decade.\n")
    theirs = ("Rising seas swallow coastal villages while storms grow stronger.\n\n"
              "We ask.\n\n"
              "Governments should guarantee safe routes and legal status to all who flee.\n")
    mine = base.replace("We ask.", "We demand.")
    merge = three_way_merge(base, mine, theirs)
    assert merge.clean
    assert merge.text == theirs.replace("We ask.", "We demand.")
