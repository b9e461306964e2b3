"""The home page is a to-do list: each person sees what needs them, linked to where it is done, most urgent
first; done items disappear, and nothing of a group reaches someone outside it."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from statements.accounts.models import Invitation, Membership, User
from statements.attention.todo import days_until
from statements.core.db import utcnow
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.signons.models import SignOn
from tests.attention.todo_data import add_signon, open_comment_period, reply, start_thread
from tests.factories import add_translator, make_statement


@pytest.fixture
def as_role(make_client, world):
    """A client logged in as one of the world's people."""
    def client_for(role: str):
        client = make_client()
        assert client.login(world.emails[role]).status_code == 302
        return client
    return client_for


def todo_of(client) -> str:
    """The to-do list on the home page, as text with its links (empty when there is none)."""
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'<ol class="todo".*?</ol>', page, re.DOTALL)
    return found.group(0) if found else ""


def in_days(days: float) -> datetime:
    return utcnow() + timedelta(days=days)


# --- comment periods --------------------------------------------------------------------------------

def test_a_member_sees_a_comment_period_with_its_days_left_until_it_closes(app, as_role, world):
    with app.app_context():
        open_comment_period(world.statement_id, world.user_ids["coordinator"], in_days(5.5))
    member = as_role("member")
    todo = todo_of(member)
    assert "Climate displacement needs protection" in todo
    assert re.search(r"[56] days left", todo) and "Not read yet" in todo
    assert f'href="/statements/{world.statement_id}"' in todo
    assert member.get(f"/statements/{world.statement_id}").status_code == 200
    assert "You have read the latest revision" in todo_of(member)
    with app.app_context():
        statement = db.session.get(Statement, world.statement_id)
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        drafts.save_revision(coordinator, statement, statement.latest_number, "A newer text.", "Newer")
        db.session.commit()
    assert "New revision since you read it" in todo_of(member)
    for role in ("observer", "coordinator", "admin"):
        assert "Climate displacement needs protection" in todo_of(as_role(role)), role
    assert "Climate displacement needs protection" not in todo_of(as_role("outsider"))
    with app.app_context():
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]),
                          db.session.get(Statement, world.statement_id), "draft")
        db.session.commit()
    assert "Climate displacement needs protection" not in todo_of(member)


def test_a_comment_period_without_an_end_date_says_so(app, as_role, world):
    with app.app_context():
        open_comment_period(world.statement_id, world.user_ids["coordinator"])
    assert "No end date" in todo_of(as_role("member"))


def test_days_left_are_counted_on_the_reader_s_calendar(app, as_role, world):
    now = datetime(2026, 3, 28, 22, 0, tzinfo=timezone.utc)
    ends = datetime(2026, 3, 29, 23, 30, tzinfo=timezone.utc)
    assert days_until(ends, now, None) == 1
    assert days_until(ends, now, "Pacific/Auckland") == 1  # 11:00 on the 29th to 12:30 on the 30th
    assert days_until(ends, now, "America/Los_Angeles") == 1
    assert days_until(now - timedelta(days=2), now, "Europe/Madrid") == -2
    # the night the clocks change in Madrid (29 March 2026): still one calendar day
    assert days_until(datetime(2026, 3, 29, 21, 30, tzinfo=timezone.utc), now, "Europe/Madrid") == 1
    assert days_until(datetime(2026, 3, 29, 22, 30, tzinfo=timezone.utc), now, "Europe/Madrid") == 2
    with app.app_context():
        open_comment_period(world.statement_id, world.user_ids["coordinator"], utcnow() + timedelta(hours=1))
        member = db.session.get(User, world.user_ids["member"])
        member.time_zone = "Pacific/Kiritimati"  # UTC+14: for this reader the end may already be tomorrow
        db.session.commit()
    todo = todo_of(as_role("member"))
    assert "Ends today" in todo or "1 day left" in todo
    assert "Kiritimati time" in todo


def test_coordinators_are_asked_to_decide_when_a_comment_period_ends_or_has_ended(app, as_role, world):
    with app.app_context():
        open_comment_period(world.statement_id, world.user_ids["coordinator"], in_days(-2))
    todo = todo_of(as_role("coordinator"))
    assert "Comment period ending: decide the next step" in todo and "Ended 2 days ago" in todo
    assert f'href="/statements/{world.statement_id}#steps-heading"' in todo
    assert "decide the next step" not in todo_of(as_role("member"))
    assert "Ended 2 days ago" in todo_of(as_role("member"))


# --- reading across the network ---------------------------------------------------------------------

