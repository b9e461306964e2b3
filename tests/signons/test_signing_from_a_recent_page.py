"""A sign-on sent from a page looked up seconds ago is stored without reading the statement again: the INSERT
checks that the statement is still open at the revision the page showed, and when it is not (a change made
through another process, which this one has not heard of), the statement is read and the form checked against
it, as for any other sign-on."""

import time
from datetime import timedelta

from sqlalchemy import event, update

from statements.core.db import utcnow
from statements.drafts.models import Revision, Statement
from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.signons.pages import flashes, form, form_errors, signons, statement_by_slug, text_of, typed
from tests.signons.test_public_page_cache import hidden_fields


def page_and_fields(client, slug: str) -> dict:
    page = client.get(f"/s/{slug}")
    assert page.status_code == 200
    return hidden_fields(text_of(page))


def changed_elsewhere(app, slug: str, **values) -> None:
    """Change the statement as another process would: past this process's ORM session and its events."""
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(update(Statement).where(Statement.slug == slug).values(**values))


def test_a_sign_on_from_a_page_seen_seconds_ago_does_not_read_the_statement_again(app, make_client, world):
    slug, visitor = world.signon_slug, make_client()
    fields = page_and_fields(visitor, slug)
    with app.app_context():
        engine = db.engine
    queries = []

    def keep(conn, cursor, statement, *args):
        queries.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", keep)
    try:
        answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name="Recent Page Union", **fields))
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/s/{slug}/check-email")
    assert not any(query.startswith("select") and "from statement" in query.split(" where ")[0]
                   for query in queries), queries
    assert any(query.startswith(("insert into signon", "with new_row")) for query in queries)
    with app.app_context():
        stored = signons()
        assert [s.organization_name for s in stored] == ["Recent Page Union"]
        assert stored[0].revision_id == statement_by_slug(slug).final_revision_id


def test_closed_elsewhere_after_the_page_was_seen_nothing_is_stored_and_the_signer_is_told(
        app, make_client, world):
    slug, visitor = world.signon_slug, make_client()
    fields = page_and_fields(visitor, slug)
    changed_elsewhere(app, slug, state="signon_closed", signon_closing_message="Thank you, all 300 of you.")

    answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name="Too Late Collective", **fields))
    assert answer.status_code == 403
    assert any("closed" in message and "Thank you, all 300 of you." in message for message in flashes(text_of(answer)))
    with app.app_context():
        assert signons() == []


def test_past_its_deadline_after_the_page_was_seen_nothing_is_stored_and_sign_on_closes(app, make_client, world):
    slug, visitor = world.signon_slug, make_client()
    with app.app_context():
        statement_by_slug(slug).signon_deadline = utcnow() + timedelta(hours=1)
        db.session.commit()
    fields = page_and_fields(visitor, slug)
    changed_elsewhere(app, slug, signon_deadline=utcnow() - timedelta(seconds=1))

    answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name="After Hours Network", **fields))
    assert answer.status_code == 403
    with app.app_context():
        assert signons() == []
        assert statement_by_slug(slug).state == "signon_closed"


def test_corrected_elsewhere_after_the_page_was_seen_the_sign_on_is_of_the_text_now_final(
        app, make_client, world):
    slug, visitor = world.signon_slug, make_client()
    fields = page_and_fields(visitor, slug)
    with app.app_context():
        statement = statement_by_slug(slug)
        corrected = Revision(statement_id=statement.id, number=statement.latest_number + 1,
                             content="A corrected final text.", is_snapshot=True, word_count=4)
        db.session.add(corrected)
        db.session.commit()  # (a revision alone is not shown on the page: this process keeps its facts)
        corrected_id = corrected.id
    changed_elsewhere(app, slug, final_revision_id=corrected_id)

    answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name="Corrected Text Alliance", **fields))
    assert answer.status_code == 302
    with app.app_context():
        assert [(s.organization_name, s.revision_id) for s in signons()] == \
            [("Corrected Text Alliance", corrected_id)]


