"""Saving a statement's text: every save a revision, nothing saved twice, old revisions restored."""

import re

import pytest
from sqlalchemy import select

from statements.accounts.models import User, WorkingGroup
from statements.drafts.models import Revision
from statements.extensions import db
from tests.drafts.pages import (
    flashes, hidden, revision_count, stored_revision, stored_statement, stored_text, textarea,
)
from tests.factories import make_statement

LATEST = "People displaced by climate change need legal protection now."


def edit_url(world) -> str:
    return f"/statements/{world.statement_id}/edit"


def test_the_edit_form_holds_the_latest_text_and_the_revision_it_starts_from(client, world):
    client.login(world.emails["member"])
    page = client.get(edit_url(world)).get_data(as_text=True)
    assert textarea(page) == LATEST
    assert hidden(page, "base") == "2"
    assert "You are editing from revision 2." in page


def test_a_save_is_a_new_revision_with_author_time_note_and_base(app, client, world):
    client.login(world.emails["member"])
    text = LATEST + "\n\nStates must open regular pathways."
    response = client.submit(edit_url(world), {"base": "2", "text": text, "note": "Added pathways"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved as revision 3." in flashes(page)
    assert "States must open regular pathways." in page
    assert "Revision 3 by Member Person" in page
    assert "“Added pathways”" in page
    revision = stored_revision(app, world.statement_id, 3)
    assert (revision["author_id"], revision["note"], revision["base_number"], revision["merged_onto_number"]) \
        == (world.user_ids["member"], "Added pathways", 2, None)
    assert revision["created_at"] > stored_revision(app, world.statement_id, 2)["created_at"]
    assert stored_statement(app, world.statement_id)["latest_number"] == 3
    assert stored_text(app, world.statement_id) == text
    assert stored_text(app, world.statement_id, 2) == LATEST  # the older revision is untouched


def test_saving_the_same_text_makes_no_revision_and_says_so(app, client, world):
    client.login(world.emails["member"])
    response = client.submit(edit_url(world), {"base": "2", "text": LATEST, "note": "No change"},
                             follow_redirects=True)
    assert "There was nothing to save: the text is the same as the latest revision." \
        in flashes(response.get_data(as_text=True))
    assert revision_count(app, world.statement_id) == 2


def test_preview_shows_the_rendered_text_without_saving(app, client, world):
    client.login(world.emails["member"])
    response = client.submit(edit_url(world), {"base": "2", "text": "# Heading\n\n*new* text", "note": "",
                                               "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview (not saved yet)" in page
    assert "<h1>Heading</h1>" in page and "<em>new</em>" in page
    assert textarea(page) == "# Heading\n\n*new* text"
    assert revision_count(app, world.statement_id) == 2


def test_a_text_over_the_limit_is_refused_by_the_field_and_kept_in_the_form(app, client, world):
    client.login(world.emails["member"])
    too_long = LATEST + " " + "x" * (200_001 - len(LATEST) - 1)
    assert len(too_long) == 200_001
    response = client.submit(edit_url(world), {"base": "2", "text": too_long, "note": "Long"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The text is 200,001 characters long; the limit is 200,000. Split it or shorten it." in page
    assert 'id="text-error"' in page
    assert textarea(page) == too_long
    assert revision_count(app, world.statement_id) == 2


def test_a_text_at_the_limit_in_arabic_is_saved(app, client, world):
    client.login(world.emails["member"])
    sentence = "نطالب بالحماية القانونية للنازحين بسبب تغير المناخ. "
    text = (sentence * (200_000 // len(sentence) + 1))[:200_000]
    response = client.submit(edit_url(world), {"base": "2", "text": text, "note": "بالعربية"})
    assert response.status_code == 302
    assert stored_text(app, world.statement_id) == text


def test_a_note_over_the_limit_is_refused_by_the_field(app, client, world):
    client.login(world.emails["member"])
    response = client.submit(edit_url(world), {"base": "2", "text": LATEST + " More.", "note": "n" * 201})
    assert response.status_code == 400
    assert "Use at most 200 characters." in response.get_data(as_text=True)
    assert textarea(response.get_data(as_text=True)) == LATEST + " More."
    assert revision_count(app, world.statement_id) == 2


def test_restoring_an_old_revision_makes_a_new_revision_with_its_text(app, client, world):
    client.login(world.emails["member"])
    response = client.submit(f"/statements/{world.statement_id}/revisions/1/restore")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Revision 1 is restored as revision 3." in flashes(page)
    revision = stored_revision(app, world.statement_id, 3)
    assert (revision["note"], revision["restored_from_number"], revision["author_id"]) \
        == ("Restored revision 1", 1, world.user_ids["member"])
    assert stored_text(app, world.statement_id) == stored_text(app, world.statement_id, 1)
    assert stored_text(app, world.statement_id, 2) == LATEST  # history is not rewritten


def test_restoring_a_revision_with_the_latest_text_saves_nothing(app, client, world):
    client.login(world.emails["member"])
    client.submit(f"/statements/{world.statement_id}/revisions/1/restore")
    response = client.submit(f"/statements/{world.statement_id}/revisions/1/restore", follow_redirects=True)
    assert "Revision 1 has the same text as the latest revision; nothing to restore." \
        in flashes(response.get_data(as_text=True))
    assert revision_count(app, world.statement_id) == 3


def test_observers_cannot_restore(app, client, world):
    client.login(world.emails["observer"])
    assert client.submit(f"/statements/{world.statement_id}/revisions/1/restore").status_code == 403
    assert revision_count(app, world.statement_id) == 2


@pytest.mark.parametrize("number", ["3", "0", "999", "99999999999999999999"])
def test_a_revision_that_does_not_exist_is_a_clear_404(app, client, world, number):
    client.login(world.emails["member"])
    for response in (client.get(f"/statements/{world.statement_id}/revisions/{number}"),
                     client.submit(f"/statements/{world.statement_id}/revisions/{number}/restore")):
        page = response.get_data(as_text=True)
        assert response.status_code == 404
        assert f"This statement has no revision {number}. It has revisions 1 to 2." in page
    assert revision_count(app, world.statement_id) == 2


def test_a_revision_page_shows_its_text_author_and_note(client, world):
    client.login(world.emails["observer"])
    page = client.get(f"/statements/{world.statement_id}/revisions/1").get_data(as_text=True)
    assert "Revision 1 of 2" in page
    assert "People displaced by climate change need protection." in page
    assert "Coordinator Person" in page and "“First draft”" in page
    assert "Restore this revision" not in page  # observers cannot


@pytest.fixture
def thirty(app, world):
    """A statement with 30 revisions, whose text n is "Text n." """
    with app.app_context():
        author = db.session.get(User, world.user_ids["coordinator"])
        group = db.session.get(WorkingGroup, world.group_id)
        statement = make_statement(author, group, "Thirty revisions", [f"Text {n}." for n in range(1, 31)])
        db.session.commit()
        return statement.id


def history_numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="to" value="(\d+)"', page)]


def test_the_history_shows_25_revisions_a_page_newest_first(client, world, thirty):
    client.login(world.emails["observer"])
    first = client.get(f"/statements/{thirty}/history").get_data(as_text=True)
    assert history_numbers(first) == list(range(30, 5, -1))
    assert "Page 1 of 2" in first
    assert f'href="/statements/{thirty}/history?page=2"' in first
    second = client.get(f"/statements/{thirty}/history?page=2").get_data(as_text=True)
    assert history_numbers(second) == [5, 4, 3, 2, 1]
    assert "Page 2 of 2" in second
    assert "Coordinator Person" in second and "First draft" in second and "Edit 4" in second
    assert history_numbers(client.get(f"/statements/{thirty}/history?page=3").get_data(as_text=True)) == []
    assert client.get(f"/statements/{thirty}/history?page=abc").status_code == 200


def test_every_revision_of_a_long_history_is_rebuilt_exactly(app, client, world, thirty):
    client.login(world.emails["observer"])
    for number in (1, 19, 20, 21, 22, 30):
        page = client.get(f"/statements/{thirty}/revisions/{number}?marks=off").get_data(as_text=True)
        assert f"<p>Text {number}.</p>" in page
        if number > 1:  # with what it changed marked
            marked = client.get(f"/statements/{thirty}/revisions/{number}").get_data(as_text=True)
            assert f"<p>Text <del>{number - 1}</del><ins>{number}</ins>.</p>" in marked
    with app.app_context():
        notes = db.session.scalars(select(Revision.note).where(Revision.statement_id == thirty)
                                   .order_by(Revision.number)).all()
    assert notes == ["First draft"] + [f"Edit {n}" for n in range(1, 30)]
