"""Who sees what of signatories, role by role: network staff see every sign-on whole; the group's
coordinators see named and country-only ones whole, but of an organization counted without being named
only that it signed and its status; members, observers, other groups' coordinators and the public see
what the public sees. The public sign-on page says exactly that."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import select

from statements.extensions import db
from statements.signons.models import SignOn
from tests.signons.pages import add_signon, decide, plain, statement_by_slug, text_of

#: (name, country, visibility, status); each has its own contact, email, website and message
SIGNATORIES = (
    ("Kenya Domestic Workers Union", "KE", "named", "approved"),
    ("Mujeres en Movimiento", "MX", "country", "approved"),
    ("Quiet Shelter Asmara", "ER", "count", "approved"),
    ("Hidden Refuge Collective", "SY", "count", "confirmed"),
)
COUNT_ONLY = ("Quiet Shelter Asmara", "Hidden Refuge Collective")


def private_details(name: str) -> dict:
    """What only some may see of a signatory: its contact person, email, website and message."""
    word = name.split()[0].lower()
    return {"contact_name": f"Contact Person {name.split()[1]}", "email": f"{word}@{word}-private.example.net",
            "website": f"https://{word}-site.example.org", "message": f"A private word from {name.split()[1]}"}


def identity_of(name: str) -> list[str]:
    details = private_details(name)
    return [name, details["contact_name"], details["email"], details["website"], details["message"]]


@pytest.fixture
def signed(app, world):
    """Sign-ons of each visibility; a named one flagged as a possible duplicate of a count-only one."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        ids = {}
        for name, country, visibility, status in SIGNATORIES:
            details = private_details(name)
            signon = add_signon(statement, name, country, status, visibility, "ngo", email=details["email"],
                                website=details["website"], contact_name=details["contact_name"])
            signon.message = details["message"]
            ids[name] = signon.id
        lookalike = add_signon(statement, "Quiet Shelter of Asmara", "KE", "confirmed", email="x@lookalike.example")
        lookalike.possible_duplicate_of_id, lookalike.duplicate_reason = ids["Quiet Shelter Asmara"], \
            "very similar names"
        ids[lookalike.organization_name] = lookalike.id
        db.session.commit()
        return statement.id, ids


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def as_role(make_client, world, role):
    client = make_client()
    if role != "anonymous":
        client.login(world.emails[role])
    return client


def moderation(client, statement_id, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"status": "all", **args}.items())
    response = client.get(f"/statements/{statement_id}/signons?{query}")
    assert response.status_code == 200
    return html.unescape(text_of(response))


def ticked_names(page: str) -> list[str]:
    return sorted(re.findall(r'<label for="signon-\d+"><strong>(.*?)</strong>', page))


# --- network staff ---------------------------------------------------------------------------------

def test_staff_see_every_sign_on_whole_and_download_them_all(make_client, world, signed):
    statement_id, _ = signed
    staff = as_role(make_client, world, "admin")
    page = moderation(staff, statement_id)
    for name, *_ in SIGNATORIES:
        for detail in identity_of(name):
            assert detail in page, (name, detail)
    assert "Counted without being named" not in page
    assert "Download all, with contacts (CSV)" in page
    assert ticked_names(moderation(staff, statement_id, q="Quiet")) == ["Quiet Shelter Asmara",
                                                                        "Quiet Shelter of Asmara"]
    assert ticked_names(moderation(staff, statement_id, country="ER")) == ["Quiet Shelter Asmara"]
    assert ticked_names(moderation(staff, statement_id, q="hidden@")) == ["Hidden Refuge Collective"]

    rows = csv_rows(staff.get(f"/statements/{statement_id}/signons.csv"))
    assert sorted(row["organization"] for row in rows) == sorted([name for name, *_ in SIGNATORIES]
                                                                 + ["Quiet Shelter of Asmara"])
    hidden = next(row for row in rows if row["organization"] == "Hidden Refuge Collective")
    assert (hidden["contact_email"], hidden["message"], hidden["country"]) == (
        "hidden@hidden-private.example.net", "A private word from Refuge", "SY")


