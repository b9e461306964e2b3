"""Opening a comment period with an end date in the coordinator's time zone, changing it, and the countdown."""

import html
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from statements.accounts.models import User, WorkingGroup
from statements.audit.models import AuditEvent
from statements.core.templating import countdown
from statements.core.timezones import NoSuchLocalTime, local_to_utc
from statements.drafts import services as drafts
from statements.drafts.models import Statement, Transition
from statements.export.models import NetworkSettings
from statements.extensions import db
from tests.drafts.pages import flashes

UTC = timezone.utc


def form_url(world) -> str:
    return f"/statements/{world.statement_id}/comment-period"


def period_form(day: str, time: str = "18:00", zone: str = "UTC", at_the_end: str = "remind",
                network: bool = False) -> dict:
    data = {"ends_date": day, "ends_time": time, "time_zone": zone, "at_the_end": at_the_end}
    if network:
        data["open_to_network"] = "y"
    return data


def stored(app, statement_id: int) -> dict:
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        return {"state": statement.state, "ends_at": statement.comment_period_ends_at,
                "closes_itself": statement.comment_period_closes_itself, "network": statement.open_to_network}


def local_day(days_from_now: int, zone: str = "UTC") -> str:
    return (datetime.now(UTC).astimezone(ZoneInfo(zone)) + timedelta(days=days_from_now)).strftime("%Y-%m-%d")


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def selected_zone(page: str) -> str:
    select_box = page.split('name="time_zone"', 1)[1].split("</select>", 1)[0]
    return re.search(r'<option selected value="([^"]+)"', select_box).group(1)


@pytest.fixture
def coordinator(client, world):
    client.login(world.emails["coordinator"])
    return client


def test_the_panel_offers_a_form_not_a_bare_button(coordinator, world):
    page = coordinator.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert f'href="/statements/{world.statement_id}/comment-period"' in page
    form = coordinator.get(form_url(world))
    assert form.status_code == 200
    page = text_of(form)
    assert "End of the comment period" in page and "Remind the coordinators" in page
    assert "Members of every group in the network may read the draft and comment" in page


def test_the_zone_offered_is_the_coordinator_s_own_else_the_network_s(app, coordinator, world):
    assert selected_zone(coordinator.get(form_url(world)).get_data(as_text=True)) == "UTC"
    with app.app_context():
        db.session.merge(NetworkSettings(id=1, name="Network", time_zone="America/Santiago"))
        db.session.commit()
    assert selected_zone(coordinator.get(form_url(world)).get_data(as_text=True)) == "America/Santiago"
    with app.app_context():
        db.session.get(User, world.user_ids["coordinator"]).time_zone = "Africa/Nairobi"
        db.session.commit()
    assert selected_zone(coordinator.get(form_url(world)).get_data(as_text=True)) == "Africa/Nairobi"


def test_opening_with_an_end_date_stores_it_in_utc_and_shows_a_countdown(app, coordinator, world):
    day = local_day(3, "Europe/Paris")
    response = coordinator.submit(form_url(world), period_form(day, "18:00", "Europe/Paris", "close", network=True))
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"])
    assert "The comment period is open: members are invited to comment." in flashes(page.get_data(as_text=True))
    expected = datetime.strptime(f"{day} 18:00", "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Europe/Paris"))
    assert stored(app, world.statement_id) == {"state": "comment_period", "ends_at": expected.astimezone(UTC),
                                               "closes_itself": True, "network": True}
    words = text_of(page)
    assert "The comment period ends" in words
    assert re.search(r"\b[234] days left\b", words)  # 3 days in Paris; the coordinator reads in UTC
    # every page of the statement says it, in the reader's own zone
    with app.app_context():
        db.session.get(User, world.user_ids["member"]).time_zone = "Europe/Paris"
        db.session.commit()
    coordinator.submit("/logout")
    coordinator.login(world.emails["member"])
    words = text_of(coordinator.get(f"/statements/{world.statement_id}/history"))
    assert "18:00, Paris time" in words and "3 days left" in words
    assert "Change the end" not in words  # a member cannot


def test_without_a_date_the_period_ends_by_hand(app, coordinator, world):
    assert coordinator.submit(form_url(world), period_form("")).status_code == 302
    assert stored(app, world.statement_id) == {"state": "comment_period", "ends_at": None, "closes_itself": False,
                                               "network": False}
    assert "days left" not in text_of(coordinator.get(f"/statements/{world.statement_id}"))


