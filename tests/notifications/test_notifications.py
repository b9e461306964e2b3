"""Notifications: each kind reaches the people it concerns and no one else, in the app and by mail through a
real SMTP server, as each person chose; what they may no longer see disappears."""

import re
from datetime import timedelta

from sqlalchemy import select

from statements.accounts.models import User
from statements.core.db import utcnow
from statements.drafts.models import Statement, Transition
from statements.extensions import db
from statements.notifications.models import Notification
from tests.comments.pages import flashes
from tests.signons.pages import confirmation, sign

TITLE = "Climate displacement needs protection"


def logged_in(make_client, email: str):
    client = make_client()
    client.login(email)
    return client


def choose(client, **choices):
    response = client.submit("/account/notifications", choices)
    assert response.status_code == 302


def listed(client) -> list[str]:
    """The notifications a person's list shows, as plain text lines."""
    page = client.get("/notifications").get_data(as_text=True)
    items = re.findall(r'<li class="notification[^"]*">(.*?)</li>', page, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def unread_badge(client) -> str | None:
    page = client.get("/groups").get_data(as_text=True)
    found = re.search(r'<span class="nav-count" aria-hidden="true">([^<]+)</span>', page)
    return found.group(1) if found else None


def notifications_of(app, email: str) -> list[Notification]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
        db.session.expunge_all()
        return rows


def set_statement(app, statement_id: int, **values) -> None:
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        for name, value in values.items():
            setattr(statement, name, value)
        db.session.commit()


def set_zone(app, email: str, zone: str, language: str | None = None) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.time_zone, user.language = zone, language
        db.session.commit()


def open_comment_period(coordinator, statement_id: int):
    """Open the comment period through its form, with the end and the reach set on the statement beforehand."""
    with _app_of(coordinator).app_context():
        statement = db.session.get(Statement, statement_id)
        ends, network = statement.comment_period_ends_at, statement.open_to_network
        if ends is not None and ends <= utcnow():  # left from an earlier period: this one opens without an end
            ends = None
    data = {"ends_date": ends.strftime("%Y-%m-%d") if ends else "", "ends_time": ends.strftime("%H:%M") if ends else "",
            "time_zone": "UTC", "at_the_end": "remind"}
    if network:
        data["open_to_network"] = "y"
    response = coordinator.submit(f"/statements/{statement_id}/comment-period", data)
    assert response.status_code == 302, response.get_data(as_text=True)


def _app_of(client):
    return client.application


# --- who hears of what ----------------------------------------------------------------------------

def test_a_comment_period_opened_reaches_the_group_with_its_end_date_in_each_reader_s_zone(
        app, world, mailbox, make_client):
    ends = utcnow().replace(microsecond=0) + timedelta(days=10)
    set_statement(app, world.statement_id, comment_period_ends_at=ends)
    set_zone(app, world.emails["member"], "America/Mexico_City")
    member = logged_in(make_client, world.emails["member"])
    choose(member, period_opened="now")
    coordinator = logged_in(make_client, world.emails["coordinator"])

    open_comment_period(coordinator, world.statement_id)
    mailbox.deliver()

    assert [m["To"] for m in mailbox.messages] == [world.emails["member"]]  # the observer gets it in the digest
    [message] = mailbox.messages
    assert TITLE in message["Subject"] and "The comment period is open until" in message["Subject"]
    assert "Mexico City time" in mailbox.body(message)
    assert mailbox.link_in(message, "/statements/") == f"/statements/{world.statement_id}"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    observer = logged_in(make_client, world.emails["observer"])
    assert any("The comment period is open until" in line for line in listed(observer))
    assert listed(coordinator) == []  # who opened it is not told of it
    assert listed(logged_in(make_client, world.emails["outsider"])) == []


def test_a_comment_period_open_to_the_network_reaches_members_of_other_groups(app, world, mailbox, make_client):
    set_statement(app, world.statement_id, open_to_network=True)
    coordinator = logged_in(make_client, world.emails["coordinator"])

    open_comment_period(coordinator, world.statement_id)

    outsider = logged_in(make_client, world.emails["outsider"])
    assert [line for line in listed(outsider) if TITLE in line]
    set_statement(app, world.statement_id, open_to_network=False)  # no longer theirs to read
    assert listed(outsider) == []


def test_a_mention_shows_in_the_header_and_the_list_and_opening_it_marks_it_read(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson what do you think?"})
    observer = logged_in(make_client, world.emails["observer"])

    assert unread_badge(observer) == "1"
    [line] = listed(observer)
    assert "New" in line and TITLE in line and "Coordinator Person mentioned you in a thread." in line
    [row] = notifications_of(app, world.emails["observer"])
    response = observer.get(f"/notifications/{row.id}")
    assert response.headers["Location"] == f"/threads/{world.thread_id}"
    assert unread_badge(observer) is None
    assert "New" not in listed(observer)[0]
    # someone else's notification leads back to one's own list, saying nothing of it
    member = logged_in(make_client, world.emails["member"])
    response = member.get(f"/notifications/{row.id}")
    assert response.headers["Location"] == "/notifications"
    assert notifications_of(app, world.emails["observer"])[0].read_at is not None


def test_mark_all_read(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson one"})
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson two"})
    observer = logged_in(make_client, world.emails["observer"])
    assert unread_badge(observer) == "2"

    response = observer.submit("/notifications/read")

    assert "Every notification is marked read." in flashes(observer.get(response.headers["Location"])
                                                             .get_data(as_text=True))
    assert unread_badge(observer) is None


def test_a_reply_and_a_resolved_thread_reach_its_participants_only(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "Yes, legal."})
    member = logged_in(make_client, world.emails["member"])
    assert any("replied in a thread you take part in" in line for line in listed(member))

    coordinator.submit(f"/threads/{world.thread_id}/resolve")

    assert any("Coordinator Person resolved a thread you take part in." in line for line in listed(member))
    assert listed(logged_in(make_client, world.emails["observer"])) == []


def test_a_new_revision_tells_those_with_unread_comments_once_a_day(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "What about *legal*?"})
    with app.app_context():
        from statements.drafts import services as drafts

        statement = db.session.get(Statement, world.statement_id)
        observer = db.session.scalar(select(User).where(User.email == world.emails["observer"]))
        for number in (1, 2):
            drafts.save_revision(observer, statement, statement.latest_number,
                                 drafts.current_text(statement) + f"\n\nEdit {number}.", "")
        db.session.commit()

    member = logged_in(make_client, world.emails["member"])
    revisions = [line for line in listed(member) if "new revisions were saved" in line]
    assert len(revisions) == 1 and "2 new revisions" in revisions[0]
    assert not [line for line in listed(coordinator) if "revision" in line]  # wrote the latest comment


def test_sign_ons_waiting_reach_the_coordinators_once_a_day_with_the_count(app, world, mailbox, make_client):
    client = make_client()
    for number in (1, 2):
        email = f"office{number}@example.net"
        response = sign(client, world.signon_slug, organization_name=f"Organization {number}", contact_email=email)
        assert response.status_code == 302, response.get_data(as_text=True)
        client.submit(mailbox.link_in(confirmation(mailbox, email), "/confirm/"))

    coordinator = logged_in(make_client, world.emails["coordinator"])
    [line] = listed(coordinator)
    assert "2 sign-ons wait for approval." in line
    [row] = notifications_of(app, world.emails["coordinator"])
    assert coordinator.get(f"/notifications/{row.id}").headers["Location"].endswith("/signons")
    assert listed(logged_in(make_client, world.emails["member"])) == []


def test_each_lifecycle_step_reaches_the_group(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})

    member = logged_in(make_client, world.emails["member"])
    assert any("The text was made final." in line for line in listed(member))
    assert listed(logged_in(make_client, world.emails["outsider"])) == []


