"""People change their own name, organization and time zone; dates on their pages follow their zone."""

import re
from html import unescape

import pytest

from statements.accounts.models import Organization, User
from statements.extensions import db
from tests.drafts.pages import flashes
from tests.signons.pages import field_error

DETAILS = "/account/details"


def stored(app, user_id: int) -> tuple:
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.display_name, user.organization_id, user.time_zone


@pytest.fixture
def organizations(app) -> dict[str, int]:
    with app.app_context():
        made = [Organization(name=name, org_type="ngo", country="GT") for name in ("Zapatistas Unidas", "Équipe Sud", "Amnistía")]
        db.session.add_all(made)
        db.session.commit()
        return {o.name: o.id for o in made}


def details(client, **changes):
    data = {"me-display_name": "Member Person", "me-organization_id": "", "me-time_zone": "UTC"}
    data.update({f"me-{key}": value for key, value in changes.items()})
    return client.submit(DETAILS, data)


def test_a_person_changes_their_name_organization_and_time_zone(app, client, world, organizations):
    client.login(world.emails["member"])
    page = unescape(client.get("/account").get_data(as_text=True))
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', page.split('id="me-organization_id"')[1]
                         .split("</select>")[0])
    names = [name for _id, name in options]
    assert names.index("Amnistía") < names.index("Équipe Sud") < names.index("Zapatistas Unidas")  # alphabetical
    assert '<optgroup label="Americas"><option value="America/Adak">' in page.replace("\n", "")

    response = details(client, display_name="  Ana\nPérez ", organization_id=organizations["Équipe Sud"],
                       time_zone="America/Guatemala")
    assert response.status_code == 302
    assert "Your details are saved." in flashes(client.get("/account").get_data(as_text=True))
    assert stored(app, world.user_ids["member"]) == ("Ana Pérez", organizations["Équipe Sud"], "America/Guatemala")

    details(client, display_name="Ana Pérez", time_zone="UTC")  # back to no organization, and UTC
    assert stored(app, world.user_ids["member"]) == ("Ana Pérez", None, None)


def test_dates_are_shown_in_the_reader_s_zone_named_by_its_city_in_their_language(app, client, world):
    client.login(world.emails["member"])
    history = f"/statements/{world.statement_id}/history"
    utc = re.findall(r"\d\d \w{3} \d{4}, \d\d:\d\d UTC", client.get(history).get_data(as_text=True))
    assert utc
    details(client, time_zone="Asia/Kolkata")
    page = unescape(client.get(history).get_data(as_text=True))
    assert "UTC" not in page.split("<main")[1].split("</main>")[0]
    assert re.search(r"\d\d \w{3} \d{4}, \d\d:\d\d, Kolkata time", page)
    client.submit("/language", {"language": "es", "next": "/"})
    spanish = unescape(client.get(history).get_data(as_text=True))
    assert re.search(r"\d{1,2} \w+ \d{4}, \d{1,2}:\d\d, hora de Calcuta", spanish)


@pytest.mark.parametrize("changes, field, message", [
    ({"display_name": "   "}, "me-display_name", "Enter the name other members will see."),
    ({"display_name": "x" * 121}, "me-display_name", "Use at most 120 characters."),
    ({"organization_id": "999999"}, "me-organization_id", "Choose an organization from the list."),
    ({"organization_id": "abc"}, "me-organization_id", "Choose an organization from the list."),
    ({"organization_id": "9" * 40}, "me-organization_id", "Choose an organization from the list."),
    ({"time_zone": "Mars/Olympus_Mons"}, "me-time_zone", "Choose a time zone from the list."),
    ({"time_zone": "US/Eastern"}, "me-time_zone", "Choose a time zone from the list."),  # an old alias
    ({"time_zone": ""}, "me-time_zone", "Choose a time zone from the list."),
])
def test_bad_details_are_refused_by_the_field_and_what_was_typed_is_kept(app, client, world, changes, field,
                                                                          message):
    client.login(world.emails["member"])
    before = stored(app, world.user_ids["member"])
    response = details(client, **{"display_name": "Kept Name", **changes})
    assert response.status_code == 400
    assert field_error(response, field) == message
    if "display_name" not in changes:
        assert 'value="Kept Name"' in response.get_data(as_text=True)
    assert stored(app, world.user_ids["member"]) == before


def test_the_details_form_needs_a_login_and_its_token(app, client, world):
    assert client.post(DETAILS, data={"me-display_name": "X"}).status_code in (302, 400)
    client.login(world.emails["member"])
    assert client.post(DETAILS, data={"me-display_name": "X", "me-time_zone": "UTC"}).status_code == 400  # no CSRF
    assert stored(app, world.user_ids["member"])[0] == "Member Person"
