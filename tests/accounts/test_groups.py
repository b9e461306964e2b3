"""Working groups: staff open them, coordinators manage who is in them and with what role."""

import re

import pytest
from sqlalchemy import func, select

from statements.accounts.models import Membership, User, WorkingGroup
from statements.audit.models import AuditEvent
from statements.core.policy import Role
from statements.extensions import db
from tests.factories import make_membership

LAST_COORDINATOR = "A group needs a coordinator."


def field_error(response, field: str) -> str:
    """Return the message shown next to a form field, or "" when there is none."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', response.get_data(as_text=True))
    return found.group(1) if found else ""


def role_of(membership_id: int) -> str | None:
    membership = db.session.get(Membership, membership_id)
    return membership.role if membership else None


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def set_role(client, group_id: int, membership_id: int, role: str):
    return client.submit(f"/groups/{group_id}/members/{membership_id}/role", {"role": role})


def remove(client, group_id: int, membership_id: int):
    return client.submit(f"/groups/{group_id}/members/{membership_id}/remove")


def add(client, group_id: int, email: str, role: str = "member"):
    return client.submit(f"/groups/{group_id}/members", {"email": email, "role": role})


# --- opening groups ------------------------------------------------------------------------

def test_staff_open_a_working_group(app, client, world):
    client.login(world.emails["admin"])
    response = client.submit("/groups/new", {"name": "  Migrant Domestic Workers ",
                                             "description": "Care work across borders."})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Working group Migrant Domestic Workers is open. Invite its coordinator next." in page
    assert "<h1>Migrant Domestic Workers</h1>" in page
    assert "Care work across borders." in page
    with app.app_context():
        group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Migrant Domestic Workers"))
        assert response.headers["Location"] == f"/groups/{group.id}"
        [created] = events("group.created")
        assert (created.actor_id, created.group_id) == (world.user_ids["admin"], group.id)


@pytest.mark.parametrize("name", ["Labour Rights", "  Labour Rights  "])
def test_duplicate_group_name_is_refused_by_the_field(app, client, world, name):
    client.login(world.emails["admin"])
    response = client.submit("/groups/new", {"name": name, "description": "Again"})
    assert response.status_code == 400
    assert field_error(response, "name") == "A working group with this name already exists. Choose another name."
    assert 'value="' + name + '"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkingGroup)) == 2
        assert events("group.created") == []


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "Give the group a name."),
    ({"name": "G" * 121}, "Use at most 120 characters."),
    ({"name": "Fine", "description": "d" * 2001}, "Use at most 2,000 characters."),
])
def test_bad_group_form_is_refused_by_the_field(app, client, world, data, message):
    client.login(world.emails["admin"])
    response = client.submit("/groups/new", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkingGroup)) == 2


@pytest.mark.parametrize("role", ["coordinator", "member", "observer"])
def test_only_staff_open_groups(app, client, world, role):
    client.login(world.emails[role])
    assert client.get("/groups/new").status_code == 403
    assert client.submit("/groups/new", {"name": "Shadow group"}).status_code == 403
    assert "New working group" not in client.get("/groups").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Shadow group")) is None


# --- what coordinators do ------------------------------------------------------------------

def test_coordinator_changes_a_members_role_and_it_is_recorded(app, client, world):
    client.login(world.emails["coordinator"])
    response = set_role(client, world.group_id, world.membership_ids["member"], "observer")
    assert response.status_code == 302 and response.headers["Location"] == f"/groups/{world.group_id}"
    page = client.get(f"/groups/{world.group_id}").get_data(as_text=True)
    assert "Member Person is now observer in Climate and Displacement." in page
    with app.app_context():
        assert role_of(world.membership_ids["member"]) == "observer"
        [changed] = events("membership.role_changed")
        assert (changed.actor_id, changed.group_id) == (world.user_ids["coordinator"], world.group_id)
        assert changed.details == {"user": world.user_ids["member"], "old": "member", "new": "observer"}

    client.submit("/logout")
    client.login(world.emails["admin"])
    log = client.get(f"/admin/audit?action=membership.role_changed&group={world.group_id}").get_data(as_text=True)
    assert "Changed Member Person&#39;s role in Climate and Displacement from member to observer" in log


def test_coordinator_removes_a_member_who_then_loses_access(app, client, make_client, world):
    client.login(world.emails["coordinator"])
    response = remove(client, world.group_id, world.membership_ids["member"])
    assert response.status_code == 302
    assert "Member Person is no longer in this group." in client.get(f"/groups/{world.group_id}").get_data(as_text=True)
    member = make_client()
    member.login(world.emails["member"])
    assert member.get(f"/groups/{world.group_id}").status_code == 404
    with app.app_context():
        assert role_of(world.membership_ids["member"]) is None
        [removed] = events("membership.removed")
        assert removed.actor_id == world.user_ids["coordinator"]
        assert removed.details == {"user": world.user_ids["member"], "role": "member"}


def test_coordinator_adds_an_existing_account_by_email(app, client, make_client, world, mailbox):
    client.login(world.emails["coordinator"])
    response = add(client, world.group_id, " OUTSIDER@example.org", "observer")
    assert response.status_code == 302
    assert ("Outsider Person is now observer in Climate and Displacement."
            in client.get(f"/groups/{world.group_id}").get_data(as_text=True))
    mailbox.deliver()
    [message] = mailbox.to(world.emails["outsider"])
    assert message["Subject"] == "You were added to Climate and Displacement"
    assert mailbox.link_in(message, "/groups/") == f"/groups/{world.group_id}"
    outsider = make_client()
    outsider.login(world.emails["outsider"])
    assert outsider.get(f"/groups/{world.group_id}").status_code == 200
    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.user_id == world.user_ids["outsider"],
                                                                Membership.group_id == world.group_id))
        assert membership.role == "observer"
        [added] = events("membership.added")
        assert (added.actor_id, added.group_id) == (world.user_ids["coordinator"], world.group_id)


def test_adding_someone_already_in_the_group_changes_their_role(app, client, world):
    client.login(world.emails["coordinator"])
    assert add(client, world.group_id, world.emails["observer"], "member").status_code == 302
    with app.app_context():
        assert role_of(world.membership_ids["observer"]) == "member"
        assert db.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.group_id == world.group_id)) == 3


def test_adding_an_unknown_address_says_to_ask_for_an_invitation(app, client, world, mailbox):
    client.login(world.emails["coordinator"])
    response = add(client, world.group_id, "stranger@example.org")
    assert response.status_code == 400
    assert field_error(response, "email") == ("No account uses this address. "
                                              "Ask network staff to invite them instead.")
    assert 'value="stranger@example.org"' in response.get_data(as_text=True)
    assert mailbox.deliver() == {"sent": 0, "failed": 0}


def test_last_coordinator_cannot_step_down_or_leave(app, client, world):
    client.login(world.emails["coordinator"])
    for response in (set_role(client, world.group_id, world.membership_ids["coordinator"], "member"),
                     remove(client, world.group_id, world.membership_ids["coordinator"]),
                     add(client, world.group_id, world.emails["coordinator"], "observer")):
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "That could not be done" in page and "You do not have access" not in page
        assert LAST_COORDINATOR in page
        assert "Make someone else coordinator" in page
    with app.app_context():
        assert role_of(world.membership_ids["coordinator"]) == "coordinator"
        assert events("membership.role_changed") == [] and events("membership.removed") == []


def test_coordinator_can_step_down_once_there_is_another(app, client, world):
    client.login(world.emails["coordinator"])
    assert set_role(client, world.group_id, world.membership_ids["member"], "coordinator").status_code == 302
    assert set_role(client, world.group_id, world.membership_ids["coordinator"], "member").status_code == 302
    with app.app_context():
        assert role_of(world.membership_ids["coordinator"]) == "member"
        assert [e.details["new"] for e in events("membership.role_changed")] == ["coordinator", "member"]
    assert set_role(client, world.group_id, world.membership_ids["observer"], "member").status_code == 403


def test_unknown_role_is_refused_and_nothing_changes(app, client, world):
    client.login(world.emails["coordinator"])
    response = set_role(client, world.group_id, world.membership_ids["member"], "owner")
    assert response.status_code == 302
    assert "Choose one of the roles in the list." in client.get(f"/groups/{world.group_id}").get_data(as_text=True)
    with app.app_context():
        assert role_of(world.membership_ids["member"]) == "member"


@pytest.mark.parametrize("role", ["member", "observer"])
def test_members_and_observers_cannot_manage_the_group(app, client, world, role):
    client.login(world.emails[role])
    page = client.get(f"/groups/{world.group_id}").get_data(as_text=True)
    assert "Save role" not in page and "Add to group" not in page
    assert set_role(client, world.group_id, world.membership_ids["member"], "coordinator").status_code == 403
    assert set_role(client, world.group_id, world.membership_ids["coordinator"], "observer").status_code == 403
    assert remove(client, world.group_id, world.membership_ids["coordinator"]).status_code == 403
    assert add(client, world.group_id, world.emails["outsider"], "coordinator").status_code == 403
    with app.app_context():
        assert role_of(world.membership_ids["member"]) == "member"
        assert role_of(world.membership_ids["coordinator"]) == "coordinator"
        assert db.session.scalar(select(Membership).where(Membership.user_id == world.user_ids["outsider"],
                                                          Membership.group_id == world.group_id)) is None
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.startswith("membership."))) == 0


def test_outsider_cannot_see_or_touch_another_group(app, client, world):
    client.login(world.emails["outsider"])
    response = client.get(f"/groups/{world.group_id}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "Climate and Displacement" not in client.get("/groups").get_data(as_text=True)
    assert set_role(client, world.group_id, world.membership_ids["member"], "observer").status_code == 404
    assert remove(client, world.group_id, world.membership_ids["member"]).status_code == 404
    assert add(client, world.group_id, world.emails["outsider"], "coordinator").status_code == 404
    assert client.get("/groups/999999").status_code == 404
    with app.app_context():
        assert role_of(world.membership_ids["member"]) == "member"


def test_membership_from_another_group_in_the_address_is_not_found(app, client, world):
    with app.app_context():
        other_membership = db.session.scalar(select(Membership.id).where(
            Membership.user_id == world.user_ids["outsider"], Membership.group_id == world.other_group_id))
        # the coordinator coordinates both groups, so only the address tells the groups apart
        make_membership(db.session.get(User, world.user_ids["coordinator"]),
                        db.session.get(WorkingGroup, world.other_group_id), Role.COORDINATOR)
        db.session.commit()
    for person in ("coordinator", "admin"):
        client.login(world.emails[person])
        assert set_role(client, world.group_id, other_membership, "observer").status_code == 404
        assert remove(client, world.group_id, other_membership).status_code == 404
        client.submit("/logout")
    with app.app_context():
        assert role_of(other_membership) == "coordinator"
    client.login(world.emails["coordinator"])
    assert set_role(client, world.other_group_id, other_membership, "member").status_code == 302  # the right address


def test_anonymous_visitor_is_sent_to_log_in(client, world):
    for url in ("/groups", f"/groups/{world.group_id}", "/groups/new"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
