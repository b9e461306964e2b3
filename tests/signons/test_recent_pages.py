"""A first visit to a statement's public page, within seconds of the app making or checking it, gets the answer
the app gave, with values of its own, without the framework; anything else is answered by the app, as before."""

import gzip
import logging
import re
import time
from datetime import timedelta

import brotli
import pytest
from sqlalchemy import update

from statements.core.db import utcnow
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons.models import SignOn
from tests.conftest import cookieless
from tests.signons.pages import form, public_count, signons, statement_by_slug, text_of
from tests.signons.test_public_page_cache import hidden_fields

OWN_HEADERS = ("X-Request-ID", "Set-Cookie", "Date", "Content-Length")


def shared_headers(response) -> list[tuple[str, str]]:
    return sorted((name, value) for name, value in response.headers.items() if name not in OWN_HEADERS)


def body(response) -> str:
    """The page, uncompressed as a browser would."""
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        data = brotli.decompress(data)
    elif encoding == "gzip":
        data = gzip.decompress(data)
    return data.decode()


def the_same_for_everyone(page: str) -> str:
    fields = hidden_fields(page)
    return page.replace(fields["csrf_token"], "T").replace(fields["started"], "S")


def cookie_attributes(response) -> str:
    return response.headers["Set-Cookie"].partition(";")[2]


@pytest.mark.parametrize("accepted", ["", "gzip", "gzip, deflate, br"])
def test_a_first_visit_gets_the_apps_answer_with_values_of_its_own(app, world, answered_by_the_app, accepted):
    path = f"/s/{world.signon_slug}"
    headers = {"Accept-Encoding": accepted} if accepted else {}
    with answered_by_the_app() as reached:
        first = cookieless(app).get(path, headers=headers)
    assert reached[0] == 1 and first.status_code == 200

    with answered_by_the_app() as reached:
        again = [cookieless(app).get(path, headers=headers) for _ in range(3)]
    assert reached[0] == 0
    expected_encoding = {"": None, "gzip": "gzip"}.get(accepted, "br")
    for answer in [first, *again]:
        assert answer.status_code == 200
        assert answer.headers.get("Content-Encoding") == expected_encoding
        assert int(answer.headers["Content-Length"]) == len(answer.get_data())
        assert shared_headers(answer) == shared_headers(first)  # every header but each answer's own
        assert cookie_attributes(answer) == cookie_attributes(first) == " HttpOnly; Path=/; SameSite=Lax"
        assert the_same_for_everyone(body(answer)) == the_same_for_everyone(body(first))
        assert re.fullmatch(r"[0-9a-f]{16}", answer.headers["X-Request-ID"])
    answers = [first, *again]
    for own in (lambda a: a.headers["X-Request-ID"], lambda a: a.headers["Set-Cookie"],
                lambda a: hidden_fields(body(a))["csrf_token"], lambda a: hidden_fields(body(a))["started"]):
        assert len({own(answer) for answer in answers}) == 4
    assert ("Date" in again[0].headers) == ("Date" in first.headers)
    assert first.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "Cookie" in first.headers["Vary"]


def test_the_form_of_a_page_given_again_signs_on_and_its_token_is_its_visitors_alone(
        app, make_client, world, answered_by_the_app):
    path = f"/s/{world.signon_slug}"
    cookieless(app).get(path)  # made by the app
    visitor, other = make_client(), make_client()
    with answered_by_the_app() as reached:
        fields = hidden_fields(text_of(visitor.get(path)))
        other.get(path)
    assert reached[0] == 0

    stolen = other.post(f"{path}/sign", data=form(organization_name="Someone Else Entirely",
                                                   contact_email="else@else.example.net", **fields))
    assert stolen.status_code == 400
    signed = visitor.post(f"{path}/sign", data=form(**fields))
    assert signed.status_code == 302 and signed.headers["Location"].endswith(f"{path}/check-email")
    assert "maria.lopez@trabajadoras.org.gt" in text_of(visitor.get(signed.headers["Location"]))
    with app.app_context():
        assert [s.organization_name for s in signons()] == ["Asociación de Trabajadoras del Hogar"]


