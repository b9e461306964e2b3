"""A consent round: a coordinator asks the group's organizations for their position by a date; their
representatives answer (and change their answer until the date); the table, the reminders, and the result
recorded when the text is made final."""

import html
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from statements.accounts.models import User
from statements.audit.models import AuditEvent
from statements.consent import services as consent
from statements.consent.models import ConsentRound, Position
from statements.core.policy import Role
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.notifications import services as notifications
from statements.notifications.models import Notification
from tests.factories import make_membership, make_organization, make_user

UTC = timezone.utc


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def day(days_from_now: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days_from_now)).strftime("%Y-%m-%d")


@pytest.fixture
def orgs(app, world):
    """Three organizations in the home group: the member speaks for the first, the observer for the second, a
    new member for the third; a fourth organization is outside the group."""
    with app.app_context():
        names = ["Red de Mujeres Rurales", "Sindicato del Hogar", "Coastal Migrants Network"]
        made = [make_organization(name, "GT") for name in names]
        group = db.session.get(Statement, world.statement_id).group
        db.session.get(User, world.user_ids["member"]).organization_id = made[0].id
        db.session.get(User, world.user_ids["observer"]).organization_id = made[1].id
        third = make_user("third@example.org", "Third Person")
        third.organization_id = made[2].id
        make_membership(third, group, Role.MEMBER)
        outside = make_organization("Elsewhere Org", "FR")
        db.session.get(User, world.user_ids["outsider"]).organization_id = outside.id
        db.session.commit()
        return {"ids": [o.id for o in made], "outside": outside.id, "third": "third@example.org"}


def open_url(world) -> str:
    return f"/statements/{world.statement_id}/consent/open"


def round_url(world) -> str:
    return f"/statements/{world.statement_id}/consent"


def open_round(client, world, organization_ids, date=None, time="18:00"):
    return client.submit(open_url(world), {"organizations": [str(i) for i in organization_ids],
                                           "ends_date": date or day(5), "ends_time": time, "time_zone": "UTC"})


def answer(client, world, stance, comment=""):
    return client.submit(f"/statements/{world.statement_id}/consent/position", {"stance": stance, "comment": comment})


def login(make_client, email):
    client = make_client()
    client.login(email)
    return client


def test_a_coordinator_opens_a_round_and_representatives_answer(app, make_client, world, orgs):
    coordinator = login(make_client, world.emails["coordinator"])
    form = text_of(coordinator.get(open_url(world)))
    assert "Red de Mujeres Rurales" in form and "Elsewhere Org" not in form  # only the group's organizations
    response = open_round(coordinator, world, orgs["ids"] + [orgs["outside"]])
    assert response.status_code == 302
    member = login(make_client, world.emails["member"])
    assert answer(member, world, "support").status_code == 302
    observer = login(make_client, world.emails["observer"])
    assert answer(observer, world, "concerns", "Paragraph 2 should name domestic workers.").status_code == 302

    page = text_of(coordinator.get(round_url(world)))
    assert "1 organization supports" in page and "1 supports with concerns" in page
    assert "1 has not answered" in page and "Not answered yet" in page
    assert "Paragraph 2 should name domestic workers." in page and "Observer Person" in page
    with app.app_context():
        round_ = db.session.scalar(select(ConsentRound))
        assert sorted(a.organization_id for a in round_.asked) == sorted(orgs["ids"])  # the outside one left out
        assert round_.revision_number == 2
        told = db.session.scalars(select(Notification).where(Notification.kind == "consent_opened")).all()
        assert {n.user.email for n in told} == {world.emails["member"], world.emails["observer"], orgs["third"]}


def test_changing_a_position_keeps_the_history_and_the_latest_counts(app, make_client, world, orgs):
    open_round(login(make_client, world.emails["coordinator"]), world, orgs["ids"])
    member = login(make_client, world.emails["member"])
    answer(member, world, "cannot_support", "Too weak on finance.")
    answer(member, world, "concerns", "Better, but finance still vague.")
    page = text_of(member.get(round_url(world)))
    assert "1 supports with concerns" in page and "0 cannot support" in page
    assert "Every answer, newest first" in page and "recorded Cannot support for Red de Mujeres Rurales" in page
    with app.app_context():
        rows = db.session.scalars(select(Position).order_by(Position.id)).all()
        assert [r.stance for r in rows] == ["cannot_support", "concerns"]
        assert all(r.recorded_by.email == world.emails["member"] for r in rows)


