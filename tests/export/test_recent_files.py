"""A public PDF asked for again within seconds by visitors without a cookie is given the answer the app gave,
without the framework; anything else is answered by the app, as before."""

import logging
import re
from pathlib import Path

import pytest
from werkzeug.http import parse_date

from statements.extensions import db
from statements.signons import services as signons
from tests.conftest import cookieless
from tests.export.build import open_statement, publish, sign, wait_for_files
from tests.export.pdfs import text_of


@pytest.fixture
def published(app, world):
    """A published statement signed by two organizations, its PDF made: its address, the second sign-on."""
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        leaving = sign(world, statement, "Kenya Domestic Workers Union", "KE")
        publish(world, statement)
        slug, leaving_id = statement.slug, leaving.id
    client = app.test_client()
    assert client.get(f"/s/{slug}/statement.pdf").status_code == 202  # being made
    wait_for_files()
    return f"/s/{slug}/statement.pdf", leaving_id


def without_own(response) -> list[tuple[str, str]]:
    """Its headers but those each answer has of its own: its id and date."""
    assert parse_date(response.headers["Date"]) is not None
    return sorted((name, value) for name, value in response.headers.items() if name not in ("X-Request-ID", "Date"))


def test_the_pdf_asked_again_gets_the_apps_answer_without_the_framework(app, published, answered_by_the_app,
                                                                        caplog):
    path, _leaving = published
    caplog.set_level(logging.INFO, logger="statements.requests")
    with answered_by_the_app() as reached:
        first = cookieless(app).get(path)
    assert reached[0] == 1 and first.status_code == 200

    with answered_by_the_app() as reached:
        again = [cookieless(app).get(path) for _ in range(3)]
    assert reached[0] == 0
    for answer in again:
        assert answer.status_code == 200 and answer.data == first.data
        assert without_own(answer) == without_own(first)  # the same headers, every one of them
        assert re.fullmatch(r"[0-9a-f]{16}", answer.headers["X-Request-ID"])
    assert len({answer.headers["X-Request-ID"] for answer in [first, *again]}) == 4
    assert "Kenya Domestic Workers Union" in text_of(again[-1].data)
    assert again[0].headers["Cache-Control"] == "public, no-cache"
    assert again[0].headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "attachment" in again[0].headers["Content-Disposition"]

    lines = [record.getMessage() for record in caplog.records if record.name == "statements.requests"]
    for answer in again:  # each request has its line, as every other request does
        line = next(line for line in lines if f"id={answer.headers['X-Request-ID']} " in line)
        assert re.fullmatch(rf"id=[0-9a-f]{{16}} method=GET path={re.escape(path)} status=200 ms=[0-9.]+ user=- "
                            r"addr=127\.0\.0\.1", line)


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(app, published):
    path, _leaving = published
    cookieless(app).get(path)
    assert cookieless(app).get(path, headers={"X-Request-ID": "edge-7f3a9c21"}).headers["X-Request-ID"] == "edge-7f3a9c21"
    forged = cookieless(app).get(path, headers={"X-Request-ID": "x id=admin"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", forged)


@pytest.mark.parametrize("asked, expected", [
    ({"headers": {"Range": "bytes=0-99"}}, 206),
    ({"headers": {"If-None-Match": "ETAG"}}, 304),
    ({"query_string": {"download": "1"}}, 200),
    ({"method": "HEAD"}, 200),
    ({"headers": {"Cookie": "session=whatever"}}, 200),
    ({"base_url": "https://localhost"}, 200),
], ids=["range", "conditional", "query string", "head", "cookie", "another scheme"])
def test_what_is_not_the_plain_answer_is_answered_by_the_app(app, published, answered_by_the_app, asked, expected):
    path, _leaving = published
    first = cookieless(app).get(path)
    asked = {**asked, "headers": {name: value.replace("ETAG", first.headers["ETag"])
                                  for name, value in asked.get("headers", {}).items()}}
    method = asked.pop("method", "GET")
    with answered_by_the_app() as reached:
        answer = cookieless(app).open(path, method=method, **asked)
    assert reached[0] == 1
    assert answer.status_code == expected
    if expected == 206:
        assert answer.data == first.data[:100]


def test_a_logged_in_person_gets_the_apps_private_answer(app, published, make_client, world, answered_by_the_app):
    path, _leaving = published
    cookieless(app).get(path)
    person = make_client()
    person.login(world.emails["coordinator"])
    with answered_by_the_app() as reached:
        answer = person.get(path)
    assert reached[0] == 1 and answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_a_withdrawal_is_seen_by_the_next_request(app, published, answered_by_the_app):
    path, leaving_id = published
    cookieless(app).get(path)
    with app.app_context():  # committed through this process: the kept answer is forgotten at once
        signons.withdraw(db.session.get(signons.SignOn, leaving_id))
        db.session.commit()
    with answered_by_the_app() as reached:
        assert cookieless(app).get(path).status_code == 202  # a new file is being made
    assert reached[0] == 1
    wait_for_files()
    fresh = cookieless(app).get(path)
    assert fresh.status_code == 200 and "Kenya Domestic Workers Union" not in text_of(fresh.data)
    assert "Kenya Domestic Workers Union" not in text_of(cookieless(app).get(path).data)


def test_after_the_public_pages_wait_the_app_looks_again(app, published, answered_by_the_app, monkeypatch):
    path, _leaving = published
    cookieless(app).get(path)
    monkeypatch.setattr(signons, "COUNT_CACHE_SECONDS", 0)  # as if those seconds had passed
    with answered_by_the_app() as reached:
        assert cookieless(app).get(path).status_code == 200
    assert reached[0] == 1


def _public_files(app) -> list[Path]:
    from statements.export.models import ExportFile  # (imported first, the export package imports in a circle)
    from statements.export.services import export_folder

    with app.app_context():
        return [Path(export_folder(), export.file_name)
                for export in db.session.query(ExportFile).filter(ExportFile.file_name.is_not(None))]


@pytest.mark.parametrize("change", ["removed", "rewritten"])
def test_a_kept_answer_whose_file_is_gone_or_changed_is_left_to_the_app(app, published, answered_by_the_app, change):
    path, _leaving = published
    first = cookieless(app).get(path)
    for file in _public_files(app):
        if change == "removed":
            file.unlink()
        else:
            file.write_bytes(b"%PDF-1.7 another file")
    with answered_by_the_app() as reached:
        answer = cookieless(app).get(path)
    assert reached[0] == 1
    assert answer.status_code in (200, 202)  # the app finds what to give now (it may make the file again)
    assert answer.data != first.data
