"""Member organizations, kept by network staff."""

import re

import pytest
from sqlalchemy import func, select

from statements.accounts.models import Organization
from statements.audit.models import AuditEvent
from statements.extensions import db

GOOD = {"name": "Kadın Emeği Kolektifi", "country": "TR", "org_type": "womens",
        "website": "https://example.org/kek"}
BAD_WEBSITE = "Enter a full web address starting with https://"


def field_error(response, field: str) -> str:
    """Return the message shown next to a form field, or "" when there is none."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', response.get_data(as_text=True))
    return found.group(1) if found else ""


def organization_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organization))


def test_staff_add_an_organization(app, client, world):
    client.login(world.emails["admin"])
    response = client.submit("/admin/organizations/new", {**GOOD, "name": "  Kadın Emeği Kolektifi ",
                                                                "website": " https://example.org/kek "})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/organizations"
    page = client.get("/admin/organizations").get_data(as_text=True)
    assert "Kadın Emeği Kolektifi is saved." in page
    assert "Türkiye</td>" in page or "Turkey</td>" in page
    assert "Women&#39;s or feminist organization</td>" in page
    assert '<a href="https://example.org/kek" rel="nofollow noopener">' in page
    with app.app_context():
        saved = db.session.scalar(select(Organization).where(Organization.country == "TR"))
        assert (saved.name, saved.org_type, saved.website) == ("Kadın Emeği Kolektifi", "womens",
                                                               "https://example.org/kek")
        created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organization.created"))
        assert (created.actor_id, created.subject_id) == (world.user_ids["admin"], saved.id)


def test_staff_edit_an_organization(app, client, world):
    client.login(world.emails["admin"])
    url = f"/admin/organizations/{world.organization_id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Asociación de Trabajadoras del Hogar"' in form
    assert '<option selected value="GT">' in form or '<option value="GT" selected>' in form
    response = client.submit(url, {"name": "Asociación de Trabajadoras del Hogar de Guatemala", "country": "GT",
                                   "org_type": "union", "website": ""})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(Organization, world.organization_id)
        assert saved.name == "Asociación de Trabajadoras del Hogar de Guatemala"
        assert saved.website is None
        assert organization_count() == 1
        updated = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organization.updated"))
        assert updated.subject_id == world.organization_id


@pytest.mark.parametrize("website", [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "example.org",
    "www.example.org",
    "ftp://example.org/",
    "https://",
    "https://localhost",
])
def test_website_must_be_a_web_address(app, client, world, website):
    client.login(world.emails["admin"])
    response = client.submit("/admin/organizations/new", {**GOOD, "website": website})
    assert response.status_code == 400
    assert field_error(response, "website") == BAD_WEBSITE
    assert field_error(response, "name") == "" and field_error(response, "country") == ""
    with app.app_context():
        assert organization_count() == 1


def test_editing_cannot_store_a_script_address(app, client, world):
    client.login(world.emails["admin"])
    response = client.submit(f"/admin/organizations/{world.organization_id}/edit",
                             {**GOOD, "website": "javascript:alert(1)"})
    assert field_error(response, "website") == BAD_WEBSITE
    with app.app_context():
        assert db.session.get(Organization, world.organization_id).website is None
    assert "javascript:" not in client.get("/admin/organizations").get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("country", "", "Choose the country where the organization is based."),
    ("country", "XX", "Not a valid choice."),
    ("country", "Guatemala", "Not a valid choice."),
    ("org_type", "", "Choose the type of organization."),
    ("org_type", "company", "Not a valid choice."),
    ("name", "   ", "Enter the organization&#39;s name."),
    ("name", "N" * 201, "Use at most 200 characters."),
    ("website", "https://example.org/" + "a" * 290, "Use at most 300 characters."),
])
def test_bad_organization_form_is_refused_by_the_field(app, client, world, field, value, message):
    client.login(world.emails["admin"])
    response = client.submit("/admin/organizations/new", {**GOOD, field: value})
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert 'value="https://example.org/kek"' in response.get_data(as_text=True) or field == "website"
    with app.app_context():
        assert organization_count() == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.startswith("organization."))) == 0


def test_missing_country_is_refused_when_it_is_left_out_entirely(app, client, world):
    client.login(world.emails["admin"])
    data = {key: value for key, value in GOOD.items() if key != "country"}
    response = client.submit("/admin/organizations/new", data)
    assert response.status_code == 400
    assert field_error(response, "country") != ""
    with app.app_context():
        assert organization_count() == 1


def test_editing_an_organization_that_does_not_exist(client, world):
    client.login(world.emails["admin"])
    response = client.get("/admin/organizations/999999/edit")
    assert response.status_code == 404
    assert "That organization does not exist." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["coordinator", "member", "observer", "outsider"])
def test_only_staff_manage_organizations(app, client, world, role):
    client.login(world.emails[role])
    assert client.get("/admin/organizations").status_code == 403
    assert client.submit("/admin/organizations/new", GOOD).status_code == 403
    assert client.submit(f"/admin/organizations/{world.organization_id}/edit", GOOD).status_code == 403
    with app.app_context():
        assert organization_count() == 1
        assert db.session.get(Organization, world.organization_id).country == "GT"
