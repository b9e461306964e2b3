"""Comparing two revisions, word by word, inline and side by side."""

import re

import pytest

from statements.accounts.models import User, WorkingGroup
from statements.extensions import db
from tests.factories import make_statement

PARAGRAPHS = [f"Paragraph {n} explains one demand of the coalition." for n in range(1, 21)]


@pytest.fixture
def long_history(app, world):
    """A statement of 20 paragraphs with 30 revisions: revision n + 1 says "demand n" in paragraph n % 20 + 1."""
    texts, paragraphs = [], list(PARAGRAPHS)
    texts.append("\n\n".join(paragraphs))
    for n in range(1, 30):
        index = n % 20
        paragraphs[index] = f"Paragraph {index + 1} explains demand {n} of the coalition."
        texts.append("\n\n".join(paragraphs))
    with app.app_context():
        author = db.session.get(User, world.user_ids["coordinator"])
        statement = make_statement(author, db.session.get(WorkingGroup, world.group_id), "Long history", texts)
        db.session.commit()
        return statement.id, texts


def compare(client, statement_id, **args):
    query = "&".join(f"{k.rstrip('_')}={v}" for k, v in args.items())
    return client.get(f"/statements/{statement_id}/compare?{query}")


def counts(page: str) -> tuple[int, int]:
    """Return the (words added, words removed) the page states."""
    found = re.search(r"([\d,]+) words? added</strong>, <strong[^>]*>([\d,]+) words? removed", page)
    assert found, "no word counts on the page"
    return int(found.group(1).replace(",", "")), int(found.group(2).replace(",", ""))


def shown_words(page: str, tag: str) -> str:
    """Return the words the page marks as added (ins) or removed (del), in order."""
    return " ".join(" ".join(re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.S)).split())


def test_compare_marks_added_and_removed_words_and_counts_them(client, world):
    client.login(world.emails["observer"])
    page = compare(client, world.statement_id, from_=1, to=2).get_data(as_text=True)
    assert "Revision 1 → revision 2" in page
    added, removed = counts(page)
    assert "legal" in shown_words(page, "ins") and "now" in shown_words(page, "ins")
    assert added - removed == 2  # two words more
    assert "need" not in shown_words(page, "ins") + shown_words(page, "del")


def test_compare_without_arguments_shows_the_last_change(client, world):
    client.login(world.emails["observer"])
    page = client.get(f"/statements/{world.statement_id}/compare").get_data(as_text=True)
    assert "Revision 1 → revision 2" in page
    assert "legal" in shown_words(page, "ins")


def test_side_by_side_puts_the_old_words_left_and_the_new_words_right(client, world):
    client.login(world.emails["observer"])
    page = compare(client, world.statement_id, from_=1, to=2, view="side").get_data(as_text=True)
    assert '<table class="diff diff-side">' in page
    assert "<th scope=\"col\">Revision 1</th><th scope=\"col\">Revision 2</th>" in page
    row = page.split('<tr class="diff-changed">', 1)[1].split("</tr>", 1)[0]
    left, right = row.split("</td><td")
    assert "<ins>" not in left and "legal" not in left
    assert "<ins>" in right and "legal" in right


def test_unchanged_stretches_are_folded(client, world, long_history):
    statement_id, texts = long_history
    client.login(world.emails["observer"])
    page = compare(client, statement_id, from_=1, to=2, view="inline").get_data(as_text=True)
    assert "one" in shown_words(page, "del") and "1" in shown_words(page, "ins")  # "one demand" -> "demand 1"
    assert "… 17 unchanged paragraphs …" in page
    assert "Paragraph 1 explains" in page and "Paragraph 3 explains" in page  # context around the change
    assert "Paragraph 15 explains" not in page  # folded away


def test_comparing_the_first_and_the_thirtieth_revision(client, world, long_history):
    statement_id, texts = long_history
    client.login(world.emails["observer"])
    for view in ("inline", "side"):
        response = compare(client, statement_id, from_=1, to=30, view=view)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Revision 1 → revision 30" in page
        added, removed = counts(page)
        assert added == removed and 20 <= added <= 40  # in each of the 20 paragraphs: "one demand" -> "demand n"
        words = re.sub(r"<[^>]+>", "", page)
        assert "demand 29" in words and "demand 20" in words and "demand 9 " not in words


def test_comparing_backwards_swaps_what_is_added_and_removed(client, world):
    client.login(world.emails["observer"])
    forwards = counts(compare(client, world.statement_id, from_=1, to=2).get_data(as_text=True))
    page = compare(client, world.statement_id, from_=2, to=1).get_data(as_text=True)
    assert "Revision 2 → revision 1" in page
    assert counts(page) == (forwards[1], forwards[0])
    assert "legal" in shown_words(page, "del") and "legal" not in shown_words(page, "ins")


def test_comparing_two_revisions_with_the_same_text_says_so(client, world):
    client.login(world.emails["member"])
    client.submit(f"/statements/{world.statement_id}/revisions/1/restore")
    page = compare(client, world.statement_id, from_=1, to=3).get_data(as_text=True)
    assert "The two revisions have the same text." in page
    assert "0 words added" in page and "0 words removed" in page


# "%00" is refused before any page, as every NUL is: tests/core/test_nul_characters.py
@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "1e3", "0x2", "²", "½", "9999999999", "1%202"])
def test_a_revision_argument_that_is_not_a_number_is_refused_with_a_message(client, world, value):
    client.login(world.emails["observer"])
    for args in ({"from_": value, "to": 2}, {"from_": 1, "to": value}):
        response = compare(client, world.statement_id, **args)
        assert response.status_code == 400, args
        assert "is not a revision number. Choose revisions from the history." in response.get_data(as_text=True)


