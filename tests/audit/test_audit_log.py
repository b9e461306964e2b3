"""Staff read the audit log and narrow it down by action, person, working group and dates."""

from datetime import datetime, timezone
from html import unescape

import pytest

from statements.accounts.models import User, WorkingGroup
from statements.audit.services import record
from statements.extensions import db


def at(day: int, hour: int = 12, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=timezone.utc)


#: (actor role, action, home group?, when, summary): what the log holds in these tests
EVENTS = [
    ("admin", "invitation.sent", "home", at(1, 10), "Invited amina@example.org to Climate and Displacement"),
    ("admin", "invitation.revoked", "home", at(2, 0, 0), "Revoked the invitation for amina@example.org"),
    ("coordinator", "membership.role_changed", "home", at(3, 23, 30), "Made Member Person an observer"),
    ("outsider", "membership.added", "other", at(5), "Added Lin Labour to Labour Rights"),
    ("member", "user.password_changed", None, at(1, 9, month=4), "member@example.org changed their password"),
]
SUMMARIES = [summary for *_, summary in EVENTS]


@pytest.fixture
def log(app, world):
    """Fill the audit log with events at known times."""
    with app.app_context():
        groups = {"home": db.session.get(WorkingGroup, world.group_id),
                  "other": db.session.get(WorkingGroup, world.other_group_id)}
        for role, action, group, when, summary in EVENTS:
            actor = db.session.get(User, world.user_ids[role])
            subject = groups[group] if group else actor
            event = record(actor, action, subject, summary, group_id=groups[group].id if group else None)
            event.created_at = when
        db.session.commit()
    return world


def shown(client, query: str = "") -> list[str]:
    """Return which of the known events the log page shows for a query string."""
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    return [summary for summary in SUMMARIES if summary in page]


def test_staff_see_every_event_with_who_and_when(client, log):
    client.login(log.emails["admin"])
    page = unescape(client.get("/admin/audit").get_data(as_text=True))
    assert shown(client) == SUMMARIES
    assert "01 Mar 2025, 10:00 UTC" in page
    assert "<td data-label=\"Action\">Member's role changed</td>" in page  # words, not the internal code
    assert "membership.role_changed<" not in page and "<code>" not in page
    assert "Coordinator Person" in page


def test_filter_by_action(client, log):
    client.login(log.emails["admin"])
    assert shown(client, "?action=invitation.sent") == SUMMARIES[:1]
    assert shown(client, "?action=user.password_changed") == SUMMARIES[4:]
    page = client.get("/admin/audit?action=invitation.sent").get_data(as_text=True)
    assert '<option value="invitation.sent" selected>Invitation sent</option>' in page  # what was chosen, in words
    assert shown(client, "?action=no.such_action") == []


def test_filter_by_actor(client, log):
    client.login(log.emails["admin"])
    assert shown(client, f"?actor={log.user_ids['admin']}") == SUMMARIES[:2]
    assert shown(client, f"?actor={log.user_ids['outsider']}") == SUMMARIES[3:4]
    page = client.get(f"/admin/audit?actor={log.user_ids['admin']}").get_data(as_text=True)
    assert f'<option value="{log.user_ids["admin"]}" selected>Admin Person</option>' in page


def test_filter_by_group(client, log):
    client.login(log.emails["admin"])
    assert shown(client, f"?group={log.group_id}") == SUMMARIES[:3]
    assert shown(client, f"?group={log.other_group_id}") == SUMMARIES[3:4]


def test_filter_by_dates_includes_both_days_given(client, log):
    client.login(log.emails["admin"])
    assert shown(client, "?since=2025-03-02&until=2025-03-03") == SUMMARIES[1:3]
    assert shown(client, "?since=2025-03-04") == SUMMARIES[3:]
    assert shown(client, "?until=2025-03-01") == SUMMARIES[:1]
    assert shown(client, "?since=2025-03-06&until=2025-03-01") == []
    page = client.get("/admin/audit?since=2025-03-02&until=2025-03-03").get_data(as_text=True)
    assert 'value="2025-03-02"' in page and 'value="2025-03-03"' in page


def test_filters_combine(client, log):
    client.login(log.emails["admin"])
    assert shown(client, f"?actor={log.user_ids['admin']}&since=2025-03-02") == SUMMARIES[1:2]
    assert shown(client, f"?group={log.group_id}&action=membership.role_changed") == SUMMARIES[2:3]
    assert shown(client, f"?group={log.other_group_id}&actor={log.user_ids['admin']}") == []


