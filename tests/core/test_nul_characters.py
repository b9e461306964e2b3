"""A NUL character anywhere in a request (a field, the query, the path, a file name, JSON) is refused
with the service's own 400 page that says what to do, before anything reaches the database."""

import io
import re

import pytest
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.extensions import db
from statements.signons.models import SignOn
from tests.signons.pages import form, text_of

NUL_MESSAGE = "contains a NUL character"
WHAT_TO_DO = "type the text again instead of pasting it, and send it again"


def assert_refused_for_nul(response) -> None:
    assert response.status_code == 400
    page = text_of(response)
    assert '<p class="muted">Error 400</p>' in page  # the service's own error page, in its layout
    assert "<h1>Please check what you entered</h1>" in page
    assert NUL_MESSAGE in page and WHAT_TO_DO in page
    assert re.search(r'<link rel="stylesheet" href="/static/', page)
    assert "Traceback" not in page


@pytest.fixture(autouse=True)
def _quick_forms(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)


@pytest.mark.parametrize("field", ["organization_name", "contact_name", "contact_email", "message", "website",
                                   "country"])
def test_a_nul_in_any_field_of_the_public_sign_on_form_is_refused(app, client, world, field):
    data = form()
    data[field] = (data[field] or "Con solidaridad") + "\x00"
    response = client.submit(f"/s/{world.signon_slug}/sign", data)
    assert_refused_for_nul(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignOn)) == 0


def test_a_nul_in_a_field_name_is_refused(client, world):
    data = form()
    data["organization_name\x00"] = "x"
    assert_refused_for_nul(client.submit(f"/s/{world.signon_slug}/sign", data))


@pytest.mark.parametrize("query", ["country=%00", "country=GT%00", "page=1%00", "%00=1"])
def test_a_nul_in_the_query_is_refused(client, world, query):
    assert_refused_for_nul(client.get(f"/s/{world.signon_slug}/signatories?{query}"))


@pytest.mark.parametrize("path", ["/s/{slug}%00/signatories", "/s/%00", "/api/v1/statements/{slug}%00",
                                  "/statements/1%00/edit", "/%00"])
def test_a_nul_in_the_path_is_refused(client, world, path):
    assert_refused_for_nul(client.get(path.format(slug=world.signon_slug)))


@pytest.mark.parametrize("email, password", [("member\x00@example.org", "correct horse battery"),
                                             ("\x00", "x"), ("someone@example.org", "pass\x00word")])
def test_a_nul_in_the_login_form_is_refused_and_nobody_is_logged_in(app, client, world, email, password):
    assert_refused_for_nul(client.submit("/login", {"email": email, "password": password}))
    assert client.get("/groups").status_code == 302  # still a visitor


def test_a_nul_for_a_logged_in_person_is_refused_and_they_stay_logged_in(app, client, world):
    client.login(world.emails["member"])
    assert_refused_for_nul(client.get("/groups?q=%00"))
    assert "Go to your working groups" in text_of(client.get("/groups?q=%00"))
    assert client.get("/groups").status_code == 200


def test_a_nul_in_an_uploaded_file_name_is_refused(app, client, world):
    client.login(world.emails["admin"])
    upload = (io.BytesIO(b"Red; MX; ngo; Ana; ana@example.org\n"), "sign-ons\x00.csv")
    response = client.submit("/statements/1/signons/add", {"rows": "", "upload": upload},
                             content_type="multipart/form-data")
    assert_refused_for_nul(response)


def test_a_nul_in_a_json_body_is_refused(client, world):
    assert_refused_for_nul(client.post("/login", json={"email": "a\u0000@example.org"}))
    assert_refused_for_nul(client.post("/login", json=["nested", {"deeper": ["\u0000"]}]))


def test_text_that_only_looks_like_a_nul_is_accepted(app, client, world):
    response = client.submit(f"/s/{world.signon_slug}/sign", form(organization_name="Red %00 \\0 \\x00 de Mujeres"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SignOn.organization_name)) == "Red %00 \\0 \\x00 de Mujeres"
        assert db.session.scalar(select(func.count()).select_from(User)) > 0


def test_the_refusal_of_a_nul_is_in_the_reader_s_language(client, world):
    response = client.get(f"/s/{world.signon_slug}/signatories?country=%00", headers={"Accept-Language": "es"})
    assert response.status_code == 400
    page = text_of(response)
    assert "<h1>Revise lo que escribió</h1>" in page
    assert ("Lo que ha enviado contiene un carácter NUL" in page
            and "escriba el texto de nuevo en lugar de pegarlo" in page)
    assert NUL_MESSAGE not in page
