"""A sign-on sent to a page the app found open seconds ago, once the app has accepted one there, is taken without
the framework: the same checks, the same storing, the app's own answer with a session of the signer's own. Every
other request, and every one the app would refuse, reaches the app and gets its answer, as before."""

import html
import logging
import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select, update

from statements.core.db import utcnow
from statements.drafts.models import Statement
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.signons import views
from statements.signons.models import SignOn
from tests.signons.pages import form, form_errors, signons, text_of, typed
from tests.signons.test_public_page_cache import hidden_fields
from tests.signons.test_public_versions import SPANISH, add_version

SIGN_PATHS = re.compile(r"^/s/[^/]+/sign$")
OWN_HEADERS = ("X-Request-ID", "Set-Cookie", "Date", "Content-Length")
#: what differs from one stored sign-on to the next whatever path took it
OWN_COLUMNS = {"id", "organization_name", "name_key", "first_word", "sort_key", "acronym", "contact_email",
               "email_key", "confirm_nonce", "withdraw_nonce", "code_hash", "confirm_sent_at", "created_at"}


def visitor_with_form(make_client, slug: str):
    """A new visitor who opened the statement's page: their client and the form's hidden values."""
    visitor = make_client()
    page = visitor.get(f"/s/{slug}")
    assert page.status_code == 200
    return visitor, hidden_fields(text_of(page))


def signed(make_client, slug: str, number: int, **fields):
    visitor, hidden = visitor_with_form(make_client, slug)
    answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name=f"Union of Riders {number}",
                                                      contact_email=f"riders{number}@example.net",
                                                      **hidden, **fields))
    return visitor, answer


def row(organization_name: str) -> dict:
    found = db.session.execute(select(SignOn.__table__).where(SignOn.organization_name == organization_name)).one()
    return dict(found._mapping)


def shared_headers(answer) -> list[tuple[str, str]]:
    return sorted((name, value) for name, value in answer.headers.items() if name not in OWN_HEADERS)


def sign_posts_reaching_the_app(answered_by_the_app):
    return answered_by_the_app(lambda path: bool(SIGN_PATHS.match(path)))


def test_after_the_app_accepts_one_the_next_sign_ons_are_taken_as_the_app_takes_them(
        app, make_client, world, answered_by_the_app):
    slug = world.signon_slug
    first_visitor, first = signed(make_client, slug, 1)  # the app's own answer, which is kept
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        answers = [signed(make_client, slug, number) for number in (2, 3)]
    assert reached[0] == 0
    for visitor, answer in answers:
        assert answer.status_code == first.status_code == 302
        assert answer.headers["Location"] == first.headers["Location"]
        assert shared_headers(answer) == shared_headers(first)
        assert answer.headers["Set-Cookie"].partition(";")[2] == first.headers["Set-Cookie"].partition(";")[2]
        assert answer.get_data() == first.get_data()
        assert answer.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    # each signer's own session: the check-your-email page names the address they gave
    for number, (visitor, _answer) in zip((1, 2, 3), [(first_visitor, first), *answers]):
        page = text_of(visitor.get(f"/s/{slug}/check-email"))
        assert f"riders{number}@example.net" in page
    with app.app_context():
        stored = {name: row(name) for name in ("Union of Riders 1", "Union of Riders 2", "Union of Riders 3")}
        by_the_app = {key: value for key, value in stored["Union of Riders 1"].items() if key not in OWN_COLUMNS}
        for name in ("Union of Riders 2", "Union of Riders 3"):
            assert {key: value for key, value in stored[name].items() if key not in OWN_COLUMNS} == by_the_app
            assert stored[name]["status"] == "pending" and stored[name]["code_hash"]
        mails = db.session.scalars(select(OutboxMessage.to_address).order_by(OutboxMessage.id)).all()
        assert mails == [f"riders{number}@example.net" for number in (1, 2, 3)]


def test_a_sign_on_taken_here_is_logged_as_the_app_logs_it(app, make_client, world, caplog):
    slug = world.signon_slug
    signed(make_client, slug, 1)
    caplog.set_level(logging.INFO, logger="statements.requests")
    _visitor, answer = signed(make_client, slug, 2)
    lines = [record.getMessage() for record in caplog.records
             if record.name == "statements.requests" and answer.headers["X-Request-ID"] in record.getMessage()]
    assert len(lines) == 1
    assert re.fullmatch(rf"id={answer.headers['X-Request-ID']} method=POST path=/s/{slug}/sign status=302 "
                        r"ms=[0-9.]+ user=- addr=127\.0\.0\.1", lines[0])