@pytest.mark.parametrize("args", [{"from_": 1, "to": 3}, {"from_": 0, "to": 2}, {"from_": 30, "to": 1}])
def test_a_revision_this_statement_does_not_have_is_a_404_with_a_message(client, world, long_history, args):
    client.login(world.emails["observer"])  # 30 exists in the long history, not in this statement
    response = compare(client, world.statement_id, **args)
    assert response.status_code == 404
    assert "It has revisions 1 to 2." in response.get_data(as_text=True)


def test_a_total_rewrite_compares_line_by_line_and_says_so(app, client, world, monkeypatch):
    from statements.drafts import services

    old = "\n".join(f"Line {n} of the first text, words {n * 7} {n * 11}." for n in range(400))
    new = "\n".join(f"Zeile {n} ganz anders geschrieben, Wörter {n * 13} {n * 17}!" for n in range(400))
    with app.app_context():
        author = db.session.get(User, world.user_ids["coordinator"])
        statement = make_statement(author, db.session.get(WorkingGroup, world.group_id), "Rewrite", [old, new])
        db.session.commit()
        statement_id = statement.id
    original = services.compare
    monkeypatch.setattr(services, "compare", lambda s, f, t, timeout_seconds=1.0: original(s, f, t, 0.001))
    client.login(world.emails["observer"])
    page = compare(client, statement_id, from_=1, to=2).get_data(as_text=True)
    assert "shown line by line rather than word by word" in page
    assert "Zeile 399 ganz anders" in page


@pytest.mark.parametrize("old, new, expected", [
    ("People displaced by climate change need protection.",
     "People displaced by climate change need legal protection now.", (2, 0)),
    ("Paragraph 2 explains one demand of the coalition.", "Paragraph 2 explains demand 1 of the coalition.", (1, 1)),
])
def test_word_counts_count_only_the_words_that_changed(app, client, world, old, new, expected):
    with app.app_context():
        author = db.session.get(User, world.user_ids["coordinator"])
        statement = make_statement(author, db.session.get(WorkingGroup, world.group_id), "Counts", [old, new])
        db.session.commit()
        statement_id = statement.id
    client.login(world.emails["observer"])
    assert counts(compare(client, statement_id, from_=1, to=2).get_data(as_text=True)) == expected


def test_the_changes_are_shown_as_readers_see_the_text_by_default(client, world, long_history):
    """Headings, lists and emphasis rendered, added words in <ins>, removed ones in <del>; far from a change,
    unchanged paragraphs fold into a <details> a click opens (no script needed)."""
    statement_id, texts = long_history
    client.login(world.emails["observer"])
    page = compare(client, statement_id, from_=1, to=2).get_data(as_text=True)
    assert '<option value="rendered" selected>As readers see it</option>' in page
    article = page.split('class="statement-text card diff-rendered"', 1)[1].split("</article>", 1)[0]
    assert "one" in shown_words(article, "del") and "1" in shown_words(article, "ins")
    assert "**" not in article and "<p>" in article
    assert '<details class="diff-fold"><summary>… 17 unchanged paragraphs …</summary>' in article
    assert "Paragraph 1 explains" in article.split("<details", 1)[0]  # the change's neighbour, outside the fold
    source = compare(client, statement_id, from_=1, to=2, view="inline").get_data(as_text=True)
    assert 'class="diff diff-inline"' in source and "diff-rendered" not in source


def test_a_member_sees_what_changed_since_their_last_visit(app, make_client, world, long_history):
    statement_id, texts = long_history
    member = make_client()
    member.login(world.emails["member"])
    first = member.get(f"/statements/{statement_id}").get_data(as_text=True)
    assert "Changed since you last read it" not in first  # the first visit: nothing to compare with
    with app.app_context():
        from statements.accounts.models import User
        from statements.drafts import services
        from statements.drafts.models import Statement
        from statements.extensions import db

        statement = db.session.get(Statement, statement_id)
        seen = statement.latest_number
        author = db.session.get(User, world.user_ids["coordinator"])
        for extra in (1, 2):
            text = services.current_text(statement) + f"\n\nA new paragraph {extra}."
            services.save_revision(author, statement, statement.latest_number, text, f"Addition {extra}")
        db.session.commit()
    again = member.get(f"/statements/{statement_id}").get_data(as_text=True)
    assert f"Changed since you last read it, in 2 revisions up to revision {seen + 2}." in again
    assert f'href="/statements/{statement_id}/compare?from={seen}&amp;to={seen + 2}"' in again
    changes = member.get(f"/statements/{statement_id}/compare?from={seen}&to={seen + 2}").get_data(as_text=True)
    assert "<p><ins>A new paragraph 1.</ins></p>" in changes and "<p><ins>A new paragraph 2.</ins></p>" in changes
    assert "Changed since you last read it" not in member.get(f"/statements/{statement_id}").get_data(as_text=True)
    with app.app_context():
        from statements.drafts.models import StatementRead

        read = db.session.get(StatementRead, (world.user_ids["member"], statement_id))
        assert read.revision_number == seen + 2
        first_read_at = read.read_at
    member.get(f"/statements/{statement_id}")  # nothing new to read: the row is left as it is
    with app.app_context():
        assert db.session.get(StatementRead, (world.user_ids["member"], statement_id)).read_at == first_read_at
