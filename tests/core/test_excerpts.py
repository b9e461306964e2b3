"""Lists show a short excerpt of Markdown texts as a reader sees them: words, not `**` and `#` marks."""

import pytest

from statements.core.excerpts import plain_excerpt
from tests.talking_points.test_points import new_point_id, propose

MARKED = "# Why\n\n**Domestic workers** need _decent_ work: see [the report](https://example.org) and `C189`."


@pytest.mark.parametrize("text, length, excerpt", [
    (MARKED, 240, "Why Domestic workers need decent work: see the report and C189."),
    ("word " * 100, 30, "word word word word word word…"),
    ("x" * 100, 30, "x" * 29 + "…"),
    ("", 30, ""),
    (None, 30, ""),
    ("- one\n- two\n\n> quoted", 240, "one two quoted"),
    ("![a map of the region](map.png)", 240, "a map of the region"),
    ("*" * 5000 + "[" * 5000, 40, ("*" * 5000)[:39] + "…"),  # too costly to read: the text, cut
])
def test_an_excerpt_is_the_words_cut_at_a_word(text, length, excerpt):
    assert plain_excerpt(text, length) == excerpt


def test_the_talking_points_list_and_the_comment_list_show_words_not_marks(app, client, world):
    client.login(world.emails["member"])
    new_point_id(propose(client, world, body=MARKED))
    points = client.get(f"/groups/{world.group_id}/points").get_data(as_text=True)
    assert "Why Domestic workers need decent work: see the report and C189." in points
    assert "**Domestic" not in points

    response = client.submit(f"/statements/{world.statement_id}/threads/new", {"body": "**Shorter** title, _please_."})
    assert response.status_code == 302
    threads = client.get(f"/statements/{world.statement_id}/threads").get_data(as_text=True)
    assert "Shorter title, please." in threads and "**Shorter**" not in threads