def test_someone_who_represents_no_organization_is_refused(app, make_client, world, orgs):
    coordinator = login(make_client, world.emails["coordinator"])  # in the group, but no organization
    open_round(coordinator, world, orgs["ids"])
    response = answer(coordinator, world, "support")
    assert response.status_code == 403
    assert "Only someone who represents a member organization" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Position)) is None


def test_an_organization_not_asked_is_refused(app, make_client, world, orgs):
    open_round(login(make_client, world.emails["coordinator"]), world, orgs["ids"][:1])
    response = answer(login(make_client, world.emails["observer"]), world, "support")
    assert response.status_code == 403 and "was not asked" in text_of(response)


def test_a_round_whose_date_passed_takes_no_position(app, make_client, world, orgs):
    open_round(login(make_client, world.emails["coordinator"]), world, orgs["ids"])
    with app.app_context():
        db.session.scalar(select(ConsentRound)).ends_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    member = login(make_client, world.emails["member"])
    response = answer(member, world, "support")
    assert response.status_code == 409 and "positions can no longer be recorded" in text_of(response)
    assert "Record the position" not in text_of(member.get(round_url(world)))


@pytest.mark.parametrize("stance, comment, message", [
    ("concerns", "", "Say what your organization's concerns"),
    ("cannot_support", "   ", "Say what your organization's concerns"),
    ("support", "x" * 2001, "it can have at most 2000"),
    ("maybe", "", "Choose one of the three positions."),
])
def test_a_bad_answer_is_refused_and_kept(app, make_client, world, orgs, stance, comment, message):
    open_round(login(make_client, world.emails["coordinator"]), world, orgs["ids"])
    response = answer(login(make_client, world.emails["member"]), world, stance, comment)
    assert response.status_code == 400 and message in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Position)) is None


@pytest.mark.parametrize("date, time, message", [
    (day(-1), "18:00", "has already passed"),
    (day(200), "18:00", "at most 90 days"),
    ("", "18:00", "Give the date by which organizations answer."),
    ("2027-13-45", "18:00", "date like 2027-03-08"),
])
def test_a_bad_date_is_refused(app, make_client, world, orgs, date, time, message):
    coordinator = login(make_client, world.emails["coordinator"])
    response = coordinator.submit(open_url(world), {"organizations": [str(orgs["ids"][0])], "ends_date": date,
                                                    "ends_time": time, "time_zone": "UTC"})
    assert response.status_code == 400 and message in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(ConsentRound)) is None


def test_a_round_needs_an_organization(app, make_client, world, orgs):
    response = open_round(login(make_client, world.emails["coordinator"]), world, [])
    assert response.status_code == 400 and "Choose at least one organization" in text_of(response)


def test_a_second_round_while_one_is_open_is_refused(app, make_client, world, orgs):
    first, second = login(make_client, world.emails["coordinator"]), login(make_client, world.emails["admin"])
    assert open_round(first, world, orgs["ids"]).status_code == 302
    response = open_round(second, world, orgs["ids"])
    assert response.status_code == 400 and "already open" in text_of(response)
    with app.app_context():
        assert len(db.session.scalars(select(ConsentRound)).all()) == 1


def test_two_coordinators_opening_at_once_make_one_round(app, world, orgs):
    """Both start from a statement without a round; the lock makes the second see the first's."""
    results = []

    def open_one(user_key):
        with app.app_context():
            statement = db.session.get(Statement, world.statement_id)
            try:
                consent.open_round(db.session.get(User, world.user_ids[user_key]), statement, orgs["ids"],
                                   datetime.now(UTC) + timedelta(days=3))
                db.session.commit()
                results.append("opened")
            except Exception as error:  # noqa: BLE001 (either refusal counts: a conflict or the unique number)
                db.session.rollback()
                results.append(type(error).__name__)

    threads = [threading.Thread(target=open_one, args=(key,)) for key in ("coordinator", "admin")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("opened") == 1
    with app.app_context():
        assert len(db.session.scalars(select(ConsentRound)).all()) == 1


def test_no_round_on_a_final_text(app, make_client, world, orgs):
    coordinator = login(make_client, world.emails["coordinator"])
    coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final"})
    coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})
    response = open_round(coordinator, world, orgs["ids"])
    assert response.status_code == 400 and "a consent round is asked before the text is final" in text_of(response)


