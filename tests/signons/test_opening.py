"""Opening sign-on on the final text, its settings, and closing it by hand, by deadline, or by reopening the draft."""

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from statements.audit.models import AuditEvent
from statements.core.db import utcnow
from statements.drafts import services as drafts
from statements.drafts.models import Statement, Transition
from statements.extensions import db
from tests.signons.pages import confirmation, field_error, flashes, plain, selected, sign, signons, text_of

OPEN = {"deadline_date": "", "deadline_time": "23:59", "timezone": "UTC", "requires_approval": "y",
        "closing_message": ""}


@pytest.fixture
def final_id(app, coordinator, world):
    """The home group's draft, frozen as final (revision 2)."""
    response = coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})
    assert response.status_code == 302
    return world.statement_id


def open_form(client, statement_id, **fields):
    return client.submit(f"/statements/{statement_id}/signon/open", dict(OPEN, **fields))


def transitions(statement_id) -> list[tuple[str, str, int | None]]:
    rows = db.session.scalars(select(Transition).where(Transition.statement_id == statement_id)
                              .order_by(Transition.id))
    return [(t.from_state, t.to_state, t.actor_id) for t in rows]


def slug_of(statement_id) -> str:
    return db.session.get(Statement, statement_id).slug


# --- opening ------------------------------------------------------------------------------------

def test_sign_on_opens_only_on_a_final_text(app, coordinator, world):
    for response in (coordinator.get(f"/statements/{world.statement_id}/signon/open"),
                     open_form(coordinator, world.statement_id)):
        assert response.status_code == 302
        assert response.headers["Location"] == f"/statements/{world.statement_id}"
    page = text_of(coordinator.get(f"/statements/{world.statement_id}"))
    assert "Sign-on can only open on a final text. Freeze a revision as final first." in flashes(page)
    with app.app_context():
        assert db.session.get(Statement, world.statement_id).state == "draft"
        assert coordinator.get(f"/s/{slug_of(world.statement_id)}").status_code == 404


def test_the_coordinator_opens_sign_on_with_a_deadline_in_their_time_zone(app, client, coordinator, final_id,
                                                                          world):
    form = coordinator.get(f"/statements/{final_id}/signon/open")
    assert form.status_code == 200
    assert "Organizations will sign revision 2, the final text" in plain(text_of(form))
    with app.app_context():  # (the address reads left to right on a right-to-left page too)
        assert f'<strong><bdi dir="ltr">http://localhost/s/{slug_of(final_id)}</bdi></strong>' in form.text

    response = open_form(coordinator, final_id, deadline_date="2099-03-08", deadline_time="18:00",
                         timezone="America/Guatemala", closing_message="Thank you: 300 organizations signed.")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/statements/{final_id}/signons"
    with app.app_context():
        statement = db.session.get(Statement, final_id)
        slug = statement.slug
        assert statement.state == "signon_open"
        assert statement.signon_deadline == datetime(2099, 3, 9, 0, 0, tzinfo=timezone.utc)  # stored in UTC
        assert statement.signon_timezone == "America/Guatemala"
        assert statement.signon_requires_approval and not statement.signon_list_hidden
        assert statement.signon_closing_message == "Thank you: 300 organizations signed."
        assert transitions(final_id)[-1] == ("final", "signon_open", world.user_ids["coordinator"])
    moderation = text_of(coordinator.get(f"/statements/{final_id}/signons"))
    assert f"Sign-on is open. Share this address: http://localhost/s/{slug}" in flashes(moderation)

    public = plain(text_of(client.get(f"/s/{slug}")))
    assert "Sign-on closes 08 Mar 2099, 18:00 America/Guatemala (09 Mar 2099, 00:00 UTC)." in public
    assert "Your signature counts once you confirm and network staff approve it." in public
    assert client.get(f"/api/v1/statements/{slug}").get_json()["signon_deadline"] == "2099-03-09T00:00:00+00:00"


