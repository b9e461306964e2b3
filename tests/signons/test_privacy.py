"""What the public may see of a signatory: never contact details, and no more than the signatory chose."""

import json

import pytest

from statements.core.security import inline_static
from statements.extensions import db
from tests.signons.pages import add_signon, listed_names, plain, public_count, statement_by_slug, text_of

CONTACT_NAME = "Rosa Secreta Contacto"
CONTACT_EMAIL = "rosa.secreta@hidden-union.example.net"
MESSAGE = "A private word for the coordinators"


@pytest.fixture
def signed(app, world):
    """Approved sign-ons showing name, country only, and count only; and one waiting for approval."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for name, country, visibility, org_type, status in (
                ("Kenya Domestic Workers Union", "KE", "named", "union", "approved"),
                ("Mujeres en Movimiento", "MX", "country", "womens", "approved"),
                ("Quiet Shelter Asmara", "ER", "count", "faith", "approved"),
                ("Waiting Group", "PH", "named", "ngo", "confirmed")):
            signon = add_signon(statement, name, country, status, visibility, org_type,
                                email=CONTACT_EMAIL.replace("rosa", name.split()[0].lower()),
                                website=f"https://{name.split()[0].lower()}.example.org",
                                contact_name=f"{CONTACT_NAME} {name.split()[0]}")
            signon.message, signon.consent_to_contact = MESSAGE, True
        db.session.commit()
        return statement.id


def public_responses(client, slug):
    paths = ["", "/signatories", "/signatories?country=MX", "/signatories?country=ER", "/signatories.json",
             "/signatories.csv", "/series.json", "/series.csv", "/badge.svg", "/check-email", "/confirm-code"]
    responses = {f"/s/{slug}{p}": client.get(f"/s/{slug}{p}") for p in paths}
    for path in (f"/api/v1/statements/{slug}", f"/api/v1/statements/{slug}/signatories", "/api/openapi.json"):
        responses[path] = client.get(path)
    return responses


def test_contact_details_and_messages_appear_on_no_public_page_or_data(app, client, world, signed):
    responses = public_responses(client, world.signon_slug)
    for path, response in responses.items():
        assert response.status_code == 200, path
        body = response.get_data(as_text=True).replace(str(inline_static("css/app.css")), "")  # (its @media rules)
        for private in (CONTACT_NAME, "hidden-union.example.net", "secreta", MESSAGE, "@"):
            assert private not in body, (path, private)
        assert "Waiting Group" not in body, path  # not approved yet
    for path in (f"/s/{world.signon_slug}/signatories.json", f"/api/v1/statements/{world.signon_slug}/signatories"):
        for entry in responses[path].get_json()["signatories"]:
            assert set(entry) == {"name", "country", "country_name", "type", "website", "signed_revision"}


def test_the_open_data_description_promises_no_contact_details(client):
    document = client.get("/api/openapi.json").get_json()
    fields = json.dumps(document["paths"])
    assert "contact" not in fields and "email" not in fields
    assert "Contact details are never included." in document["info"]["description"]


def test_a_count_only_signatory_is_counted_but_not_listed_nor_placed(app, client, world, signed):
    slug = world.signon_slug
    assert public_count(client, slug) == 3
    assert listed_names(client, slug) == ["Kenya Domestic Workers Union", "An organization in Mexico"]
    page = plain(text_of(client.get(f"/s/{slug}/signatories")))
    assert "3 organizations have signed from 2 countries." in page
    assert "Quiet Shelter" not in page and "Eritrea" not in page  # not where it is
    assert "Faith-based organization" not in page  # nor what kind of organization it is
    assert listed_names(client, slug, country="ER") == []

    api = client.get(f"/api/v1/statements/{slug}").get_json()
    assert api["count"] == 3
    assert [(c["country"], c["count"]) for c in api["by_country"]] == [("KE", 1), ("MX", 1)]
    assert [(t["type"], t["count"]) for t in api["by_type"]] == [("union", 1)]
    series = client.get(f"/s/{slug}/series.json").get_json()
    assert [c["country"] for c in series["by_country"]] == ["KE", "MX"]
    assert sum(day["count"] for day in series["by_day"]) == 3
    for data in (client.get(f"/s/{slug}/signatories.json").get_json(),
                 client.get(f"/api/v1/statements/{slug}/signatories").get_json()):
        assert data["count"] == 3 and len(data["signatories"]) == 2
    assert "Quiet Shelter" not in client.get(f"/s/{slug}/signatories.csv").get_data(as_text=True)


def test_a_country_only_signatory_shows_only_its_country(app, client, world, signed):
    slug = world.signon_slug
    entries = client.get(f"/s/{slug}/signatories.json").get_json()["signatories"]
    mexico = next(e for e in entries if e["country"] == "MX")
    assert mexico == {"name": "An organization in Mexico", "country": "MX", "country_name": "Mexico",
                      "type": None, "website": None, "signed_revision": None}
    page = text_of(client.get(f"/s/{slug}/signatories"))
    assert "Mujeres en Movimiento" not in page and "mujeres.example.org" not in page
    assert "Women&#39;s or feminist organization" not in page
    csv_text = client.get(f"/s/{slug}/signatories.csv").get_data(as_text=True)
    assert "An organization in Mexico,MX,Mexico,," in csv_text and "Mujeres" not in csv_text


def test_a_hidden_list_shows_the_count_but_no_names_until_the_statement_is_published(app, client, make_client,
                                                                                    world, signed):
    slug = world.signon_slug
    with app.app_context():
        statement_by_slug(slug).signon_list_hidden = True
        db.session.commit()
    page = plain(text_of(client.get(f"/s/{slug}/signatories")))
    assert "3 organizations have signed" in page
    assert "The list of names is kept private until the statement is published." in page
    assert listed_names(client, slug) == []
    for path in ("/signatories.json", "/signatories.csv"):
        body = client.get(f"/s/{slug}{path}").get_data(as_text=True)
        assert "Kenya" not in body and "An organization in" not in body, path
    assert client.get(f"/s/{slug}/signatories.json").get_json() == {"count": 3, "signatories": []}
    api = client.get(f"/api/v1/statements/{slug}/signatories").get_json()
    assert api["list_public"] is False and api["signatories"] == [] and api["count"] == 3
    assert client.get(f"/api/v1/statements/{slug}").get_json()["list_public"] is False

    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    for step in ("signon_closed", "published"):
        assert coordinator.submit(f"/statements/{signed}/transition", {"to": step, "confirmed": "yes"}).status_code == 302
    assert listed_names(client, slug) == ["Kenya Domestic Workers Union", "An organization in Mexico"]
    assert len(client.get(f"/s/{slug}/signatories.json").get_json()["signatories"]) == 2
    assert client.get(f"/api/v1/statements/{slug}/signatories").get_json()["list_public"] is True
    page = text_of(client.get(f"/s/{slug}/signatories"))
    assert "kept private" not in page and CONTACT_NAME not in page and "Quiet Shelter" not in page
