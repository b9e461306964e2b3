"""Before a text is made final with threads still open, and before a statement is published, the coordinator
is shown what will happen and asked to go on."""

import pytest
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.comments import services as comments
from statements.comments.models import Thread
from statements.drafts.models import Statement, Transition
from statements.extensions import db
from statements.signons import services as signons
from tests.export.build import open_statement, sign
from tests.signons.pages import plain


def text_of(response) -> str:
    return plain(response.get_data(as_text=True))


def steps(app, statement_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Transition)
                                 .where(Transition.statement_id == statement_id))


def state(app, statement_id: int) -> str:
    with app.app_context():
        return db.session.get(Statement, statement_id).state


@pytest.fixture
def coordinator(client, world):
    client.login(world.emails["coordinator"])
    return client


def test_freezing_with_an_open_thread_lists_it_and_waits(app, coordinator, world):
    response = coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    words = text_of(response)
    assert "Freeze revision 2 as final?" in words
    assert "1 comment thread is still open. Once the text is final, nobody can change it to answer it." in words
    assert f'href="/threads/{world.thread_id}"' in page
    assert "Should this say legal?" in words  # the thread's first comment, as plain text
    assert 'name="confirmed" value="yes"' in page and "Go back to the threads" in words
    assert state(app, world.statement_id) == "draft" and steps(app, world.statement_id) == 0
    going_on = coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})
    assert going_on.status_code == 302
    assert state(app, world.statement_id) == "final"
    # pressed twice: the second is told the text is final already, and nothing more is recorded
    again = coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})
    assert again.status_code == 409 and steps(app, world.statement_id) == 1


def test_without_open_threads_freezing_goes_ahead_at_once(app, coordinator, world):
    with app.app_context():
        comments.resolve(db.session.get(User, world.user_ids["coordinator"]),
                                db.session.get(Thread, world.thread_id))
        db.session.commit()
    response = coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final"})
    assert response.status_code == 302 and state(app, world.statement_id) == "final"


@pytest.mark.parametrize("role, status", [("member", 403), ("observer", 403), ("outsider", 404)])
def test_those_who_may_not_freeze_are_refused_confirmed_or_not(app, client, world, role, status):
    client.login(world.emails[role])
    for data in ({"to": "final"}, {"to": "final", "confirmed": "yes"}, {"to": "published", "confirmed": "yes"}):
        assert client.submit(f"/statements/{world.statement_id}/transition", data).status_code == status
    assert state(app, world.statement_id) == "draft"


@pytest.fixture
def closed(app, world):
    """A statement whose sign-on is closed, with a named, a country-only and an unnamed signatory."""
    with app.app_context():
        statement = open_statement(world, title="Protection for people who move")
        sign(world, statement, "Red de Mujeres Migrantes", contact_email="maria@private-mail.example")
        sign(world, statement, "Quiet Shelter", country="KE", visibility="country",
             contact_email="quiet@private-mail.example")
        sign(world, statement, "Hidden Union", country="MX", visibility="anonymous",
             contact_email="hidden@private-mail.example")
        signons.close_signon(db.session.get(User, world.user_ids["coordinator"]), statement)
        db.session.commit()
        return statement.id


def test_publishing_shows_what_becomes_public_first(app, coordinator, closed):
    page = coordinator.get(f"/statements/{closed}")
    assert f'href="/statements/{closed}/publish"' in page.get_data(as_text=True)
    # a press of the old button, or a form sent by hand, lands on the preview too
    pressed = coordinator.submit(f"/statements/{closed}/transition", {"to": "published"})
    assert pressed.status_code == 302 and pressed.headers["Location"].endswith(f"/statements/{closed}/publish")
    assert state(app, closed) == "signon_closed"
    preview = coordinator.get(f"/statements/{closed}/publish")
    assert preview.status_code == 200
    words = text_of(preview)
    assert "Publish this statement?" in words and "What the public will see" in words
    assert "Protection for people who move" in words and "A call on governments." in words
    assert "Governments must guarantee legal protection" in words
    assert "3 organizations have signed." in words and "1 of them is counted without being named." in words
    assert "Red de Mujeres Migrantes" in words
    assert "Quiet Shelter" not in words and "An organization in Kenya" in words  # as the public sees it
    assert "Hidden Union" not in words
    assert "private-mail.example" not in preview.get_data(as_text=True)
    assert coordinator.submit(f"/statements/{closed}/transition", {"to": "published", "confirmed": "yes"}) \
        .status_code == 302
    assert state(app, closed) == "published"
    after = coordinator.get(f"/statements/{closed}/publish")  # nothing left to publish: back to the statement
    assert after.status_code == 302


def test_a_list_kept_private_says_publishing_shows_it(app, coordinator, closed):
    with app.app_context():
        db.session.get(Statement, closed).signon_list_hidden = True
        db.session.commit()
    words = text_of(coordinator.get(f"/statements/{closed}/publish"))
    assert "The list of names has been kept private until now: publishing shows it." in words


def test_a_draft_has_nothing_to_preview(app, coordinator, world):
    response = coordinator.get(f"/statements/{world.statement_id}/publish")
    assert response.status_code == 302
    assert "it cannot be published from there" in text_of(coordinator.get(response.headers["Location"]))


@pytest.mark.parametrize("role, status", [("member", 403), ("observer", 403), ("outsider", 404)])
def test_only_coordinators_see_the_preview(client, world, closed, role, status):
    client.login(world.emails[role])
    assert client.get(f"/statements/{closed}/publish").status_code == status