def test_a_stale_form_is_refused(app, make_client, world, orgs):
    open_round(login(make_client, world.emails["coordinator"]), world, orgs["ids"])
    member = login(make_client, world.emails["member"])
    response = member.post(f"/statements/{world.statement_id}/consent/position",
                           data={"csrf_token": "stale-token", "stance": "support"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Position)) is None


def test_another_group_s_statement_is_hidden(app, make_client, world, orgs):
    outsider = login(make_client, world.emails["outsider"])
    assert outsider.get(round_url(world)).status_code == 404
    assert answer(outsider, world, "support").status_code == 404


def test_reminders_go_to_those_who_have_not_answered(app, make_client, mailbox, world, orgs):
    open_round(login(make_client, world.emails["coordinator"]), world, orgs["ids"])
    answer(login(make_client, world.emails["member"]), world, "support")
    with app.app_context():
        ends = db.session.scalar(select(ConsentRound)).ends_at
        assert notifications.tick(ends - timedelta(hours=72))["consent_ending"] == 0
        assert notifications.tick(ends - timedelta(hours=47))["consent_ending"] == 1
        assert notifications.tick(ends - timedelta(hours=46))["consent_ending"] == 0  # once
        db.session.commit()
    mailbox.deliver()
    reminded = {m["To"] for m in mailbox.messages if "still awaited" in m["Subject"]}
    assert reminded == {world.emails["observer"], orgs["third"]}


def test_the_home_page_lists_the_awaited_position(app, make_client, world, orgs):
    open_round(login(make_client, world.emails["coordinator"]), world, orgs["ids"])
    member = login(make_client, world.emails["member"])
    assert "Your organization's position is awaited" in text_of(member.get("/"))
    answer(member, world, "support")
    assert "Your organization's position is awaited" not in text_of(member.get("/"))


def test_making_the_text_final_shows_and_records_the_result(app, make_client, world, orgs):
    coordinator = login(make_client, world.emails["coordinator"])
    open_round(coordinator, world, orgs["ids"])
    answer(login(make_client, world.emails["member"]), world, "support")
    answer(login(make_client, world.emails["observer"]), world, "cannot_support", "We cannot sign this.")
    asked = coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final"})
    page = text_of(asked)
    assert "Result of the consent round" in page and "Cannot support: Sindicato del Hogar" in page
    assert "1 has not answered" in page
    done = coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})
    assert done.status_code == 302
    statement_page = text_of(coordinator.get(f"/statements/{world.statement_id}"))
    assert "consent round recorded with revision 2: 1 support, 0 with concerns, 1 cannot support, " \
           "1 did not answer" in statement_page
    with app.app_context():
        round_ = db.session.scalar(select(ConsentRound))
        assert round_.recorded_at is not None and round_.final_revision_number == 2
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consent.recorded")) is not None
    refused = answer(login(make_client, orgs["third"]), world, "support")
    assert refused.status_code == 409


ENDED = "Consent round ended: make the text final or revise it"
ALL_ANSWERED = "Every organization asked has answered: make the text final or revise it"


def end_the_round(app) -> datetime:
    """Move the round's end into the past, as time passing would; return it."""
    with app.app_context():
        round_ = db.session.scalar(select(ConsentRound))
        round_.ends_at = datetime.now(UTC) - timedelta(minutes=5)
        db.session.commit()
        return round_.ends_at


def test_coordinators_are_told_once_when_a_round_ends_and_their_home_page_says_what_to_decide(
        app, make_client, world, orgs):
    coordinator = login(make_client, world.emails["coordinator"])
    open_round(coordinator, world, orgs["ids"])
    member = login(make_client, world.emails["member"])
    answer(member, world, "support")
    assert ENDED not in text_of(coordinator.get("/"))  # still open, and two have not answered
    ends = end_the_round(app)
    with app.app_context():
        assert notifications.tick(ends + timedelta(minutes=1))["consent_ended"] == 1
        assert notifications.tick(ends + timedelta(minutes=2))["consent_ended"] == 0  # once
        db.session.commit()
        told = db.session.scalars(select(Notification).where(Notification.kind == "consent_ended")).all()
        assert {n.user_id for n in told} == {world.user_ids["coordinator"]}
    home = text_of(coordinator.get("/"))
    assert ENDED in home and "1 of 3 organizations answered" in home
    assert "The consent round has ended: read the positions, then make the text final or revise it." in \
        text_of(coordinator.get("/notifications"))
    assert ENDED not in text_of(member.get("/"))  # the decision is the coordinators'
    round_page = text_of(coordinator.get(round_url(world)))
    assert "Decide the next step: make the text final or revise it" in round_page
    assert "Decide the next step" not in text_of(member.get(round_url(world)))

    done = coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})
    assert done.status_code == 302
    assert ENDED not in text_of(coordinator.get("/"))
    assert "Decide the next step" not in text_of(coordinator.get(round_url(world)))