@pytest.mark.parametrize("day, time, message", [
    ("2020-01-01", "12:00", "This date and time has already passed."),
    ("2027-02-30", "12:00", "Give the end as a date like 2027-03-08 and a time like 18:00."),
    ("tomorrow", "12:00", "Write the date as year-month-day"),
    ("99999-01-01", "12:00", "Write the date as year-month-day"),
    ("9999-12-31", "23:59", "A comment period can last at most a year."),
    ("2027-03-08", "25:99", "Give the end as a date like 2027-03-08 and a time like 18:00."),
    ("2027-03-08", "noon", "Write the time as hours:minutes"),
    ("2027-03-08" * 1000, "12:00", "Write the date as year-month-day"),
])
def test_a_date_that_cannot_be_an_end_is_refused_by_its_field(app, coordinator, world, day, time, message):
    response = coordinator.submit(form_url(world), period_form(day, time))
    assert response.status_code == 400
    assert message in text_of(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert stored(app, world.statement_id)["state"] == "draft"


def test_a_past_date_is_refused_and_what_was_typed_is_kept(app, coordinator, world):
    yesterday = local_day(-1)
    response = coordinator.submit(form_url(world), period_form(yesterday, "09:30", "Asia/Kolkata", "close", True))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'value="{yesterday}"' in page and 'value="09:30"' in page
    assert selected_zone(page) == "Asia/Kolkata"


@pytest.mark.parametrize("zone", ["not/a-zone", "", "Europe/Paris" * 50])
def test_a_zone_not_on_the_list_is_refused(app, coordinator, world, zone):
    response = coordinator.submit(form_url(world), period_form(local_day(5), zone=zone))
    assert response.status_code == 400
    assert "Choose a time zone from the list." in text_of(response)


def _next_change(zone: str, skipped: bool) -> datetime:
    """The first local hour after now that the zone's clocks skip (or pass twice)."""
    tz = ZoneInfo(zone)
    start = datetime.now(UTC).astimezone(tz).replace(minute=30, second=0, microsecond=0, tzinfo=None)
    for hours in range(24, 24 * 366):
        local = start + timedelta(hours=hours)
        try:
            local_to_utc(local, zone)
        except NoSuchLocalTime:
            if skipped:
                return local
            continue
        # a time that exists yet reads two ways is one the clocks pass twice
        if not skipped and local.replace(tzinfo=tz, fold=0).utcoffset() != local.replace(tzinfo=tz, fold=1).utcoffset():
            return local
    pytest.skip(f"{zone} changes no clocks in the coming year")


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/Santiago"])
def test_a_time_the_clocks_skip_is_refused_with_what_to_do(app, coordinator, world, zone):
    gap = _next_change(zone, skipped=True)
    response = coordinator.submit(form_url(world), period_form(gap.strftime("%Y-%m-%d"), gap.strftime("%H:%M"), zone))
    assert response.status_code == 400
    assert "The clocks skip this time in this time zone (summer time starts then). Choose a time an hour later." \
        in text_of(response)
    assert stored(app, world.statement_id)["state"] == "draft"


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/Santiago"])
def test_a_time_the_clocks_pass_twice_is_taken_at_its_first_passing(app, coordinator, world, zone):
    twice = _next_change(zone, skipped=False)
    response = coordinator.submit(form_url(world), period_form(twice.strftime("%Y-%m-%d"), twice.strftime("%H:%M"),
                                                               zone))
    assert response.status_code == 302
    first = twice.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)
    assert stored(app, world.statement_id)["ends_at"] == first
    assert first < twice.replace(tzinfo=ZoneInfo(zone), fold=1).astimezone(UTC)