def test_a_statement_that_keeps_changing_while_it_is_signed_gets_a_conflict_and_nothing_stored(
        app, make_client, world, monkeypatch):
    from statements.signons import services

    slug, visitor = world.signon_slug, make_client()
    fields = page_and_fields(visitor, slug)
    tries = []

    def never_open(connection, signon, statement, writer, **arguments):
        tries.append(statement)
        return None

    monkeypatch.setattr(services, "_store_with_mail", never_open)
    answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name="Moving Target Union", **fields))
    assert answer.status_code == 409
    assert "The statement changed while your form was on its way" in form_errors(answer)
    assert typed(answer, "organization_name") == "Moving Target Union"  # the answers are kept
    assert len(tries) == 3  # the page's facts, then the statement read twice
    with app.app_context():
        assert signons() == []


def test_a_form_sent_again_after_sign_on_closed_elsewhere_changes_nothing(app, make_client, world):
    slug, visitor = world.signon_slug, make_client()
    fields = page_and_fields(visitor, slug)
    first = visitor.post(f"/s/{slug}/sign", data=form(organization_name="Second Thoughts Union", **fields))
    assert first.status_code == 302
    with app.app_context():
        mails_before = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))
    fields = page_and_fields(visitor, slug)
    changed_elsewhere(app, slug, state="signon_closed")

    # the same name and address again, with a corrected message: the earlier sign-on is not changed
    again = visitor.post(f"/s/{slug}/sign", data=form(organization_name="Second Thoughts Union",
                                                      message="A corrected message", **fields))
    assert again.status_code == 403
    with app.app_context():
        assert [(s.organization_name, s.message) for s in signons()] == [("Second Thoughts Union", "")]
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == mails_before


def woken_within(seen: list, seconds: float = 5.0) -> list:
    """What `seen` holds once it holds something, or after `seconds`."""
    deadline = time.monotonic() + seconds
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)
    return seen


def test_the_mail_sender_is_woken_once_the_sign_on_and_its_mail_are_committed_and_not_for_nothing(
        app, make_client, world, monkeypatch):
    """A sign-on taken from a recent page is written on a connection of its own: the sender is asked for once that
    is committed, when another connection sees the sign-on and its confirmation (a moment later, once for the
    sign-ons of that moment); a sign-on not stored asks for none."""
    from sqlalchemy import func, select

    from statements.core import jobs
    from statements.signons.models import SignOn

    slug, visitor = world.signon_slug, make_client()
    with app.app_context():
        engine = db.engine
    seen_when_woken = []

    def woken(path, *args, **options):
        with engine.connect() as other:  # (another connection: only what is committed)
            seen_when_woken.append((path, other.scalar(select(func.count()).select_from(SignOn)),
                                    other.scalar(select(func.count()).select_from(OutboxMessage))))
        return True

    monkeypatch.setattr(jobs, "enqueue", woken)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://never-reached.invalid/0")  # (enqueue is the stand-in)
    for count, name in enumerate(("Committed First Union", "Committed Second Union"), start=1):
        fields = page_and_fields(visitor, slug)
        assert visitor.post(f"/s/{slug}/sign", data=form(organization_name=name, **fields)).status_code == 302
        assert woken_within(seen_when_woken) == [("statements.mail.services.deliver_pending", count, count)]
        seen_when_woken.clear()

    fields = page_and_fields(visitor, slug)
    changed_elsewhere(app, slug, state="signon_closed")
    assert visitor.post(f"/s/{slug}/sign", data=form(organization_name="Never Stored Union", **fields)).status_code \
        == 403
    time.sleep(jobs.GATHER_SECONDS * 10)
    assert seen_when_woken == []
    with app.app_context():
        assert sorted(s.organization_name for s in signons()) == ["Committed First Union", "Committed Second Union"]