def test_staff_decide_on_an_organization_counted_without_being_named(app, make_client, world, signed):
    statement_id, ids = signed
    decide(as_role(make_client, world, "admin"), statement_id, [ids["Hidden Refuge Collective"]], "approve")
    with app.app_context():
        assert db.session.get(SignOn, ids["Hidden Refuge Collective"]).status == "approved"


# --- the group's coordinators ----------------------------------------------------------------------

def test_coordinators_see_named_and_country_only_sign_ons_whole_but_not_who_is_counted_only(
        make_client, world, signed):
    statement_id, _ = signed
    page = moderation(as_role(make_client, world, "coordinator"), statement_id)
    for name in ("Kenya Domestic Workers Union", "Mujeres en Movimiento"):
        for detail in identity_of(name):
            assert detail in page, (name, detail)
    for name in COUNT_ONLY:
        for detail in identity_of(name):
            assert detail not in page, (name, detail)
    queue = re.search(r'<ul class="moderation-list">.*?</ul>', page, re.DOTALL).group(0)  # (not the filters)
    assert "Eritrea" not in queue and "Syria" not in queue  # not where they are either
    words = plain(page)
    assert words.count("Counted without being named") == 3  # two rows, and the earlier half of a lookalike pair
    assert "Counted without being named Approved" in words
    assert "Counted without being named Waiting for approval" in words
    # the lookalike is the coordinators' to moderate; what it looks like is not theirs to know
    assert "Quiet Shelter of Asmara" in page
    assert "Counted without being named: only network staff see who it is." in words
    assert "Download with contacts (CSV), leaving out those counted without being named" in words


def test_coordinators_cannot_find_an_organization_counted_without_being_named(make_client, world, signed):
    statement_id, _ = signed
    coordinator = as_role(make_client, world, "coordinator")
    for search in ({"q": "Quiet Shelter Asmara"}, {"q": "quiet-private"}, {"q": "hidden@"}, {"q": "Refuge"},
                   {"country": "ER"}, {"country": "SY"}, {"country": "ER", "status": "approved"}):
        page = moderation(coordinator, statement_id, **search)
        assert "No sign-ons match these filters." in page, search
    assert ticked_names(moderation(coordinator, statement_id, q="Quiet")) == ["Quiet Shelter of Asmara"]
    assert ticked_names(moderation(coordinator, statement_id, country="MX")) == ["Mujeres en Movimiento"]


def test_the_coordinators_download_leaves_out_organizations_counted_without_being_named(make_client, world,
                                                                                      signed):
    statement_id, _ = signed
    response = as_role(make_client, world, "coordinator").get(f"/statements/{statement_id}/signons.csv")
    rows = csv_rows(response)
    assert sorted(row["organization"] for row in rows) == ["Kenya Domestic Workers Union", "Mujeres en Movimiento",
                                                           "Quiet Shelter of Asmara"]
    body = response.get_data(as_text=True)
    for name in COUNT_ONLY:
        for detail in identity_of(name):
            assert detail not in body, detail
    assert ",count," not in body
    mujeres = next(row for row in rows if row["organization"] == "Mujeres en Movimiento")
    assert mujeres["contact_email"] == "mujeres@mujeres-private.example.net"


def test_coordinators_cannot_decide_on_an_organization_counted_without_being_named(app, make_client, world,
                                                                                  signed):
    statement_id, ids = signed
    coordinator = as_role(make_client, world, "coordinator")
    response = decide(coordinator, statement_id, [ids["Hidden Refuge Collective"]], "approve")
    assert response.status_code == 302
    assert "Nothing changed" in text_of(coordinator.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.get(SignOn, ids["Hidden Refuge Collective"]).status == "confirmed"


# --- everyone else ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role, refused", [("member", 403), ("observer", 403), ("outsider", 404),
                                           ("anonymous", 302)])