REFUSED = [
    # (what is wrong, the fields sent instead, the status, what the page says)
    ("a name missing", {"organization_name": ""}, 400, "Enter your organization's name."),
    ("a name of spaces", {"organization_name": "   "}, 400, "Enter your organization's name."),
    ("a name too long", {"organization_name": "N" * 201}, 400, "Use at most 200 characters."),
    ("a country not on the list", {"country": "XX"}, 400, "from the list"),
    ("a type not on the list", {"org_type": "army"}, 400, "Choose the type of organization from the list."),
    ("an email that is not one", {"contact_email": "maria at example"}, 400, "Enter an email address like"),
    ("an odd way to appear", {"visibility": "loudly"}, 400, "Choose one of the three ways"),
    ("a website that is not one", {"website": "not a website"}, 400, "Enter a full web address"),
    ("a website on a host with no ending", {"website": "https://intranet/"}, 400, "Enter a full web address"),
    ("no authority ticked", {"authorized": None}, 400, "Tick the box to confirm"),
    ("the honeypot filled", {"nickname": "bot"}, 400, "within seconds of the page opening"),
    ("no CSRF token", {"csrf_token": None}, 400, "This form has expired"),
    ("a forged CSRF token", {"csrf_token": "forged"}, 400, "This form has expired"),
]


@pytest.mark.parametrize("wrong, fields, status, said", REFUSED, ids=[case[0] for case in REFUSED])
def test_every_form_the_app_would_refuse_reaches_the_app_and_is_refused_as_before(
        app, make_client, world, answered_by_the_app, wrong, fields, status, said):
    slug = world.signon_slug
    signed(make_client, slug, 1)
    visitor, hidden = visitor_with_form(make_client, slug)
    sent = form(**{"organization_name": "Union of Walkers", "message": "Keep this message", **hidden, **fields})
    sent = {name: value for name, value in sent.items() if value is not None}
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        answer = visitor.post(f"/s/{slug}/sign", data=sent)
    assert reached[0] == 1
    assert answer.status_code == status
    assert said in html.unescape(text_of(answer))
    if "CSRF" not in wrong:
        assert typed(answer, "message") == "Keep this message"
    with app.app_context():
        assert [s.organization_name for s in signons()] == ["Union of Riders 1"]


def test_a_form_sent_too_fast_reaches_the_app_and_is_refused(app, make_client, world, monkeypatch,
                                                              answered_by_the_app):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 3)
    slug = world.signon_slug

    def sent_after(seconds: float, number: int, started: str | None = None):
        visitor, hidden = visitor_with_form(make_client, slug)
        with monkeypatch.context() as later:
            later.setattr(views, "time", SimpleNamespace(time=lambda: time.time() + seconds))
            return visitor.post(f"/s/{slug}/sign", data=form(
                organization_name=f"Union of Riders {number}", contact_email=f"riders{number}@example.net",
                **{**hidden, "started": started or hidden["started"]}))

    assert [sent_after(4, number).status_code for number in (1, 2)] == [302, 302]  # the second, taken here
    for number, started in ((3, None), (4, "forged"), (5, "1700000000.0")):
        with sign_posts_reaching_the_app(answered_by_the_app) as reached:
            answer = sent_after(0, number, started)
        assert reached[0] == 1 and answer.status_code == 400
        assert "within seconds of the page opening" in form_errors(answer)
    with app.app_context():
        assert sorted(s.organization_name for s in signons()) == ["Union of Riders 1", "Union of Riders 2"]