def test_anyone_else_is_answered_by_the_app(app, make_client, world, coordinator, answered_by_the_app):
    path = f"/s/{world.signon_slug}"
    cookieless(app).get(path)
    returning = make_client()
    returning.get(path)  # now carries a session cookie
    asks = [
        lambda: returning.get(path),  # a session of their own (its CSRF secret is kept)
        lambda: coordinator.get(path),  # a person logged in
        lambda: cookieless(app).get(f"{path}?via=abcdefghijklmnop"),  # a partner's link
        lambda: cookieless(app).get(f"{path}?lang=es"),
        lambda: cookieless(app).head(path),
        lambda: cookieless(app).get(f"{path}/"),
        lambda: cookieless(app).get(path, headers={"If-None-Match": '"x"'}),
        lambda: cookieless(app).post(path),
    ]
    for ask in asks:
        with answered_by_the_app() as reached:
            ask()
        assert reached[0] == 1
    with answered_by_the_app() as reached:
        assert cookieless(app).get("/s/no-such-statement").status_code == 404
        assert cookieless(app).get("/s/no-such-statement").status_code == 404
    assert reached[0] == 2


def test_a_change_made_here_shows_at_once(app, world, answered_by_the_app):
    slug = world.signon_slug
    client = cookieless(app)
    assert public_count(client, slug) == 0
    with app.app_context():
        statement = statement_by_slug(slug)
        statement.summary = "A call heard in Suva and in Dhaka."
        db.session.commit()  # through this process: the pages kept are forgotten at once
    with answered_by_the_app() as reached:
        assert "A call heard in Suva and in Dhaka." in text_of(client.get(f"/s/{slug}"))
    assert reached[0] == 1
    with answered_by_the_app() as reached:
        assert "A call heard in Suva and in Dhaka." in text_of(client.get(f"/s/{slug}"))
    assert reached[0] == 0


def test_once_the_deadline_passes_the_app_closes_sign_on(app, world, answered_by_the_app):
    slug = world.signon_slug
    with app.app_context():  # changed as another process would change it: nothing here is told
        with db.engine.begin() as connection:
            connection.execute(update(Statement).where(Statement.slug == slug)
                               .values(signon_deadline=utcnow() + timedelta(seconds=1.5)))
    assert 'name="organization_name"' in text_of(cookieless(app).get(f"/s/{slug}"))
    with answered_by_the_app() as reached:
        cookieless(app).get(f"/s/{slug}")
    assert reached[0] == 0
    time.sleep(1.6)
    with answered_by_the_app() as reached:
        after = cookieless(app).get(f"/s/{slug}")
    assert reached[0] == 1 and after.status_code == 200
    assert 'name="organization_name"' not in text_of(after)
    with app.app_context():
        assert statement_by_slug(slug).state == "signon_closed"
        assert db.session.query(SignOn).count() == 0


def test_a_page_given_again_is_logged_as_the_app_logs_it(app, world, caplog):
    caplog.set_level(logging.INFO, logger="statements.requests")
    path = f"/s/{world.signon_slug}"
    first = cookieless(app).get(path)
    again = cookieless(app).get(path, headers={"X-Request-ID": "proxy-given-id-42"})
    lines = [record.getMessage() for record in caplog.records if record.name == "statements.requests"]
    assert len(lines) == 2
    for line, answer in zip(lines, (first, again)):
        assert re.fullmatch(rf"id={answer.headers['X-Request-ID']} method=GET path={path} status=200 "
                            r"ms=[0-9.]+ user=- addr=127\.0\.0\.1", line)
    assert again.headers["X-Request-ID"] == "proxy-given-id-42"