def test_members_observers_other_coordinators_and_the_public_see_only_what_the_public_sees(
        make_client, world, signed, role, refused):
    statement_id, _ = signed
    person = as_role(make_client, world, role)
    for path in (f"/statements/{statement_id}/signons?status=all", f"/statements/{statement_id}/signons.csv",
                 f"/statements/{statement_id}/signons?status=all&q=Quiet"):
        assert person.get(path).status_code == refused, path
    slug = world.signon_slug
    pages = [f"/s/{slug}", f"/s/{slug}/signatories", f"/s/{slug}/signatories.json", f"/s/{slug}/signatories.csv",
             f"/api/v1/statements/{slug}/signatories", f"/statements/{statement_id}/print",
             f"/statements/{statement_id}"]
    seen = ""
    for path in pages:
        response = person.get(path)
        if response.status_code == 200:
            seen += html.unescape(response.get_data(as_text=True))
    assert "Kenya Domestic Workers Union" in seen and "An organization in Mexico" in seen
    for name, _, visibility, _ in SIGNATORIES:
        details = private_details(name)
        for detail in (details["contact_name"], details["email"], details["message"]):
            assert detail not in seen, (role, detail)
        assert visibility == "named" or details["website"] not in seen, (role, name)
    for name in ("Mujeres en Movimiento", *COUNT_ONLY, "Quiet Shelter of Asmara"):
        assert name not in seen, (role, name)


# --- what the public page promises -----------------------------------------------------------------

def test_the_sign_on_page_says_who_sees_contact_details_as_the_rule_is(client, world):
    words = plain(text_of(client.get(f"/s/{world.signon_slug}")))
    assert ("Never shown publicly: your name, your email address and your message. Network staff see them, to "
            "confirm and contact you. The coordinators of the working group behind this statement see them too, "
            "with your organization's name, to check sign-ons; if you choose “Count us, but do not list us”, "
            "they do not, and only network staff know who your organization is. Nobody else sees more than the "
            "public.") in words
    assert "Count us, but do not list us" in words  # the choice the words name is the one on the form


def test_adding_by_hand_never_names_an_organization_counted_without_being_named_to_a_coordinator(
        make_client, world, signed):
    statement_id, _ = signed
    lines = "Hidden Refuge Collectives; SY; ngo; Someone; someone@elsewhere.example.net\n"
    for role, looks_like in (("coordinator", "an organization counted without being named (looks like another "
                                             "sign-on)"),
                             ("admin", "Hidden Refuge Collective (very similar names)")):
        response = as_role(make_client, world, role).submit(
            f"/statements/{statement_id}/signons/add", {"rows": lines, "default_visibility": "named"},
            content_type="multipart/form-data")
        preview = plain(re.search(r"<tbody>(.*?)</tbody>", text_of(response), re.DOTALL).group(1))
        assert preview.endswith(f"Added, flagged: looks like {looks_like}"), (role, preview)


def test_the_very_name_of_an_unnamed_signatory_reads_like_a_new_line_to_a_coordinator_and_waits_for_staff(
        app, make_client, world, signed):
    statement_id, _ = signed
    line = {"rows": "Hidden Refuge Collective; SY; ngo; Someone; someone@elsewhere.example.net\n",
            "default_visibility": "named"}
    coordinator = as_role(make_client, world, "coordinator")
    url = f"/statements/{statement_id}/signons/add"
    preview = plain(re.search(r"<tbody>(.*?)</tbody>", text_of(coordinator.submit(url, line)), re.DOTALL).group(1))
    assert preview.endswith("Will be added") and "already signed" not in preview
    assert coordinator.submit(url, {**line, "confirm": "1"}).status_code == 302
    with app.app_context():
        added = db.session.scalar(select(SignOn).where(SignOn.contact_email == "someone@elsewhere.example.net"))
        assert added.status == "confirmed" and added.possible_duplicate_of.organization_name == "Hidden Refuge Collective"