def test_anything_but_a_plain_form_from_a_plain_session_reaches_the_app(
        app, make_client, world, coordinator, answered_by_the_app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_LIMIT_PER_ADDRESS", "1000 per minute")
    slug = world.signon_slug
    path = f"/s/{slug}/sign"

    def fresh(client=None):
        """A visitor who opened the page (or `client`, opening it now), with a form of their own to send."""
        client = client or make_client()
        hidden = hidden_fields(text_of(client.get(f"/s/{slug}")))
        return client, form(organization_name="Union of Walkers", **hidden)

    def another_cookie_too():
        client, sent = fresh()
        cookie = f"session={client.get_cookie('session').value}; theme=dark"
        return lambda: make_client(use_cookies=False).post(path, data=sent, headers={"Cookie": cookie})

    def a_language_chosen():
        client = make_client()
        client.submit("/language", {"language": "es", "next": "/"})
        client, sent = fresh(client)
        return lambda: client.post(path, data=sent)

    def sent_with(change=lambda client, sent: client.post(path, data=sent), client=None):
        client, sent = fresh(client)
        return lambda: change(client, sent)

    cases = {  # each ready to send, then sent once the app has taken a sign-on (and its answer is kept)
        "a plain form": (sent_with, 0),
        "a query": (lambda: sent_with(lambda client, sent: client.post(f"{path}?x=1", data=sent)), 1),
        "multipart": (lambda: sent_with(lambda client, sent: client.post(path, data=sent,
                                                                         content_type="multipart/form-data")), 1),
        "a NUL character": (lambda: sent_with(lambda client, sent: client.post(path, data={
            **sent, "message": "a\x00b"})), 1),
        "no session": (lambda: sent_with(lambda client, sent: make_client(use_cookies=False).post(path, data=sent)), 1),
        "another cookie too": (another_cookie_too, 1),
        "a person signed in": (lambda: sent_with(client=coordinator), 1),
        "a language chosen": (a_language_chosen, 1),
    }
    for number, (name, (ready, reaching)) in enumerate(cases.items()):
        send = ready()
        signed(make_client, slug, number)  # (by the app, when its kept answer was forgotten on the way)
        with sign_posts_reaching_the_app(answered_by_the_app) as reached:
            answer = send()
        assert reached[0] == reaching, name
        assert answer.status_code in (302, 400), name
        with app.app_context():
            db.session.execute(delete(SignOn).where(SignOn.organization_name == "Union of Walkers"))
            db.session.commit()


def test_the_limit_counts_every_sign_on_from_an_address_whichever_path_took_it(
        app, make_client, world, monkeypatch, answered_by_the_app):
    monkeypatch.setitem(app.config, "SIGNON_LIMIT_PER_ADDRESS", "3 per minute")
    slug = world.signon_slug
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        statuses = [signed(make_client, slug, number)[1].status_code for number in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert reached[0] == 3  # the first, by the app; the two over the limit, refused by the app
    with app.app_context():
        assert len(signons()) == 3


def test_closed_elsewhere_after_the_page_was_seen_the_app_says_so_and_nothing_is_stored(
        app, make_client, world, answered_by_the_app):
    slug = world.signon_slug
    signed(make_client, slug, 1)
    visitor, hidden = visitor_with_form(make_client, slug)
    with app.app_context():
        with db.engine.begin() as connection:  # as another process would: past this one's events
            connection.execute(update(Statement).where(Statement.slug == slug).values(
                state="signon_closed", signon_closing_message="Thank you, all 300 of you."))
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name="Too Late Collective", **hidden))
    assert reached[0] == 1 and answer.status_code == 403
    assert "Thank you, all 300 of you." in text_of(answer)
    with app.app_context():
        assert [s.organization_name for s in signons()] == ["Union of Riders 1"]


def test_past_the_deadline_the_app_answers(app, make_client, world, answered_by_the_app):
    slug = world.signon_slug
    with app.app_context():
        db.session.execute(update(Statement).where(Statement.slug == slug).values(
            signon_deadline=utcnow() + timedelta(hours=1)))
        db.session.commit()
    signed(make_client, slug, 1)
    visitor, hidden = visitor_with_form(make_client, slug)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(update(Statement).where(Statement.slug == slug).values(
                signon_deadline=utcnow() - timedelta(seconds=1)))
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name="After Hours Network", **hidden))
    assert reached[0] == 1 and answer.status_code == 403
    with app.app_context():
        assert [s.organization_name for s in signons()] == ["Union of Riders 1"]


def test_over_https_the_referrer_is_checked_as_the_app_checks_it(app, make_client, world, answered_by_the_app):
    slug, origin = world.signon_slug, "https://localhost"

    def over_https(number: int, **headers):
        visitor = make_client()
        hidden = hidden_fields(text_of(visitor.get(f"/s/{slug}", base_url=origin)))
        return visitor.post(f"/s/{slug}/sign", base_url=origin, headers=headers, data=form(
            organization_name=f"Secure Union {number}", contact_email=f"secure{number}@example.net", **hidden))

    assert over_https(1, Referer=f"{origin}/s/{slug}").status_code == 302
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        assert over_https(2, Referer=f"{origin}/s/{slug}").status_code == 302
    assert reached[0] == 0
    for number, headers in ((3, {}), (4, {"Referer": f"https://elsewhere.example/s/{slug}"})):
        with sign_posts_reaching_the_app(answered_by_the_app) as reached:
            answer = over_https(number, **headers)
        assert reached[0] == 1 and answer.status_code == 400
    with app.app_context():
        assert sorted(s.organization_name for s in signons()) == ["Secure Union 1", "Secure Union 2"]