def test_a_deadline_in_summer_time_is_converted_with_the_summer_offset(app, coordinator, final_id):
    open_form(coordinator, final_id, deadline_date="2099-07-01", deadline_time="12:00", timezone="Europe/Berlin")
    with app.app_context():
        assert db.session.get(Statement, final_id).signon_deadline == datetime(2099, 7, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("fields, field, message", [
    ({"deadline_date": "2001-01-01"}, "deadline_date",
     "The deadline has already passed. Choose a later date, or none."),
    ({"deadline_date": "8 March 2099"}, "deadline_date",
     "Write the date as year-month-day, for example 2027-03-08."),
    ({"deadline_date": "2099-02-30"}, "deadline_date",
     "Give the deadline as a date and a time, with a time zone from the list."),
    ({"deadline_date": "2099-03-08", "deadline_time": "6pm"}, "deadline_time",
     "Write the time as hours:minutes, for example 18:00."),
    ({"closing_message": "x" * 1001}, "closing_message", "Use at most 1,000 characters."),
])
def test_a_wrong_deadline_or_message_is_refused_by_the_field_and_nothing_opens(app, coordinator, final_id,
                                                                               fields, field, message):
    response = open_form(coordinator, final_id, **fields)
    assert response.status_code == 400
    assert field_error(response, field) == message
    with app.app_context():
        assert db.session.get(Statement, final_id).state == "final"


def test_an_unknown_time_zone_is_refused(app, coordinator, final_id):
    response = open_form(coordinator, final_id, deadline_date="2099-03-08", timezone="Mars/Olympus_Mons")
    assert response.status_code == 400
    assert field_error(response, "timezone")
    with app.app_context():
        assert db.session.get(Statement, final_id).state == "final"


def test_sign_on_without_approval_with_a_hidden_list(app, client, coordinator, final_id, mailbox):
    response = open_form(coordinator, final_id, requires_approval=None, hide_list="y")
    assert response.status_code == 302
    with app.app_context():
        statement = db.session.get(Statement, final_id)
        assert not statement.signon_requires_approval and statement.signon_list_hidden
        slug = statement.slug
    public = plain(text_of(client.get(f"/s/{slug}")))
    assert "Your signature counts once you confirm." in public
    sign(client, slug)
    client.submit(mailbox.link_in(confirmation(mailbox, "maria.lopez@trabajadoras.org.gt"), "/confirm/"))
    with app.app_context():
        assert signons()[0].status == "approved"
    page = plain(text_of(client.get(f"/s/{slug}/signatories")))
    assert "1 organization has signed" in page
    assert "The list of names is kept private until the statement is published." in page
    assert "Asociación de Trabajadoras del Hogar" not in page


@pytest.mark.parametrize("role, status", [("member", 403), ("observer", 403), ("outsider", 404)])
def test_only_coordinators_and_staff_open_sign_on(app, make_client, coordinator, final_id, world, role, status):
    other = make_client()
    other.login(world.emails[role])
    assert other.get(f"/statements/{final_id}/signon/open").status_code == status
    assert open_form(other, final_id).status_code == status
    with app.app_context():
        assert db.session.get(Statement, final_id).state == "final"
    staff = make_client()
    staff.login(world.emails["admin"])
    assert open_form(staff, final_id).status_code == 302
    with app.app_context():
        assert db.session.get(Statement, final_id).state == "signon_open"


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(app, client, final_id):
    response = open_form(client, final_id)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        assert db.session.get(Statement, final_id).state == "final"


# --- closing ------------------------------------------------------------------------------------

def test_closing_by_hand_removes_the_form_and_shows_the_closing_message(app, client, make_client, coordinator,
                                                                        final_id, world, mailbox):
    open_form(coordinator, final_id, closing_message="Sign-on closed on 8 March. Thank you!")
    with app.app_context():
        slug = slug_of(final_id)
    sign(client, slug)  # pending, to be confirmed after closing
    link = mailbox.link_in(confirmation(mailbox, "maria.lopez@trabajadoras.org.gt"), "/confirm/")

    response = coordinator.submit(f"/statements/{final_id}/transition", {"to": "signon_closed"})
    assert response.status_code == 302
    assert "Sign-on is closed: no new signatures can be added." in \
        flashes(text_of(coordinator.get(f"/statements/{final_id}")))
    page = text_of(client.get(f"/s/{slug}"))
    assert "Sign-on is closed" in page and "Sign-on closed on 8 March. Thank you!" in page
    assert 'name="organization_name"' not in page

    refused = sign(make_client(), slug, organization_name="Late Union", contact_email="late@union.example.net")
    assert refused.status_code == 403
    assert "Sign-on for this statement is closed, so no new signatures can be added. Sign-on closed on 8 March." \
        in text_of(refused)
    late_confirm = make_client().submit(link)
    assert late_confirm.status_code == 403
    with app.app_context():
        assert [s.status for s in signons()] == ["pending"]
        assert transitions(final_id)[-1] == ("signon_open", "signon_closed", world.user_ids["coordinator"])


def test_the_deadline_closes_sign_on_at_the_next_public_request(app, client, make_client, coordinator, final_id):
    open_form(coordinator, final_id, deadline_date="2099-03-08", closing_message="The deadline has passed.")
    with app.app_context():
        statement = db.session.get(Statement, final_id)
        slug = statement.slug
        statement.signon_deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()

    page = text_of(client.get(f"/s/{slug}"))
    assert "Sign-on is closed" in page and "The deadline has passed." in page
    assert 'name="organization_name"' not in page
    with app.app_context():
        assert db.session.get(Statement, final_id).state == "signon_closed"
        assert transitions(final_id)[-1] == ("signon_open", "signon_closed", None)  # done by no one
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "statement.signon_closed"))
        assert event.actor_id is None
    assert sign(make_client(), slug).status_code == 403
    assert client.get(f"/api/v1/statements/{slug}").get_json()["signon_open"] is False
    with app.app_context():
        assert signons() == []
        assert len(transitions(final_id)) == 3  # final, open, closed: closed once


