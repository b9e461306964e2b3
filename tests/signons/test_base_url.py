"""Answers that caches keep (the API, open data, the badge, the OpenAPI document, the public pages)
build their absolute addresses on BASE_URL: a request with a made-up Host header cannot put its own
address in an answer that others are then served."""

import pytest

from statements.extensions import db
from statements.signons import api
from tests.signons.pages import add_signon, statement_by_slug

BASE_URL = "https://statements.example.org"
FORGED = "evil.example"


@pytest.fixture
def two_pages(app, world, monkeypatch):
    """The open statement with two signatories, one to a page of the API."""
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    monkeypatch.setattr(api, "API_PAGE_SIZE", 1)
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        add_signon(statement, "Red de Mujeres", "MX")
        add_signon(statement, "Kenya Domestic Workers Union", "KE")
        db.session.commit()
    return world.signon_slug


def forged_get(client, path: str):
    response = client.get(path, base_url=f"http://{FORGED}", headers={"Host": FORGED})
    assert response.status_code == 200, path
    return response


def test_api_addresses_come_from_base_url_whatever_the_host_header(client, two_pages):
    slug = two_pages
    statement = forged_get(client, f"/api/v1/statements/{slug}").get_json()
    assert statement["url"] == f"{BASE_URL}/s/{slug}"
    first_page = forged_get(client, f"/api/v1/statements/{slug}/signatories").get_json()
    assert first_page["next"] == f"{BASE_URL}/api/v1/statements/{slug}/signatories?page=2"
    document = forged_get(client, "/api/openapi.json").get_json()
    assert document["servers"] == [{"url": BASE_URL}]


def test_no_cacheable_answer_carries_a_forged_host(client, two_pages):
    slug = two_pages
    for path in (f"/api/v1/statements/{slug}", f"/api/v1/statements/{slug}/signatories", "/api/openapi.json",
                 f"/s/{slug}/signatories.json", f"/s/{slug}/signatories.csv", f"/s/{slug}/series.json",
                 f"/s/{slug}/series.csv", f"/s/{slug}/badge.svg", f"/s/{slug}", f"/s/{slug}/signatories"):
        assert FORGED not in forged_get(client, path).get_data(as_text=True), path