def test_a_sign_on_from_a_version_taken_here_speaks_its_language(app, make_client, world, answered_by_the_app):
    spanish = add_version(app, world, world.signon_slug, "es", SPANISH)
    signed(make_client, spanish, 1)
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        visitor, answer = signed(make_client, spanish, 2)
    assert reached[0] == 0 and answer.headers["Location"].endswith(f"/s/{spanish}/check-email")
    assert "riders2@example.net" in text_of(visitor.get(answer.headers["Location"]))
    with app.app_context():
        assert row("Union of Riders 2")["language"] == "es"
        assert row("Union of Riders 2")["statement_id"] == row("Union of Riders 1")["statement_id"]


def test_the_same_form_sent_twice_is_one_sign_on_whichever_path_took_it(app, make_client, world):
    slug = world.signon_slug
    signed(make_client, slug, 1)
    visitor, hidden = visitor_with_form(make_client, slug)
    sent = form(organization_name="Twice Sent Union", contact_email="twice@example.net", **hidden)
    answers = [visitor.post(f"/s/{slug}/sign", data=sent) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [302, 302]
    with app.app_context():
        assert [s.organization_name for s in signons()].count("Twice Sent Union") == 1
        assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.to_address == "twice@example.net")) == 1
    assert "twice@example.net" in text_of(visitor.get(f"/s/{slug}/check-email"))
    assert form_errors(answers[1]) == ""


def test_a_failure_while_taking_a_sign_on_leaves_it_to_the_app(app, make_client, world, monkeypatch,
                                                               answered_by_the_app):
    slug = world.signon_slug
    signed(make_client, slug, 1)
    failures = []
    store = views.store_signon

    def failing_once(*args, **kwargs):
        if not failures:
            failures.append("the database went away")
            raise RuntimeError(failures[0])
        return store(*args, **kwargs)

    monkeypatch.setattr(views, "store_signon", failing_once)
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        visitor, answer = signed(make_client, slug, 2)
    assert failures and reached[0] == 1 and answer.status_code == 302
    assert "riders2@example.net" in text_of(visitor.get(f"/s/{slug}/check-email"))
    with app.app_context():
        assert sorted(s.organization_name for s in signons()) == ["Union of Riders 1", "Union of Riders 2"]


def test_a_form_corrected_after_the_apps_refusal_is_taken_without_the_framework(
        app, make_client, world, answered_by_the_app):
    slug = world.signon_slug
    signed(make_client, slug, 1)
    visitor, hidden = visitor_with_form(make_client, slug)
    sent = form(organization_name="Union of Walkers", contact_email="walkers at example", **hidden)
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        refused = visitor.post(f"/s/{slug}/sign", data=sent)
    assert reached[0] == 1 and refused.status_code == 400
    again = {**sent, **hidden_fields(text_of(refused)), "contact_email": "walkers@example.net"}
    with sign_posts_reaching_the_app(answered_by_the_app) as reached:
        answer = visitor.post(f"/s/{slug}/sign", data=again)
    assert reached[0] == 0 and answer.status_code == 302
    assert "walkers@example.net" in text_of(visitor.get(f"/s/{slug}/check-email"))
    with app.app_context():
        assert sorted(s.organization_name for s in signons()) == ["Union of Riders 1", "Union of Walkers"]


FILLINGS = [
    form(),
    form(visibility=None, website=None, message=None, country=None),  # fields left out: their defaults
    form(visibility="anonymous", consent_to_contact="y", website="www.example.org", message="  A word  "),
    form(website="http://192.168.0.10/", contact_email=" maria@example.org "),
    form(organization_name="", country="XX", org_type="army", contact_email="maria at example", visibility="loudly",
         website="https://intranet/", authorized=None, nickname="bot"),
]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_kept_form_reads_and_checks_each_filling_as_a_new_form_does(app, language):
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict

    from statements.signons.forms import SignOnForm

    with app.test_request_context(), force_locale(language):
        for fields in FILLINGS * 2:  # (the kept form is made by the first filling, and filled anew by the others)
            formdata = MultiDict(fields)
            kept = views._filled_signon_form(formdata, language)
            new = SignOnForm(formdata=formdata, meta={"csrf": False})
            assert (kept.validate(), kept.data) == (new.validate(), new.data)
            assert {name: [str(error) for error in errors] for name, errors in kept.errors.items()} == \
                {name: [str(error) for error in errors] for name, errors in new.errors.items()}
