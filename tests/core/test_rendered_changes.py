"""Changes shown as readers see the text: formatted, added words in <ins>, removed ones in <del>, every
element well nested, and nothing a reader could type turning into a mark or a broken link."""

from html.parser import HTMLParser

import pytest

from statements.core.markdown import render_changes
from statements.drafts.diffing import word_diff


@pytest.fixture(autouse=True)
def _in_a_request(app):
    with app.test_request_context():
        yield


def changes(old: str, new: str) -> str:
    return str(render_changes(word_diff(old, new).ops))


class Nesting(HTMLParser):
    """Fail on an end tag that does not close the element open last."""

    VOID = {"br", "hr"}

    def __init__(self):
        super().__init__()
        self.open = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()


def well_nested(html: str) -> str:
    checker = Nesting()
    checker.feed(html)
    assert checker.open == []
    return html


def test_a_heading_a_paragraph_and_a_list_keep_their_kind():
    html = well_nested(changes("## Heading\n\nGovernments **must act** now.\n\n- one\n- two",
                               "## New heading\n\nGovernments **must act** today and now.\n\n- one\n- two\n- three"))
    assert "<h2><del>Heading</del><ins>New heading</ins></h2>" in html
    assert "<strong>must act</strong> <ins>today and </ins>now." in html
    assert "<li><ins>three</ins></li>" in html


def test_a_change_across_bold_words_is_marked_inside_and_outside_them():
    html = well_nested(str(render_changes([(0, "Say **this"), (1, " here** and that"), (0, " now.")])))
    assert "<strong>this<ins> here</ins></strong><ins> and that</ins> now." in html


def test_a_new_paragraph_is_marked_and_the_others_are_not():
    html = well_nested(changes("First.\n\nSecond.", "First.\n\nInserted here.\n\nSecond."))
    assert "<p><ins>Inserted here.</ins></p>" in html and "<p>First.</p>" in html and "<p>Second.</p>" in html


def test_removed_emphasis_marks_format_nothing():
    html = well_nested(changes("Plain **bold** end.", "Plain bold end."))
    assert "<strong>" not in html and "**" not in html and "Plain bold end." in html


def test_a_link_s_new_address_works_and_carries_no_mark():
    html = well_nested(changes("A [link](https://a.example) here.", "A [link](https://b.example) here."))
    assert '<a href="https://b.example"' in html


def test_a_changed_table_cell_is_marked_in_its_cell():
    html = well_nested(changes("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 | 3 |"))
    assert "<td><del>2</del><ins>3</ins></td>" in html


def test_the_marker_characters_typed_in_a_text_make_no_mark():
    html = well_nested(changes("x \ue004\ue005 y \ue006", "x \ue004\ue005 z \ue006"))
    assert html.count("<ins>") == 1 and html.count("<del>") == 1 and "\ue004" not in html


def test_a_text_with_too_much_markup_is_not_formatted():
    assert render_changes(word_diff("[" * 5000, "[" * 5001).ops) is None


def test_an_added_bold_paragraph_is_bold_and_marked():
    html = well_nested(changes("First.", "First.\n\n**No one should lose their rights.**"))
    assert "<p><strong><ins>No one should lose their rights.</ins></strong></p>" in html and "**" not in html
