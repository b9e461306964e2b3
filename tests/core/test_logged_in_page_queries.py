"""Each page a member works in costs the same number of queries however many members, revisions
and threads a statement has: the page is built from a fixed set of queries, not one per row."""

import pytest

from statements.comments import services as comments
from statements.drafts import services as drafts
from statements.accounts.models import User, WorkingGroup
from statements.core.policy import Role
from statements.drafts.models import Statement
from statements.extensions import db
from tests.factories import make_membership, make_organization, make_user


def _pages(world) -> dict[str, str]:
    statement = world.statement_id
    return {
        "home": "/",
        "group": f"/groups/{world.group_id}",
        "statement": f"/statements/{statement}",
        "history": f"/statements/{statement}/history",
        "compare": f"/statements/{statement}/compare?from=1&to=2",
        "threads": f"/statements/{statement}/threads",
        "thread": f"/threads/{world.thread_id}",
    }


def _queries(client, count_queries, path: str) -> int:
    client.get(path)  # the first visit fills caches that every later visit finds full
    with count_queries() as counted:
        answer = client.get(path)
    assert answer.status_code == 200, path
    return counted[0]


def _grow(app, world, times: int) -> None:
    """More members (each with an organization), more revisions, more threads with replies."""
    with app.app_context():
        group = db.session.get(WorkingGroup, world.group_id)
        statement = db.session.get(Statement, world.statement_id)
        people = []
        for number in range(times):
            person = make_user(name=f"Grown member {number}")
            person.organization = make_organization(name=f"Grown organization {number}")
            make_membership(person, group, Role.MEMBER)
            people.append(person)
        db.session.flush()
        for number, person in enumerate(people):
            text = drafts.current_text(statement) + f"\n\nParagraph {number} added by {person.display_name}."
            drafts.save_revision(person, statement, statement.latest_number, text, f"Growth {number}")
            thread = comments.open_thread(person, statement, f"A point about paragraph {number}.",
                                          f"Paragraph {number}", statement.latest_number, text)
            comments.reply(people[(number + 1) % len(people)], thread, f"A reply to point {number}.")
        main_thread = comments.threads_of(statement)[0]
        for person in people:
            comments.reply(person, main_thread, f"{person.display_name} agrees.")
        db.session.commit()


@pytest.mark.parametrize("page", ["home", "group", "statement", "history", "compare", "threads", "thread"])
def test_a_page_costs_the_same_queries_however_much_a_statement_holds(app, client, world, count_queries, page):
    client.login(world.emails["coordinator"])
    path = _pages(world)[page]
    _grow(app, world, 2)
    before = _queries(client, count_queries, path)
    _grow(app, world, 8)
    after = _queries(client, count_queries, path)
    assert after == before, f"{page}: {before} queries, then {after} with more members, revisions and threads"


def test_the_grown_pages_show_what_was_added(app, client, world):
    _grow(app, world, 3)
    client.login(world.emails["coordinator"])
    threads = client.get(_pages(world)["threads"]).get_data(as_text=True)
    assert "A point about paragraph 2." in threads
    history = client.get(_pages(world)["history"]).get_data(as_text=True)
    assert "Growth 2" in history
    thread = client.get(_pages(world)["thread"]).get_data(as_text=True)
    assert "Grown member 2 agrees." in thread
    with app.app_context():
        assert db.session.get(User, world.user_ids["coordinator"]) is not None