def test_a_form_sent_after_the_deadline_is_refused_even_if_nobody_visited_since(app, client, coordinator,
                                                                                final_id):
    open_form(coordinator, final_id)
    with app.app_context():
        statement = db.session.get(Statement, final_id)
        slug = statement.slug
        statement.signon_deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = sign(client, slug)
    assert response.status_code == 403
    assert "Sign-on for this statement is closed" in text_of(response)
    with app.app_context():
        assert signons() == []
        assert db.session.get(Statement, final_id).state == "signon_closed"


def test_visitors_arriving_together_after_the_deadline_all_see_the_closed_page(app, make_client, coordinator,
                                                                               final_id, monkeypatch):
    open_form(coordinator, final_id)
    with app.app_context():
        statement = db.session.get(Statement, final_id)
        slug = statement.slug
        statement.signon_deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()

    # both requests have read the statement as open before either closes it
    both_read = threading.Barrier(2, timeout=10)
    waited = []
    original = drafts.lock_for_writing

    def lock_after_both_read(statement):
        if len(waited) < 2:
            waited.append(1)
            both_read.wait()
        return original(statement)

    monkeypatch.setattr(drafts, "lock_for_writing", lock_after_both_read)
    statuses = []

    def visit():
        response = make_client().get(f"/s/{slug}")
        statuses.append((response.status_code, "Sign-on is closed" in text_of(response)))

    visitors = [threading.Thread(target=visit) for _ in range(2)]
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join(30)
    assert statuses == [(200, True), (200, True)]
    with app.app_context():
        assert [t for t in transitions(final_id) if t[1] == "signon_closed"] == [("signon_open", "signon_closed", None)]


def test_reopening_the_draft_closes_sign_on_first(app, client, coordinator, final_id, world):
    open_form(coordinator, final_id)
    with app.app_context():
        slug = slug_of(final_id)
    response = coordinator.submit(f"/statements/{final_id}/transition", {"to": "draft"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Statement, final_id).state == "draft"
        me = world.user_ids["coordinator"]
        assert transitions(final_id)[-2:] == [("signon_open", "signon_closed", me), ("signon_closed", "draft", me)]
    assert client.get(f"/s/{slug}").status_code == 404  # a draft is not public
    assert sign(client, slug).status_code == 404


def test_sign_on_reopens_after_closing(app, client, coordinator, final_id):
    open_form(coordinator, final_id)
    coordinator.submit(f"/statements/{final_id}/transition", {"to": "signon_closed"})
    page = text_of(coordinator.get(f"/statements/{final_id}/signon/open"))
    assert "Reopen sign-on" in page
    assert open_form(coordinator, final_id, requires_approval=None).status_code == 302
    with app.app_context():
        slug = slug_of(final_id)
        assert db.session.get(Statement, final_id).state == "signon_open"
    assert sign(client, slug).status_code == 302


def test_an_open_sign_on_cannot_be_opened_again(app, coordinator, final_id):
    open_form(coordinator, final_id)
    response = open_form(coordinator, final_id, requires_approval=None)
    assert response.status_code == 302
    assert "Sign-on can only open on a final text" in flashes(text_of(coordinator.get(response.headers["Location"])))[0]
    with app.app_context():
        assert db.session.get(Statement, final_id).signon_requires_approval  # unchanged


def test_a_draft_or_unknown_slug_has_no_public_page(app, client, world):
    with app.app_context():
        draft_slug = slug_of(world.statement_id)
    for slug in (draft_slug, "no-such-statement"):
        for path in ("", "/signatories", "/signatories.json", "/signatories.csv", "/badge.svg", "/confirm-code"):
            assert client.get(f"/s/{slug}{path}").status_code == 404, path
        assert client.get(f"/api/v1/statements/{slug}").status_code == 404
        assert sign(client, slug).status_code == 404


def test_the_deadline_zone_offered_first_is_the_network_s(app, coordinator, final_id):
    from statements.export.models import NetworkSettings

    assert selected(coordinator.get(f"/statements/{final_id}/signon/open"), "timezone") == "UTC"
    with app.app_context():
        db.session.merge(NetworkSettings(id=1, name="Network", time_zone="America/Santiago"))
        db.session.commit()
    form = coordinator.get(f"/statements/{final_id}/signon/open")
    assert selected(form, "timezone") == "America/Santiago"
    assert '<optgroup label="Americas">' in form.get_data(as_text=True)  # grouped by region
    # once a deadline was given, its own zone comes back when sign-on reopens
    open_form(coordinator, final_id, deadline_date="2099-03-08", timezone="Asia/Manila")
    coordinator.submit(f"/statements/{final_id}/transition", {"to": "signon_closed"})
    assert selected(coordinator.get(f"/statements/{final_id}/signon/open"), "timezone") == "Asia/Manila"


def test_a_deadline_at_a_time_the_clocks_skip_is_refused(app, coordinator, final_id):
    # in Santiago summer time starts at midnight on the first Sunday of September: 00:30 does not exist
    response = open_form(coordinator, final_id, deadline_date="2099-09-06", deadline_time="00:30",
                         timezone="America/Santiago")
    assert response.status_code == 400
    assert "The clocks skip this time in this time zone" in field_error(response, "deadline_time")
    with app.app_context():
        assert db.session.get(Statement, final_id).state == "final"
