"""Moving a statement through its lifecycle: who may, what is recorded, and what freezing locks."""

import pytest
from sqlalchemy import select

from statements.audit.models import AuditEvent
from statements.drafts.models import Transition
from statements.extensions import db
from tests.drafts.pages import flashes, revision_count, stored_revision, stored_statement, stored_text

LATEST = "People displaced by climate change need legal protection now."


def move(client, world, to: str):
    return client.submit(f"/statements/{world.statement_id}/transition", {"to": to, "confirmed": "yes"})


def transitions(app, statement_id) -> list[tuple]:
    with app.app_context():
        return [(t.from_state, t.to_state, t.actor_id, t.revision_number) for t in db.session.scalars(
            select(Transition).where(Transition.statement_id == statement_id).order_by(Transition.id))]


def audit_actions(app, statement_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_type == "Statement", AuditEvent.subject_id == statement_id,
            AuditEvent.action != "statement.created").order_by(AuditEvent.id)))


def test_the_comment_period_opens_and_ends_and_each_step_is_recorded(app, client, world):
    client.login(world.emails["coordinator"])
    response = move(client, world, "comment_period")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The comment period is open: members are invited to comment." in flashes(page)
    assert "The comment period is open: read the draft and comment on it." in page
    assert stored_statement(app, world.statement_id)["state"] == "comment_period"
    page = client.get(move(client, world, "draft").headers["Location"]).get_data(as_text=True)
    assert "The statement is a draft again: members can edit it." in flashes(page)
    assert stored_statement(app, world.statement_id)["state"] == "draft"
    coordinator = world.user_ids["coordinator"]
    assert transitions(app, world.statement_id) == [("draft", "comment_period", coordinator, None),
                                                    ("comment_period", "draft", coordinator, None)]
    assert audit_actions(app, world.statement_id) == ["statement.comment_period", "statement.draft"]
    lifecycle = page.split("Lifecycle", 1)[1]
    assert "Coordinator Person moved it to <strong>comment period</strong>" in lifecycle
    assert "Coordinator Person moved it to <strong>draft</strong>" in lifecycle


@pytest.mark.parametrize("start", ["draft", "comment_period"])
def test_freezing_makes_the_latest_revision_final(app, client, world, start):
    client.login(world.emails["coordinator"])
    if start == "comment_period":
        move(client, world, "comment_period")
    response = move(client, world, "final")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Revision 2 is frozen as the final text." in flashes(page)
    assert "final text: revision 2" in page
    assert "moved it to <strong>final</strong> (revision 2)" in page
    stored = stored_statement(app, world.statement_id)
    assert stored["state"] == "final"
    assert stored["final_revision_id"] == stored_revision(app, world.statement_id, 2)["id"]
    assert transitions(app, world.statement_id)[-1] == (start, "final", world.user_ids["coordinator"], 2)
    assert audit_actions(app, world.statement_id)[-1] == "statement.final"
    history = client.get(f"/statements/{world.statement_id}/history").get_data(as_text=True)
    assert history.count("badge-accepted\">final</span>") == 1


@pytest.fixture
def frozen(client, world):
    client.login(world.emails["coordinator"])
    assert move(client, world, "final").status_code == 302
    client.submit("/logout")
    client.login(world.emails["member"])
    return client


def test_a_final_text_cannot_be_opened_for_editing(frozen, world):
    response = frozen.get(f"/statements/{world.statement_id}/edit")
    assert response.status_code == 302
    page = frozen.get(response.headers["Location"]).get_data(as_text=True)
    assert "This statement is final: its text is locked. A coordinator can reopen the draft if it must change." \
        in flashes(page)
    assert f'href="/statements/{world.statement_id}/edit"' not in page