def test_a_comment_period_open_to_the_network_reaches_members_of_other_groups_until_it_ends(app, as_role, world):
    with app.app_context():
        add_translator(world)
        open_comment_period(world.statement_id, world.user_ids["coordinator"], in_days(4), open_to_network=True)
    outsider = as_role("outsider")
    todo = todo_of(outsider)
    assert "Climate displacement needs protection" in todo and "Open to the whole network" in todo
    assert "Climate and Displacement" in todo  # the group it comes from
    assert outsider.get(f"/statements/{world.statement_id}").status_code == 200
    assert outsider.get(f"/groups/{world.group_id}").status_code == 404  # nothing else of the group
    response = outsider.submit(f"/statements/{world.statement_id}/threads/new", {"body": "From Labour Rights."})
    assert response.status_code == 302
    assert "From Labour Rights." in outsider.get(response.headers["Location"]).get_data(as_text=True)
    # an invited translator in no group is not a member of the network
    assert "Climate displacement needs protection" not in todo_of(as_role("translator"))
    with app.app_context():
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]),
                          db.session.get(Statement, world.statement_id), "draft")
        db.session.commit()
    assert "Climate displacement" not in todo_of(outsider)
    assert outsider.get(f"/statements/{world.statement_id}").status_code == 404


# --- threads ----------------------------------------------------------------------------------------

def test_a_member_mentioned_in_a_thread_finds_it_until_they_open_it(app, as_role, world):
    with app.app_context():
        thread_id = start_thread(world.user_ids["coordinator"], world.statement_id, "@MemberPerson, can you check?")
    member = as_role("member")
    todo = todo_of(member)
    assert "You are mentioned in a thread" in todo and f'href="/threads/{thread_id}"' in todo
    assert "mentioned" not in todo_of(as_role("observer"))
    assert member.get(f"/threads/{thread_id}").status_code == 200
    assert f"/threads/{thread_id}" not in todo_of(member)


def test_replies_in_a_thread_i_started_or_took_part_in_are_listed_until_read(app, as_role, world):
    with app.app_context():
        reply(world.user_ids["coordinator"], world.thread_id, "Yes, *legal*.")
        reply(world.user_ids["observer"], world.thread_id, "Agreed.")
    member = as_role("member")  # started the thread
    todo = todo_of(member)
    assert "2 unread replies in a thread" in todo and f'href="/threads/{world.thread_id}"' in todo
    coordinator_todo = todo_of(as_role("coordinator"))  # replied: only the observer's reply is new to them
    assert "1 unread reply in a thread" in coordinator_todo
    assert f"/threads/{world.thread_id}\"" not in todo_of(as_role("outsider"))
    member.get(f"/threads/{world.thread_id}")
    assert f"/threads/{world.thread_id}\"" not in todo_of(member)
    with app.app_context():
        reply(world.user_ids["coordinator"], world.thread_id, "One more thing.")
    assert "1 unread reply in a thread" in todo_of(member)


# --- coordinators -----------------------------------------------------------------------------------

def _open_statement(world) -> Statement:
    return db.session.scalar(select(Statement).where(Statement.slug == world.signon_slug))


def test_a_coordinator_sees_sign_ons_waiting_and_duplicates_and_acts_from_there(app, as_role, world):
    with app.app_context():
        statement = _open_statement(world)
        first = add_signon(statement, "Red de Mujeres")
        add_signon(statement, "Red de Mujeres Unidas", duplicate_of=first)
        add_signon(statement, "Unnamed Union", visibility="count")  # left to staff
        add_signon(statement, "Not Yet Confirmed", status="pending")
        db.session.commit()
        statement_id = statement.id
    coordinator = as_role("coordinator")
    todo = todo_of(coordinator)
    assert "2 sign-ons waiting for approval" in todo
    assert f'href="/statements/{statement_id}/signons?status=confirmed"' in todo
    assert "1 sign-on flagged as a possible duplicate" in todo
    assert f'/statements/{statement_id}/signons?status=confirmed&amp;flagged=1' in todo
    assert "3 sign-ons waiting for approval" in todo_of(as_role("admin"))  # staff decide on the unnamed one
    for role in ("member", "observer", "outsider"):
        assert "waiting for approval" not in todo_of(as_role(role)), role
    with app.app_context():
        ids = [str(i) for i in db.session.scalars(select(SignOn.id).where(SignOn.status == "confirmed",
                                                                           SignOn.visibility == "named"))]
    coordinator.submit(f"/statements/{statement_id}/signons/decide", {"signon": ids, "action": "reject"})
    todo = todo_of(coordinator)
    assert "waiting for approval" not in todo and "duplicate" not in todo


def test_open_threads_before_a_final_text_are_listed_for_coordinators_until_resolved(app, as_role, world):
    coordinator = as_role("coordinator")
    todo = todo_of(coordinator)
    assert "1 open thread to settle before the text is final" in todo
    assert f'href="/statements/{world.statement_id}/threads"' in todo
    assert "open thread" not in todo_of(as_role("member"))
    coordinator.submit(f"/threads/{world.thread_id}/resolve")
    assert "open thread" not in todo_of(coordinator)