def test_the_coordinator_may_decide_as_soon_as_every_organization_asked_has_answered(app, make_client, world, orgs):
    coordinator = login(make_client, world.emails["coordinator"])
    open_round(coordinator, world, orgs["ids"][:2])
    answer(login(make_client, world.emails["member"]), world, "support")
    assert ALL_ANSWERED not in text_of(coordinator.get("/"))
    answer(login(make_client, world.emails["observer"]), world, "concerns", "Say who pays.")
    home = text_of(coordinator.get("/"))
    assert ALL_ANSWERED in home and "2 of 2 organizations answered" in home
    assert "Decide the next step: make the text final or revise it" in text_of(coordinator.get(round_url(world)))
    with app.app_context():
        assert notifications.tick()["consent_ended"] == 0  # the round itself has not ended


def test_a_newer_round_replaces_the_result_of_the_last(app, make_client, world, orgs):
    coordinator = login(make_client, world.emails["coordinator"])
    open_round(coordinator, world, orgs["ids"])
    ends = end_the_round(app)
    assert ENDED in text_of(coordinator.get("/"))
    assert open_round(coordinator, world, orgs["ids"]).status_code == 302
    assert ENDED not in text_of(coordinator.get("/"))
    with app.app_context():
        assert notifications.tick(ends + timedelta(minutes=1))["consent_ended"] == 0


def test_the_statement_page_links_to_the_round(app, make_client, world, orgs):
    coordinator = login(make_client, world.emails["coordinator"])
    page = coordinator.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert f"/statements/{world.statement_id}/consent/open" in page
    open_round(coordinator, world, orgs["ids"])
    page = text_of(coordinator.get(f"/statements/{world.statement_id}"))
    assert "Organizations answer by" in page and "3 have not answered" in page


def test_a_round_alone_makes_the_final_step_ask_first(app, make_client, world, orgs):
    with app.app_context():  # a statement with no open thread
        coordinator_user = db.session.get(User, world.user_ids["coordinator"])
        statement = drafts.create_statement(coordinator_user, coordinator_user.memberships[0].group,
                                            "Early warnings", "", "en", "", "Warnings in every language.")
        db.session.commit()
        statement_id = statement.id
    coordinator = login(make_client, world.emails["coordinator"])
    coordinator.submit(f"/statements/{statement_id}/consent/open",
                       {"organizations": [str(i) for i in orgs["ids"]], "ends_date": day(3), "ends_time": "18:00",
                        "time_zone": "UTC"})
    asked = coordinator.submit(f"/statements/{statement_id}/transition", {"to": "final"})
    assert asked.status_code == 200
    page = text_of(asked)
    assert "Result of the consent round" in page and "3 have not answered" in page
    assert "comment thread" not in page
    with app.app_context():
        assert db.session.get(Statement, statement_id).state == "draft"  # nothing happened yet


def test_the_demo_has_a_finished_round_with_concerns(app, client):
    from statements.demo import DEMO_PASSWORD, load_demo

    with app.app_context():
        assert load_demo()
        db.session.commit()
        statement_id = db.session.scalar(select(Statement.id).where(Statement.slug == "early-warnings"))
    client.login("member@example.org", DEMO_PASSWORD)
    page = text_of(client.get(f"/statements/{statement_id}/consent"))
    assert "The round's result was recorded when revision 1 was made final." in page
    assert "2 organizations support" in page and "1 supports with concerns" in page and "1 has not answered" in page
    assert "name community loudspeakers" in page
    assert "consent round recorded with revision 1" in text_of(client.get(f"/statements/{statement_id}"))