# --- what is no longer theirs disappears ---------------------------------------------------------

def test_a_member_removed_from_the_group_stops_at_once(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    open_comment_period(coordinator, world.statement_id)
    observer = logged_in(make_client, world.emails["observer"])
    assert listed(observer)

    response = coordinator.submit(
        f"/groups/{world.group_id}/members/{world.membership_ids['observer']}/remove")
    assert response.status_code == 302

    assert listed(observer) == [] and unread_badge(observer) is None
    [row] = notifications_of(app, world.emails["observer"])
    assert observer.get(f"/notifications/{row.id}").headers["Location"] == "/notifications"  # no 404 trail
    with app.app_context():
        from statements.notifications.services import send_digests

        send_digests()
    mailbox.deliver()
    assert mailbox.to(world.emails["observer"]) == []
    assert len(mailbox.to(world.emails["member"])) == 1


def test_a_mention_in_a_deleted_comment_disappears_and_is_not_mailed(app, world, mailbox, make_client):
    observer = logged_in(make_client, world.emails["observer"])
    choose(observer, mention="digest")
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson oops"})
    [row] = notifications_of(app, world.emails["observer"])

    coordinator.submit(f"/comments/{row.comment_id}/delete")

    assert listed(observer) == []
    with app.app_context():
        from statements.notifications.services import send_digests

        assert send_digests() == 0
    mailbox.deliver()
    assert mailbox.to(world.emails["observer"]) == []


# --- preferences ---------------------------------------------------------------------------------

def test_the_preferences_page_offers_three_choices_per_kind_and_keeps_them(app, world, make_client):
    member = logged_in(make_client, world.emails["member"])
    page = member.get("/account/notifications").get_data(as_text=True)
    assert 'id="mention-now" value="now" checked' in page and 'id="published-digest" value="digest" checked' in page
    assert page.count('type="radio"') == 13 * 3  # what only coordinators hear of is not offered to a member
    coordinator = logged_in(make_client, world.emails["coordinator"])
    assert coordinator.get("/account/notifications").get_data(as_text=True).count('type="radio"') == 18 * 3

    choose(member, published="off", mention="digest", reply="nonsense", unknown_kind="now")

    page = member.get("/account/notifications").get_data(as_text=True)
    assert 'id="published-off" value="off" checked' in page and 'id="mention-digest" value="digest" checked' in page
    assert 'id="reply-now" value="now" checked' in page  # a value not offered changes nothing


def test_a_kind_turned_off_sends_no_mail_but_still_lists(app, world, mailbox, make_client):
    observer = logged_in(make_client, world.emails["observer"])
    choose(observer, mention="off")
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson look"})

    mailbox.deliver()
    with app.app_context():
        from statements.notifications.services import send_digests

        send_digests()
    mailbox.deliver()

    assert mailbox.to(world.emails["observer"]) == []
    assert listed(observer)


# --- the daily digest -----------------------------------------------------------------------------

def test_the_digest_has_one_entry_per_statement_and_goes_once(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    open_comment_period(coordinator, world.statement_id)
    coordinator.submit(f"/threads/{world.thread_id}/resolve")
    with app.app_context():
        signing = db.session.scalar(select(Statement).where(Statement.slug == world.signon_slug))
        signing_id = signing.id
    coordinator.submit(f"/statements/{signing_id}/transition", {"to": "signon_closed"})
    coordinator.submit(f"/statements/{signing_id}/transition", {"to": "published", "confirmed": "yes"})

    result = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "digests queued" in result.output
    mailbox.deliver()

    [digest] = mailbox.to(world.emails["member"])
    body = mailbox.body(digest)
    assert digest["Subject"] == "Your daily digest: news on 2 statements"
    assert body.count(f"“{TITLE}”") == 1 and body.count("“Loss and damage for people who move”") == 1
    assert "The comment period is open." in body and "resolved a thread you take part in" in body
    assert "It was published." in body
    assert digest["List-Unsubscribe"].startswith("<http") and "/unsubscribe/" in digest["List-Unsubscribe"]

    mailbox.messages.clear()
    app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert mailbox.deliver() == {"sent": 0, "failed": 0}


# --- unsubscribing --------------------------------------------------------------------------------

def _unsubscribe_path(message) -> str:
    url = message["List-Unsubscribe"].strip("<>")
    return re.sub(r"^https?://[^/]+", "", url)


def _without_form_token(page: str) -> str:
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return page.replace(token, "TOKEN")


def test_one_click_unsubscribe_by_post_works_once_and_twice_alike(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson look"})
    mailbox.deliver()
    [message] = mailbox.to(world.emails["observer"])
    path = _unsubscribe_path(message)
    assert mailbox.link_in(message, "/unsubscribe/") == path
    mail_client = make_client()  # a mail program: no login, no form token

    looked = mail_client.get(path)
    assert looked.status_code == 200 and "Stop these emails" in looked.get_data(as_text=True)
    observer = logged_in(make_client, world.emails["observer"])
    assert 'id="mention-now" value="now" checked' in observer.get("/account/notifications").get_data(as_text=True)

    answers = [mail_client.post(path, data={"List-Unsubscribe": "One-Click"}) for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    # the same page twice, but for the form token, which is signed with the second it was made in
    first, second = (_without_form_token(a.get_data(as_text=True)) for a in answers)
    assert first == second
    assert "you no longer get emails about this: Someone mentions me" in answers[0].get_data(as_text=True)
    page = observer.get("/account/notifications").get_data(as_text=True)
    assert 'id="mention-off" value="off" checked' in page and 'id="reply-now" value="now" checked' in page
    mailbox.messages.clear()
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson again"})
    mailbox.deliver()
    assert mailbox.to(world.emails["observer"]) == []


def test_a_forged_unsubscribe_link_is_refused_clearly(app, world, make_client):
    client = make_client()
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("not the key", salt="statements:unsubscribe").dumps({"u": 1, "k": "mention"})
    for path in (f"/unsubscribe/{forged}", "/unsubscribe/" + "x" * 5000):
        for answer in (client.get(path), client.post(path)):
            assert answer.status_code == 400
            assert "This link is not valid" in answer.get_data(as_text=True)
    with app.app_context():
        from statements.core.tokens import make_token

        unknown_kind = make_token("unsubscribe", {"u": world.user_ids["member"], "k": "everything"})
        not_a_person = make_token("unsubscribe", {"u": "1", "k": "mention"})
    for token in (unknown_kind, not_a_person):
        assert client.post(f"/unsubscribe/{token}").status_code == 400


# --- the clock ------------------------------------------------------------------------------------

def _tick(app, now=None) -> dict:
    from statements.notifications.services import tick

    with app.app_context():
        done = tick(now)
        db.session.commit()
        return done


def test_the_48_hour_reminder_of_a_comment_period_goes_once(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    open_comment_period(coordinator, world.statement_id)
    member = logged_in(make_client, world.emails["member"])
    choose(member, period_ending="now")
    now = utcnow()
    set_statement(app, world.statement_id, comment_period_ends_at=now + timedelta(hours=49))

    assert _tick(app, now)["period_ending"] == 0
    assert _tick(app, now + timedelta(hours=1, minutes=1))["period_ending"] == 1
    assert _tick(app, now + timedelta(hours=2))["period_ending"] == 0
    mailbox.deliver()

    [message] = mailbox.to(world.emails["member"])
    assert "The comment period ends on" in message["Subject"]
    assert len([line for line in listed(member) if "ends on" in line]) == 1


def test_a_period_that_closes_itself_goes_back_to_draft_and_one_that_does_not_tells_the_coordinators(
        app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    open_comment_period(coordinator, world.statement_id)
    set_statement(app, world.statement_id, comment_period_ends_at=utcnow() - timedelta(minutes=1),
                  comment_period_closes_itself=True)

    result = app.test_cli_runner().invoke(args=["notifications", "tick"])

    assert result.exit_code == 0 and "comment periods closed: 1" in result.output
    with app.app_context():
        statement = db.session.get(Statement, world.statement_id)
        last = db.session.scalars(select(Transition).where(Transition.statement_id == statement.id)
                                  .order_by(Transition.id.desc())).first()
        assert statement.state == "draft" and (last.to_state, last.actor_id) == ("draft", None)

    open_comment_period(coordinator, world.statement_id)
    set_statement(app, world.statement_id, comment_period_ends_at=utcnow() - timedelta(minutes=1),
                  comment_period_closes_itself=False)
    assert _tick(app)["period_ended"] == 1 and _tick(app)["period_ended"] == 0
    with app.app_context():
        assert db.session.get(Statement, world.statement_id).state == "comment_period"
    assert [line for line in listed(coordinator) if "The comment period has ended" in line]
    assert not [line for line in listed(logged_in(make_client, world.emails["member"])) if "has ended" in line]


def test_a_sign_on_deadline_reminder_goes_once_and_a_deadline_past_closes_sign_on_without_one(
        app, world, mailbox, make_client):
    with app.app_context():
        statement_id = db.session.scalar(select(Statement.id).where(Statement.slug == world.signon_slug))
    now = utcnow()
    set_statement(app, statement_id, signon_deadline=now + timedelta(hours=47))
    assert _tick(app, now)["deadline_near"] == 1 and _tick(app, now)["deadline_near"] == 0
    coordinator = logged_in(make_client, world.emails["coordinator"])
    assert [line for line in listed(coordinator) if "Sign-on closes on" in line]
    assert not listed(logged_in(make_client, world.emails["member"]))

    set_statement(app, statement_id, signon_deadline=now - timedelta(hours=1))  # already past: no reminder
    done = _tick(app)
    assert (done["deadline_near"], done["signon_closed"]) == (0, 1)
    with app.app_context():
        assert db.session.get(Statement, statement_id).state == "signon_closed"


def test_a_deadline_reminder_counts_real_hours_across_a_daylight_saving_change(app, world, mailbox, make_client):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    with app.app_context():
        statement_id = db.session.scalar(select(Statement.id).where(Statement.slug == world.signon_slug))
    # noon in New York on the Monday after clocks went forward (Sunday 14 March 2027)
    deadline = datetime(2027, 3, 15, 12, 0, tzinfo=ZoneInfo("America/New_York")).astimezone(timezone.utc)
    set_statement(app, statement_id, signon_deadline=deadline, signon_timezone="America/New_York")
    set_zone(app, world.emails["coordinator"], "America/New_York")
    coordinator = logged_in(make_client, world.emails["coordinator"])
    choose(coordinator, deadline_near="now")

    assert _tick(app, deadline - timedelta(hours=48, minutes=1))["deadline_near"] == 0
    assert _tick(app, deadline - timedelta(hours=48))["deadline_near"] == 1
    mailbox.deliver()

    [message] = mailbox.to(world.emails["coordinator"])
    assert "15 Mar 2027, 12:00, New York time" in message["Subject"]


def test_a_mail_at_once_is_in_the_reader_s_language_and_time_zone(app, world, mailbox, make_client):
    ends = utcnow().replace(microsecond=0) + timedelta(days=3)
    set_statement(app, world.statement_id, comment_period_ends_at=ends)
    set_zone(app, world.emails["member"], "Africa/Nairobi", "es")
    member = logged_in(make_client, world.emails["member"])
    choose(member, period_opened="now")
    open_comment_period(logged_in(make_client, world.emails["coordinator"]), world.statement_id)
    mailbox.deliver()

    [message] = mailbox.to(world.emails["member"])
    assert "El periodo de comentarios está abierto hasta el" in message["Subject"]
    body = mailbox.body(message)
    assert "Hola, Member Person:" in body and "Nairobi" in body
    assert "Para dejar de recibir estos correos, con un clic:" in body


def test_the_unsubscribe_token_stays_out_of_the_request_log(app, world, caplog):
    with app.app_context():
        from statements.notifications.services import unsubscribe_token

        token = unsubscribe_token(db.session.get(User, world.user_ids["member"]), "mention")
    client = app.test_client()
    with caplog.at_level("INFO", logger="statements.requests"):
        client.get(f"/unsubscribe/{token}")
        client.post(f"/unsubscribe/{token}")
    assert token not in caplog.text and "/unsubscribe/(token)" in caplog.text


def test_opening_the_thread_or_the_statement_itself_marks_what_told_of_it_read(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson here"})
    open_comment_period(coordinator, world.statement_id)
    observer = logged_in(make_client, world.emails["observer"])
    assert unread_badge(observer) == "2"

    observer.get(f"/threads/{world.thread_id}")  # from the mail, say
    assert unread_badge(observer) == "1"
    observer.get(f"/statements/{world.statement_id}")
    assert unread_badge(observer) is None


def test_opening_a_statement_or_thread_with_nothing_unread_writes_nothing(app, world, make_client):
    """A page whose header counted nothing unread has nothing to mark read, and a statement already read
    at its latest revision keeps its reading as it was: opening them again writes neither."""
    from sqlalchemy import event

    observer = logged_in(make_client, world.emails["observer"])
    with app.app_context():
        engine = db.engine
    written = []

    def remember_writes(connection, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            written.append(statement)

    for path in (f"/statements/{world.statement_id}", f"/threads/{world.thread_id}"):
        observer.get(path)  # the first visit records the reading
        written.clear()
        event.listen(engine, "before_cursor_execute", remember_writes)
        try:
            assert observer.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", remember_writes)
        assert unread_badge(observer) is None
        assert [w for w in written if "notification" in w or "statement_read" in w] == [], path


def test_the_header_count_sees_what_the_request_changed_before_it_is_written(app, world):
    """The count runs on the driver's cursor; what the request changed is flushed first, as the session's
    own queries would, so a page drawn after a change counts it."""
    from statements.notifications import kinds, services

    with app.test_request_context("/"):
        observer = db.session.get(User, world.user_ids["observer"])
        before = services.unread_count(observer)
        db.session.add(Notification(user_id=observer.id, kind=kinds.NEW_REVISION, statement_id=world.statement_id))
        assert services.unread_count(observer) == before + 1
        for notification in db.session.scalars(select(Notification).where(Notification.user_id == observer.id)):
            services.mark_read(notification)
        assert services.unread_count(observer) == 0
        db.session.rollback()