def test_the_steps_of_sign_on_are_on_the_coordinator_s_list(app, as_role, world):
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = db.session.get(Statement, world.statement_id)
        drafts.transition(coordinator, statement, "final")
        db.session.commit()
    client = as_role("coordinator")
    todo = todo_of(client)
    assert "The text is final: open it for sign-on" in todo
    assert f'href="/statements/{world.statement_id}/signon/open"' in todo
    assert "open it for sign-on" not in todo_of(as_role("member"))
    with app.app_context():
        open_one = _open_statement(world)
        open_one.signon_deadline = in_days(3.5)
        db.session.commit()
    todo = todo_of(client)
    assert "Sign-on deadline" in todo and re.search(r"[34] days left", todo)
    with app.app_context():
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]), _open_statement(world),
                          "signon_closed")
        db.session.commit()
    todo = todo_of(client)
    assert "Sign-on deadline" not in todo and "Sign-on is closed: ready to publish" in todo
    with app.app_context():
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]), _open_statement(world), "published")
        db.session.commit()
    assert "ready to publish" not in todo_of(client)


def test_a_far_sign_on_deadline_waits(app, as_role, world):
    with app.app_context():
        _open_statement(world).signon_deadline = in_days(30)
        db.session.commit()
    assert "Sign-on deadline" not in todo_of(as_role("coordinator"))


# --- staff ------------------------------------------------------------------------------------------

def test_staff_see_the_network_s_work_invitations_and_failing_mail(app, as_role, world):
    with app.app_context():
        statement = _open_statement(world)
        add_signon(statement, "Red de Mujeres")
        expired = Invitation(email="late@example.org", email_normalized="late@example.org",
                             expires_at=in_days(-2), created_at=in_days(-9))
        db.session.add_all([expired, OutboxMessage(to_address="x@example.org", subject="s", body_text="b",
                                                   status="failed", attempts=5, last_error="550 mailbox unknown")])
        db.session.commit()
    todo = todo_of(as_role("admin"))
    assert "1 sign-on waiting for approval" in todo
    assert "1 invitation not accepted yet" in todo and "1 invitation expired without being accepted" in todo
    assert 'href="/admin/invitations"' in todo
    assert "1 email failed to send in the last 7 days" in todo and "550 mailbox unknown" in todo
    for role in ("coordinator", "member"):
        page = todo_of(as_role(role))
        assert "invitation" not in page and "email failed" not in page, role
    client = as_role("admin")
    client.submit(f"/admin/invitations/{world.invitation_id}/revoke")
    assert "not accepted yet" not in todo_of(client)


def test_staff_in_no_group_get_the_network_view(app, as_role, world):
    page = as_role("admin").get("/").get_data(as_text=True)
    assert "What needs you across the network" in page and "You are not in a working group yet" not in page
    assert "sign-on" in todo_of(as_role("admin")) or "open thread" in todo_of(as_role("admin"))


def test_a_person_in_no_group_is_told_so(app, make_client, world):
    from tests.factories import make_user

    with app.app_context():
        make_user("alone@example.org", "Alone")
        db.session.commit()
    client = make_client()
    client.login("alone@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "You are not in a working group yet" in page and 'class="todo"' not in page


# --- membership and order ---------------------------------------------------------------------------

def test_a_removed_member_sees_nothing_of_that_group_at_once(app, as_role, world):
    with app.app_context():
        open_comment_period(world.statement_id, world.user_ids["coordinator"], in_days(2))
        thread_id = start_thread(world.user_ids["coordinator"], world.statement_id, "@MemberPerson, look")
    member = as_role("member")
    assert "Climate displacement" in todo_of(member)
    coordinator = as_role("coordinator")
    coordinator.submit(f"/groups/{world.group_id}/members/{world.membership_ids['member']}/remove")
    with app.app_context():
        assert db.session.get(Membership, world.membership_ids["member"]) is None
    page = member.get("/").get_data(as_text=True)
    assert "Climate displacement" not in page and f"/threads/{thread_id}" not in page


def test_the_most_urgent_comes_first(app, as_role, world):
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        group = db.session.get(Statement, world.statement_id).group
        later = make_statement(coordinator, group, "Later period", ["Text."])
        db.session.commit()
        open_comment_period(later.id, coordinator.id, in_days(20))
        open_comment_period(world.statement_id, coordinator.id, in_days(1))
        add_signon(_open_statement(world), "Red de Mujeres")
        db.session.commit()
    todo = todo_of(as_role("coordinator"))
    soon, waiting, far = (todo.index(words) for words in
                          ("Climate displacement", "waiting for approval", "Later period"))
    assert soon < waiting < far


# --- bad input --------------------------------------------------------------------------------------

def test_items_of_deleted_things_disappear(app, as_role, world):
    with app.app_context():
        thread_id = start_thread(world.user_ids["coordinator"], world.statement_id, "@MemberPerson, look")
        db.session.delete(db.session.get(Statement, world.statement_id))
        db.session.commit()
    todo = todo_of(as_role("member"))
    assert f"/threads/{thread_id}" not in todo and "Climate displacement" not in todo
