"""Staff type paper and summit sign-ons one after another: the next empty form after each save, the source kept,
duplicates warned without JavaScript, each sign-on marked as entered by staff with its source."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.audit.models import AuditEvent
from statements.extensions import db
from statements.signons import services
from statements.signons.models import SignOn
from statements.signons.paper import name_likeness
from tests.signons.pages import add_signon, field_error, form_errors, listed_names, plain, selected, \
    signon_named, statement_by_slug, text_of, typed

SOURCE = "Paper form, Nairobi summit"


def entry(**fields) -> dict:
    data = {"organization_name": "Kenya Domestic Workers Union", "contact_name": "Grace Wanjiru", "country": "KE",
            "org_type": "union", "contact_email": "", "entered_from": SOURCE}
    data.update(fields)
    return data


def open_form(client, statement_id, batch=None):
    """The empty form, and the one-time key it carries."""
    response = client.get(f"/statements/{statement_id}/signons/paper" + (f"?batch={batch}" if batch else ""))
    assert response.status_code == 200
    return response, typed(response, "entry_key")


def save(client, statement_id, entry_key, **fields):
    return client.submit(f"/statements/{statement_id}/signons/paper", dict(entry(**fields), entry_key=entry_key))


def save_and_follow(client, statement_id, entry_key, **fields):
    response = save(client, statement_id, entry_key, **fields)
    assert response.status_code == 302, form_errors(response) or plain(text_of(response))[:500]
    return client.get(response.headers["Location"])


def saved_line(page) -> str:
    """The status line after a save."""
    found = re.search(r'<p[^>]*id="paper-saved"[^>]*>(.*?)</p>', text_of(page), re.DOTALL)
    return plain(found.group(1)) if found else ""


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(SignOn))


def test_each_save_brings_back_an_empty_form_with_the_source_kept_and_the_batch_listed(app, client, staff,
                                                                                       statement_id, world, mailbox):
    page, key = open_form(staff, statement_id)
    assert re.search(r'<input[^>]*autofocus[^>]*name="organization_name"|<input[^>]*name="organization_name"'
                     r'[^>]*autofocus', text_of(page))
    page = save_and_follow(staff, statement_id, key)
    assert saved_line(page) == "Saved: Kenya Domestic Workers Union (1 entered in this batch)"
    assert not typed(page, "organization_name") and not typed(page, "contact_name")
    assert selected(page, "country") is None
    assert typed(page, "entered_from") == SOURCE
    assert re.search(r'<input[^>]*autofocus[^>]*name="organization_name"|<input[^>]*name="organization_name"'
                     r'[^>]*autofocus', text_of(page))
    second = typed(page, "entry_key")
    assert second != key and second.split(".")[0] == key.split(".")[0]

    page = save_and_follow(staff, statement_id, second, organization_name="Red de Mujeres", country="MX",
                           contact_email="ana@redmujeres.example.mx")
    assert saved_line(page) == "Saved: Red de Mujeres (2 entered in this batch)"
    listed = re.search(r'<ol class="paper-entries".*?</ol>', text_of(page), re.DOTALL).group(0)
    assert plain(listed).index("Red de Mujeres") < plain(listed).index("Kenya Domestic Workers Union")

    with app.app_context():
        kenya, red = signon_named("Kenya Domestic Workers Union"), signon_named("Red de Mujeres")
        assert (kenya.country, kenya.org_type, kenya.contact_name, kenya.contact_email) == \
            ("KE", "union", "Grace Wanjiru", "")
        assert red.contact_email == "ana@redmujeres.example.mx"
        for signon in (kenya, red):
            assert (signon.status, signon.source, signon.entered_from) == ("approved", "staff", SOURCE)
            assert signon.decided_by_id == world.user_ids["admin"]
            assert signon.revision_id == statement_by_slug(world.signon_slug).final_revision_id
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signon.entered_from_paper")).all()
        assert [event.details["entered_from"] for event in events] == [SOURCE, SOURCE]
        assert all(event.actor_id == world.user_ids["admin"] for event in events)
    assert listed_names(client, world.signon_slug) == ["Kenya Domestic Workers Union", "Red de Mujeres"]
    mailbox.deliver()
    assert mailbox.messages == []  # nobody is asked to confirm a paper form


def test_the_source_shows_to_staff_in_moderation_and_the_csv_never_on_the_public_page(app, client, staff,
                                                                                       statement_id, world):
    _page, key = open_form(staff, statement_id)
    save_and_follow(staff, statement_id, key)
    moderation = plain(text_of(staff.get(f"/statements/{statement_id}/signons?status=approved")))
    assert f"entered by staff from: {SOURCE}" in moderation
    rows = list(csv.DictReader(io.StringIO(text_of(staff.get(f"/statements/{statement_id}/signons.csv")))))
    assert [row["source"] for row in rows] == [f"staff: {SOURCE}"]
    for path in (f"/s/{world.signon_slug}", f"/s/{world.signon_slug}/signatories",
                 f"/s/{world.signon_slug}/signatories.json", f"/s/{world.signon_slug}/signatories.csv"):
        assert "Nairobi" not in text_of(client.get(path)), path


def test_a_similar_name_is_warned_with_the_text_kept_and_saved_only_when_staff_say_so(app, staff, statement_id,
                                                                                     world):
    with app.app_context():
        earlier = add_signon(statement_by_slug(world.signon_slug), "Kenya Domestic Workers Union", country="KE")
        db.session.commit()
        earlier_id = earlier.id
    _page, key = open_form(staff, statement_id)
    response = save(staff, statement_id, key, organization_name="Kenya Domestik Workers Union")
    assert response.status_code == 409
    warning = plain(re.search(r'<div class="duplicate-warning.*?</div>', text_of(response), re.DOTALL).group(0))
    assert "looks like Kenya Domestic Workers Union , which has already signed (very similar names)" in warning
    assert typed(response, "organization_name") == "Kenya Domestik Workers Union"
    assert typed(response, "contact_name") == "Grace Wanjiru" and selected(response, "country") == "KE"
    assert typed(response, "entered_from") == SOURCE and typed(response, "entry_key") == key
    assert "Save anyway" in text_of(response)
    with app.app_context():
        assert count() == 1

    # ticked for another name than the one warned about, it does not count
    response = save(staff, statement_id, key, organization_name="Kenya Domestic Workers Unoin", save_anyway="y",
                    warned_name="Kenya Domestik Workers Union")
    assert response.status_code == 409
    page = save_and_follow(staff, statement_id, key, organization_name="Kenya Domestik Workers Union",
                           save_anyway="y", warned_name="Kenya Domestik Workers Union")
    assert saved_line(page) == "Saved: Kenya Domestik Workers Union (1 entered in this batch)"
    with app.app_context():
        saved = signon_named("Kenya Domestik Workers Union")
        assert saved.status == "approved" and saved.possible_duplicate_of_id == earlier_id
        assert saved.duplicate_reason == "very similar names"


def test_a_name_that_has_already_signed_cannot_be_saved_again(app, staff, statement_id, world):
    with app.app_context():
        add_signon(statement_by_slug(world.signon_slug), "Kenya Domestic Workers Union", country="KE")
        db.session.commit()
    _page, key = open_form(staff, statement_id)
    response = save(staff, statement_id, key, organization_name="The Kenya Domestic Workers Union Ltd",
                    save_anyway="y", warned_name="The Kenya Domestic Workers Union Ltd")
    assert response.status_code == 409
    assert "Not saved: Kenya Domestic Workers Union has already signed this statement." in plain(text_of(response))
    assert 'name="save_anyway"' not in text_of(response)
    with app.app_context():
        assert count() == 1


def test_saving_anyway_replaces_an_unconfirmed_sign_on_of_the_same_name(app, staff, statement_id, world):
    with app.app_context():
        pending_id = add_signon(statement_by_slug(world.signon_slug), "Kenya Domestic Workers Union",
                                status="pending").id
        db.session.commit()
    _page, key = open_form(staff, statement_id)
    response = save(staff, statement_id, key)
    assert response.status_code == 409 and "never confirmed by its contact" in plain(text_of(response))
    save_and_follow(staff, statement_id, key, save_anyway="y", warned_name="Kenya Domestic Workers Union")
    with app.app_context():
        assert db.session.get(SignOn, pending_id).status == "rejected"
        assert db.session.get(SignOn, pending_id).moderation_note == services.REPLACED_BY_STAFF_ENTRY
        assert db.session.scalar(select(SignOn).where(SignOn.entered_from == SOURCE)).status == "approved"


def test_the_same_form_sent_twice_adds_one_sign_on(app, staff, statement_id):
    _page, key = open_form(staff, statement_id)
    first = save(staff, statement_id, key)
    again = save(staff, statement_id, key)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    with app.app_context():
        assert count() == 1


@pytest.mark.parametrize("fields, field, message", [
    ({"organization_name": "  "}, "organization_name", "Enter the organization's name, as written on the form."),
    ({"contact_name": ""}, "contact_name", "Enter the name of the person who signed the form."),
    ({"country": "XX"}, "country", "Choose the organization's country from the list."),
    ({"country": ""}, "country", "Choose the organization's country."),
    ({"org_type": "bank"}, "org_type", "Choose the type of organization from the list."),
    ({"contact_email": "grace at kdwu"}, "contact_email", "Enter an email address like name@example.org."),
    ({"entered_from": ""}, "entered_from", "Say where these sign-ons come from, like “Paper form, Nairobi summit”."),
    ({"organization_name": "W" * 5000}, "organization_name", "Use at most 200 characters."),
    ({"entered_from": "S" * 500}, "entered_from", "Use at most 120 characters."),
])
def test_a_wrong_answer_is_named_by_its_field_and_the_rest_kept(app, staff, statement_id, fields, field, message):
    _page, key = open_form(staff, statement_id)
    response = save(staff, statement_id, key, **fields)
    assert response.status_code == 400
    assert field_error(response, field) == message
    if field != "contact_name":
        assert typed(response, "contact_name") == "Grace Wanjiru"
    if field != "entered_from":
        assert typed(response, "entered_from") == SOURCE
    with app.app_context():
        assert count() == 0


def test_an_expired_form_comes_back_with_what_was_typed(app, staff, statement_id):
    _page, key = open_form(staff, statement_id)
    response = staff.post(f"/statements/{statement_id}/signons/paper",
                          data=dict(entry(), entry_key=key, csrf_token="stale"))
    assert response.status_code == 400
    assert "This form had expired, so the entry was not saved." in form_errors(response)
    assert typed(response, "organization_name") == "Kenya Domestic Workers Union"
    with app.app_context():
        assert count() == 0


def test_a_made_up_entry_key_is_not_taken(app, staff, statement_id):
    response = save(staff, statement_id, "../../etc")
    assert response.status_code == 400
    assert "This form is out of date" in form_errors(response)
    assert re.fullmatch(r"[0-9a-f]{16}\.[0-9a-f]{16}", typed(response, "entry_key"))
    assert typed(response, "organization_name") == "Kenya Domestic Workers Union"
    with app.app_context():
        assert count() == 0


def test_nothing_is_entered_once_sign_on_is_closed(app, staff, statement_id, world):
    with app.app_context():
        services.close_signon(db.session.get(User, world.user_ids["coordinator"]), statement_by_slug(world.signon_slug))
        db.session.commit()
    page, key = open_form(staff, statement_id)
    assert "Sign-on for this statement is closed" in plain(text_of(page))
    response = save(staff, statement_id, key)
    assert response.status_code == 409
    assert "paper sign-ons cannot be entered" in form_errors(response)
    assert typed(response, "organization_name") == "Kenya Domestic Workers Union"
    with app.app_context():
        assert count() == 0


@pytest.mark.parametrize("role, status", [("member", 403), ("observer", 403), ("outsider", 404)])
def test_only_coordinators_and_staff_enter_paper_sign_ons(app, make_client, statement_id, world, role, status):
    person = make_client()
    person.login(world.emails[role])
    assert person.get(f"/statements/{statement_id}/signons/paper").status_code == status
    assert person.get(f"/statements/{statement_id}/signons/paper/similar?name=Kenya").status_code == status
    assert save(person, statement_id, "0123456789abcdef.0123456789abcdef").status_code == status
    with app.app_context():
        assert count() == 0
    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    _page, key = open_form(coordinator, statement_id)
    assert save(coordinator, statement_id, key).status_code == 302


def test_similar_names_are_offered_while_typing_for_this_statement_only(app, staff, statement_id, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        add_signon(statement, "Kenya Domestic Workers Union", country="KE", email="grace@kdwu.example.net")
        add_signon(statement, "Counted Quietly Kenya Domestic Workers", visibility="count")
        db.session.commit()
    response = staff.get(f"/statements/{statement_id}/signons/paper/similar?name=Kenya+Domestic")
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private")
    assert response.get_json() == {"names": [{"name": "Kenya Domestic Workers Union",
                                              "reason": "begins the same way", "signed": False}]}
    assert "grace@" not in text_of(response)
    assert staff.get(f"/statements/{statement_id}/signons/paper/similar?name=").get_json() == {"names": []}


def test_likeness_of_names_as_typed_from_paper():
    assert name_likeness("Kenya Domestic Workers Union", "kenya domestic workers union ltd") == "the same name"
    assert name_likeness("KDWU", "Kenya Domestic Workers Union") == "one name is the acronym of the other"
    assert name_likeness("Kenya Domestik Workers Union", "Kenya Domestic Workers Union") == "very similar names"
    assert name_likeness("Kenya Dom", "Kenya Domestic Workers Union") is None
    assert name_likeness("Kenya Dom", "Kenya Domestic Workers Union", while_typing=True) == "begins the same way"
    assert name_likeness("Red de Mujeres", "Kenya Domestic Workers Union", while_typing=True) is None
    assert name_likeness("...", "Kenya Domestic Workers Union") is None


def test_a_name_counted_without_being_named_stays_unnamed_to_a_coordinator(app, staff, coordinator, statement_id,
                                                                           world):
    with app.app_context():
        add_signon(statement_by_slug(world.signon_slug), "Quiet Shelter Kenya", visibility="count")
        db.session.commit()
    url = f"/statements/{statement_id}/signons/paper/similar?name=Quiet+Shelter+Kenia"
    assert coordinator.get(url).get_json()["names"][0]["name"] == "an organization counted without being named"
    assert staff.get(url).get_json()["names"][0]["name"] == "Quiet Shelter Kenya"
    _page, key = open_form(coordinator, statement_id)
    response = save(coordinator, statement_id, key, organization_name="Quiet Shelter Kenia")
    assert response.status_code == 409
    assert "looks like an organization counted without being named" in plain(text_of(response))
    assert "Quiet Shelter Kenya" not in text_of(response)