def test_a_coordinator_changes_or_removes_the_end_during_the_period(app, coordinator, world):
    coordinator.submit(form_url(world), period_form(local_day(10), "12:00", "UTC"))
    form = coordinator.get(form_url(world)).get_data(as_text=True)
    assert "Change the comment period" in form and f'value="{local_day(10)}"' in form
    response = coordinator.submit(form_url(world), period_form(local_day(4), "08:15", "UTC", "close"))
    assert response.status_code == 302
    assert "The comment period's settings are saved." in flashes(coordinator.get(response.headers["Location"])
                                                                 .get_data(as_text=True))
    ends = stored(app, world.statement_id)
    assert ends["ends_at"].strftime("%Y-%m-%d %H:%M") == f"{local_day(4)} 08:15" and ends["closes_itself"]
    assert coordinator.submit(form_url(world), period_form("", at_the_end="close")).status_code == 302
    # without an end there is nothing to close itself at
    assert stored(app, world.statement_id) == {"state": "comment_period", "ends_at": None, "closes_itself": False,
                                               "network": False}
    with app.app_context():
        changes = db.session.scalars(select(AuditEvent.summary).where(
            AuditEvent.action == "statement.comment_period_changed").order_by(AuditEvent.id)).all()
        assert len(changes) == 2 and "08:15 UTC" in changes[0] and "when a coordinator ends it" in changes[1]


def test_pressing_open_twice_opens_the_period_once(app, coordinator, world):
    data = period_form(local_day(6))
    assert coordinator.submit(form_url(world), data).status_code == 302
    assert coordinator.submit(form_url(world), data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Transition).where(
            Transition.statement_id == world.statement_id)) == 1


def test_a_final_text_has_no_comment_period_to_open(app, coordinator, world):
    coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})
    response = coordinator.submit(form_url(world), period_form(local_day(6)))
    assert response.status_code == 302
    assert "a comment period can open only on a draft" in " ".join(flashes(coordinator.get(
        response.headers["Location"]).get_data(as_text=True)))
    assert stored(app, world.statement_id)["state"] == "final"


@pytest.mark.parametrize("role, status", [("member", 403), ("observer", 403), ("outsider", 404)])
def test_only_coordinators_set_the_comment_period(app, client, world, role, status):
    client.login(world.emails[role])
    assert client.get(form_url(world)).status_code == status
    assert client.submit(form_url(world), period_form(local_day(3))).status_code == status
    assert stored(app, world.statement_id)["state"] == "draft"


def test_a_statement_of_another_group_is_not_found(app, coordinator, world):
    with app.app_context():
        group = db.session.get(WorkingGroup, world.other_group_id)
        theirs = drafts.create_statement(db.session.get(User, world.user_ids["admin"]), group, "Their statement", "",
                                         "en", "", "Text")
        db.session.commit()
        theirs_id = theirs.id
    assert coordinator.get(f"/statements/{theirs_id}/comment-period").status_code == 404
    assert coordinator.submit(f"/statements/{theirs_id}/comment-period", period_form(local_day(3))).status_code == 404
    assert coordinator.submit("/statements/999999999999/comment-period", period_form(local_day(3))).status_code == 404
    assert stored(app, theirs_id)["state"] == "draft"


NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("ends_at, language, words", [
    (NOW + timedelta(days=3), "en", "3 days left"),
    (NOW + timedelta(days=1), "en", "1 day left"),
    (NOW + timedelta(hours=5), "en", "ends today"),
    (NOW - timedelta(hours=2), "en", "ended today — waiting for the coordinator"),
    (NOW - timedelta(days=2), "en", "ended 2 days ago — waiting for the coordinator"),
    (NOW + timedelta(days=1), "es", "queda 1 día"),
    (NOW + timedelta(days=3), "es", "quedan 3 días"),
    (NOW + timedelta(days=2), "ar", "بقي يومان"),
    (NOW - timedelta(days=5), "fr", "terminée depuis 5 jours — en attente de la coordination"),
])
def test_the_countdown_counts_days_of_the_reader_s_calendar(app, ends_at, language, words):
    with app.test_request_context(), force_locale(language):
        assert words in countdown(ends_at, now=NOW)


def test_a_period_opened_again_keeps_nothing_of_the_last_one(app, coordinator, world):
    coordinator.submit(form_url(world), period_form(local_day(3), at_the_end="close", network=True))
    coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "draft"})
    assert coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "comment_period"}) \
        .status_code == 302
    assert stored(app, world.statement_id) == {"state": "comment_period", "ends_at": None, "closes_itself": False,
                                               "network": False}
    coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "draft"})
    form = coordinator.get(form_url(world)).get_data(as_text=True)
    assert 'name="ends_date" type="date" value=""' in form or f'value="{local_day(3)}"' not in form