def test_a_save_to_a_final_text_is_refused_and_nothing_is_stored(app, frozen, world):
    response = frozen.submit(f"/statements/{world.statement_id}/edit", {"base": "2", "text": "Changed after all",
                                                                         "note": "Sneaky"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This statement is final: its text is locked." in page
    assert "Changed after all</textarea>" in page  # what was typed is kept to copy
    assert 'value="save"' not in page
    assert revision_count(app, world.statement_id) == 2
    assert stored_text(app, world.statement_id) == LATEST


def test_restoring_into_a_final_text_is_refused_and_nothing_is_stored(app, frozen, world):
    response = frozen.submit(f"/statements/{world.statement_id}/revisions/1/restore")
    assert response.status_code == 403
    assert "This statement is final: its text is locked." in response.get_data(as_text=True)
    assert "Restore this revision" not in frozen.get(f"/statements/{world.statement_id}/revisions/1") \
        .get_data(as_text=True)
    assert revision_count(app, world.statement_id) == 2
    assert stored_text(app, world.statement_id) == LATEST


def test_a_talking_point_cannot_go_into_a_final_text(app, frozen, world):
    response = frozen.submit(f"/points/{world.point_id}/insert", {"statement_id": str(world.statement_id)})
    assert response.status_code == 403
    assert "This statement is final: its text is locked." in response.get_data(as_text=True)
    assert revision_count(app, world.statement_id) == 2


def test_reopening_allows_edits_again(app, client, frozen, world):
    frozen.submit("/logout")
    frozen.login(world.emails["coordinator"])
    page = frozen.get(move(frozen, world, "draft").headers["Location"]).get_data(as_text=True)
    assert "The statement is a draft again: members can edit it." in flashes(page)
    assert transitions(app, world.statement_id)[-1][:2] == ("final", "draft")
    frozen.submit("/logout")
    frozen.login(world.emails["member"])
    assert frozen.get(f"/statements/{world.statement_id}/edit").status_code == 200
    response = frozen.submit(f"/statements/{world.statement_id}/edit",
                             {"base": "2", "text": LATEST + " Reopened.", "note": "After reopening"})
    assert response.status_code == 302
    assert stored_text(app, world.statement_id) == LATEST + " Reopened."
    # freezing again makes the new latest revision final
    frozen.submit("/logout")
    frozen.login(world.emails["coordinator"])
    move(frozen, world, "final")
    assert stored_statement(app, world.statement_id)["final_revision_id"] == \
        stored_revision(app, world.statement_id, 3)["id"]


@pytest.mark.parametrize("role", ["member", "observer"])
def test_members_and_observers_cannot_move_a_statement(app, client, world, role):
    client.login(world.emails[role])
    for to in ("comment_period", "final"):
        assert move(client, world, to).status_code == 403
    page = client.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert "Freeze the latest revision as final" not in page
    assert stored_statement(app, world.statement_id)["state"] == "draft"
    assert transitions(app, world.statement_id) == []
    assert audit_actions(app, world.statement_id) == []


def test_staff_can_move_a_statement(app, client, world):
    client.login(world.emails["admin"])
    assert move(client, world, "final").status_code == 302
    assert transitions(app, world.statement_id) == [("draft", "final", world.user_ids["admin"], 2)]


def test_the_coordinator_sees_the_steps_possible_now(client, world):
    client.login(world.emails["coordinator"])
    page = client.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert "Open the comment period" in page and "Freeze the latest revision as final" in page
    assert "Reopen the draft" not in page
    move(client, world, "final")
    page = client.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert "Reopen the draft" in page and "Open the comment period" not in page


@pytest.mark.parametrize("setup, to", [([], "draft"), ([], "signon_open"), ([], "published"),
                                       (["final"], "comment_period"), (["final"], "final"),
                                       (["comment_period"], "comment_period")])
def test_a_step_not_possible_from_the_current_state_is_refused_with_409(app, client, world, setup, to):
    client.login(world.emails["coordinator"])
    for step in setup:
        move(client, world, step)
    before = stored_statement(app, world.statement_id)
    recorded = transitions(app, world.statement_id)
    response = move(client, world, to)
    assert response.status_code == 409
    assert "it cannot move to" in response.get_data(as_text=True)
    assert "Reload the page to see what can be done now." in response.get_data(as_text=True)
    assert stored_statement(app, world.statement_id) == before
    assert transitions(app, world.statement_id) == recorded


@pytest.mark.parametrize("to", ["", "frozen", "FINAL", "final ", "<script>"])
def test_an_unknown_state_is_refused_with_a_message(app, client, world, to):
    client.login(world.emails["coordinator"])
    response = move(client, world, to)
    assert response.status_code == 400
    assert "That is not a state a statement can be in." in response.get_data(as_text=True)
    assert stored_statement(app, world.statement_id)["state"] == "draft"
    assert transitions(app, world.statement_id) == []