@pytest.mark.parametrize("query", [
    "?actor=abc", "?actor=-1", "?actor=1.5", "?actor=%C2%B2", "?actor=12345678901234567890",
    "?group=x", "?group=%D9%A1", "?group=",
    "?since=2025-02-30", "?since=03/01/2025", "?since=yesterday", "?until=2025-13-01",
    "?until=9999-12-31", "?since=0001-01-01", "?since=9999-12-31",
    "?page=abc", "?page=-3", "?page=0",
    "?action=" + "x" * 500, "?action=%25",
])
def test_bad_filter_values_do_not_break_the_page(client, log, query):
    client.login(log.emails["admin"])
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200
    assert "Audit log" in response.get_data(as_text=True)


def test_unusable_values_are_ignored_rather_than_matching_nothing(client, log):
    client.login(log.emails["admin"])
    for query in ("?actor=abc", "?actor=%C2%B2", "?group=x", "?since=2025-02-30", "?until=yesterday"):
        assert shown(client, query) == SUMMARIES, query


def test_a_page_far_past_the_end_is_empty_not_an_error(client, log):
    client.login(log.emails["admin"])
    for page in ("999", "99999999999999999999"):
        response = client.get(f"/admin/audit?page={page}")
        assert response.status_code in (200, 404)
        assert "Something went wrong" not in response.get_data(as_text=True)


def test_long_logs_are_paged_and_the_pages_keep_the_filter(app, client, world):
    with app.app_context():
        admin = db.session.get(User, world.user_ids["admin"])
        for number in range(60):
            record(admin, "invitation.sent", admin, f"Invited person{number:02d}@example.org")
        db.session.commit()
    client.login(world.emails["admin"])
    first = client.get("/admin/audit?action=invitation.sent").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert first.count("<td data-label=\"Action\">Invitation sent</td>") == 50
    assert 'href="/admin/audit?page=2&amp;action=invitation.sent"' in first
    second = client.get("/admin/audit?page=2&action=invitation.sent").get_data(as_text=True)
    assert second.count("<td data-label=\"Action\">Invitation sent</td>") == 10
    assert "Invited person00@example.org" in second  # newest first: the oldest is on the last page


@pytest.mark.parametrize("role", ["coordinator", "member", "observer", "outsider"])
def test_only_staff_read_the_log(client, log, role):
    client.login(log.emails[role])
    response = client.get("/admin/audit")
    assert response.status_code == 403
    assert "Invited amina@example.org" not in response.get_data(as_text=True)
    assert "Audit log" not in client.get("/").get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_log_in(client, log):
    response = client.get("/admin/audit?action=invitation.sent")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_log_speaks_the_reader_s_language_and_names_every_action_the_service_records(client, log):
    from statements.audit.actions import ACTION_LABELS, action_label

    client.login(log.emails["admin"])
    client.submit("/language", {"language": "es", "next": "/"})
    page = unescape(client.get("/admin/audit").get_data(as_text=True))
    assert ">Invitación enviada</option>" in page and "<td data-label=\"Acción\">Invitación enviada</td>" in page
    assert action_label("something.new_here") == "Something: new here"  # a code this release does not know
    assert "network.settings_changed" in ACTION_LABELS


def test_every_action_the_service_records_has_a_name_for_readers():
    import re
    from pathlib import Path

    from statements.audit.actions import ACTION_LABELS
    from statements.drafts.services import TRANSITIONS
    from statements.talking_points.models import PointStatus

    source = "\n".join(p.read_text() for p in Path("statements").rglob("*.py"))
    recorded = set(re.findall(r'record\([^,()]+, "([a-z_]+\.[a-z_]+)"', source))
    recorded |= set(re.findall(r'"((?:organization|user)\.[a-z_]+)" if ', source))
    recorded |= set(re.findall(r' else "((?:organization|user)\.[a-z_]+)"', source))
    recorded |= {f"statement.{to.value}" for _from, to in TRANSITIONS} | {"signon.approved", "signon.rejected"}
    recorded |= {f"talking_point.{status.value}" for status in PointStatus}
    assert len(recorded) > 35
    assert recorded <= set(ACTION_LABELS), sorted(recorded - set(ACTION_LABELS))
