"""What the public form refuses, and how: missing and over-long answers, bad addresses, bots, floods, markup."""

import csv
import html
import io
import re
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.signons import views
from statements.signons.models import SignOn
from tests.signons.pages import (confirmation, decide, field_error, form, form_errors, selected, sign, signons,
                                 statement_by_slug, text_of, typed)

TOO_FAST = "This form was sent within seconds of the page opening, so it was not accepted"


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(SignOn))


def mails() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_an_empty_form_says_what_is_missing_by_each_field(app, client, world):
    response = client.submit(f"/s/{world.signon_slug}/sign", {"visibility": "named"})
    assert response.status_code == 400
    assert "Some answers need changing. Look for the messages below." in form_errors(response)
    assert field_error(response, "organization_name") == "Enter your organization's name."
    assert field_error(response, "country") == "Choose the country where your organization is based."
    assert field_error(response, "org_type") == "Choose the type of organization."
    assert field_error(response, "contact_name") == "Enter the name of the person signing for the organization."
    assert field_error(response, "contact_email") == \
        "Enter an email address: we send a link there to confirm the signature."
    assert field_error(response, "website") == ""  # optional
    with app.app_context():
        assert stored() == 0


def test_a_missing_answer_keeps_everything_else_that_was_typed(app, client, world):
    response = sign(client, world.signon_slug, contact_name="", message="Con solidaridad", country="GT",
                    consent_to_contact="y")
    assert response.status_code == 400
    assert field_error(response, "contact_name") == "Enter the name of the person signing for the organization."
    assert typed(response, "organization_name") == "Asociación de Trabajadoras del Hogar"
    assert typed(response, "contact_email") == "maria.lopez@trabajadoras.org.gt"
    assert typed(response, "website") == "https://trabajadoras.example.gt"
    assert typed(response, "message") == "Con solidaridad"
    assert selected(response, "country") == "GT" and selected(response, "org_type") == "union"
    page = text_of(response)
    assert re.search(r'<input checked id="consent_to_contact"', page)
    assert re.search(r'<input checked id="authorized"', page)


@pytest.mark.parametrize("field, value, message", [
    ("organization_name", "A" * 201, "Use at most 200 characters."),
    ("contact_name", "M" * 121, "Use at most 120 characters."),
    ("contact_email", "m" * 250 + "@example.org", "Use at most 254 characters."),
    ("website", "https://example.org/" + "p" * 290, "Use at most 300 characters."),
    ("message", "palabra " * 251, "Use at most 2,000 characters."),
])
def test_over_long_answers_are_refused_by_the_field_and_kept(app, client, world, field, value, message):
    response = sign(client, world.signon_slug, **{field: value})
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert typed(response, field) == value
    with app.app_context():
        assert stored() == 0


@pytest.mark.parametrize("field, value, message", [
    ("contact_email", "maria.lopez", "Enter an email address like name@example.org."),
    ("contact_email", "maria@", "Enter an email address like name@example.org."),
    ("website", "javascript:alert(document.cookie)", "Enter a full web address starting with https://"),
    ("website", "trabajadoras gt", "Enter a full web address starting with https://"),
    ("website", "ftp://trabajadoras.example.gt", "Enter a full web address starting with https://"),
    ("website", "https://localhost", "Enter a full web address starting with https://"),
    ("country", "XX", "Choose the country where your organization is based from the list."),
    ("country", "Guatemala", "Choose the country where your organization is based from the list."),
    ("org_type", "corporation", "Choose the type of organization from the list."),
    ("visibility", "everything", "Choose one of the three ways your organization can appear."),
])
def test_answers_that_are_not_valid_say_what_to_write(app, client, world, field, value, message):
    response = sign(client, world.signon_slug, **{field: value})
    assert response.status_code == 400
    if field == "visibility":
        fieldset = re.search(r"<fieldset.*?</fieldset>", text_of(response), re.DOTALL).group(0)
        assert f'<p class="field-error">{message}</p>' in fieldset
    else:
        assert field_error(response, field) == message
    with app.app_context():
        assert stored() == 0


def test_the_country_list_is_in_the_order_people_look_for_their_country(client, world):
    page = text_of(client.get(f"/s/{world.signon_slug}"))
    select_tag = re.search(r'<select[^>]*name="country".*?</select>', page, re.DOTALL).group(0)
    names = [html.unescape(n) for n in re.findall(r'<option value="[A-Z]{2}">([^<]+)</option>', select_tag)]
    assert names.index("Åland Islands") < names.index("Albania")
    assert names.index("Costa Rica") < names.index("Côte d'Ivoire") < names.index("Croatia")
    assert names.index("Tunisia") < names.index("Türkiye") < names.index("Turkmenistan")


def test_the_authorized_box_must_be_ticked(app, client, world, mailbox):
    response = sign(client, world.signon_slug, authorized=None)
    assert response.status_code == 400
    assert field_error(response, "authorized") == "Tick the box to confirm you may sign for this organization."
    assert typed(response, "organization_name") == "Asociación de Trabajadoras del Hogar"
    with app.app_context():
        assert stored() == 0 and mails() == 0


def test_surrounding_spaces_are_dropped_from_what_is_stored(app, client, world):
    sign(client, world.signon_slug, organization_name="  Red   de Mujeres  ", contact_name=" Ana  Pérez ",
         contact_email="  ana@redmujeres.example.mx ", website=" https://redmujeres.example.mx ")
    with app.app_context():
        [signon] = signons()
        assert (signon.organization_name, signon.contact_name) == ("Red de Mujeres", "Ana Pérez")
        assert (signon.contact_email, signon.website) == ("ana@redmujeres.example.mx", "https://redmujeres.example.mx")


# --- bots -----------------------------------------------------------------------------------------

def test_a_form_with_the_hidden_field_filled_is_refused_and_nothing_is_sent(app, client, world, mailbox):
    response = sign(client, world.signon_slug, nickname="Best Deals")
    assert response.status_code == 400
    assert TOO_FAST in form_errors(response)
    assert typed(response, "organization_name") == "Asociación de Trabajadoras del Hogar"
    mailbox.deliver()
    assert mailbox.messages == []
    with app.app_context():
        assert stored() == 0


def started_token(client, slug) -> str:
    page = text_of(client.get(f"/s/{slug}"))
    return html.unescape(re.search(r'<input id="started" name="started" type="hidden" value="([^"]+)"', page).group(1))


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 3)
    started = started_token(client, world.signon_slug)
    response = sign(client, world.signon_slug, started=started)
    assert response.status_code == 400
    assert TOO_FAST in form_errors(response)
    assert "Your answers are kept; look them over and send it again." in form_errors(response)
    for forged in (None, "", "1700000000.0", started[:-3] + "abc"):  # sent without a form, or a made-up time
        response = sign(client, world.signon_slug, started=forged)
        assert response.status_code == 400 and TOO_FAST in form_errors(response)
    with app.app_context():
        assert stored() == 0

    # the page sent back after a forged time carries a fresh one; a few seconds later the same answers go through
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', text_of(response)).group(1)
    later = SimpleNamespace(time=lambda: time.time() + 4)
    monkeypatch.setattr(views, "time", later)
    assert sign(client, world.signon_slug, started=html.unescape(started)).status_code == 302
    with app.app_context():
        assert stored() == 1


def test_a_flood_from_one_address_is_stopped_after_the_limit(app, client, make_client, world, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_LIMIT_PER_ADDRESS", "3 per minute")
    statuses = [sign(client, world.signon_slug, organization_name=f"Spam Union {n}",
                     contact_email=f"spam{n}@spam.example.net").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    refused = sign(client, world.signon_slug, organization_name="Spam Union 9")
    assert "You have tried this too many times in a short while. Wait a minute and try again." in text_of(refused)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60  # when the minute's count ends
    elsewhere = make_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign(elsewhere, world.signon_slug).status_code == 302  # others can still sign
    with app.app_context():
        assert stored() == 4


def test_the_same_form_sent_twice_is_stored_and_mailed_once(app, client, world, mailbox):
    data = form()
    data["csrf_token"] = client.csrf_token()
    first = client.post(f"/s/{world.signon_slug}/sign", data=data)
    second = client.post(f"/s/{world.signon_slug}/sign", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert stored() == 1 and mails() == 1


def test_a_form_without_its_security_token_is_refused_with_a_clear_page(app, client, world):
    response = client.post(f"/s/{world.signon_slug}/sign", data=form())
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    with app.app_context():
        assert stored() == 0


# --- markup typed into the form -----------------------------------------------------------------

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_typed_into_every_field_is_shown_as_text_everywhere(app, client, make_client, world, mailbox):
    slug = world.signon_slug
    email = "ana@redmujeres.example.mx"
    response = sign(client, slug, organization_name=f"Red {SCRIPT}", contact_name=f"Ana {SCRIPT}",
                    message=f"Hola {SCRIPT}", contact_email=email,
                    website='https://redmujeres.example.mx/"onmouseover="alert(1)')
    assert response.status_code == 302, field_error(response, "website")
    message = confirmation(mailbox, email)
    assert f"Red {SCRIPT}" in mailbox.body(message)  # plain text mail: shown as typed, never run
    confirm_link = mailbox.link_in(message, "/confirm/")
    withdraw_link = mailbox.link_in(message, "/withdraw/")
    pages = {"check email": client.get(response.headers["Location"]), "confirm": client.get(confirm_link),
             "confirmed": client.submit(confirm_link), "withdraw": client.get(withdraw_link)}
    with app.app_context():
        statement_id = statement_by_slug(slug).id
        [signon] = signons()
    staff = make_client()
    staff.login(world.emails["admin"])
    decide(staff, statement_id, [signon.id], "approve", note=f"Checked {SCRIPT}")
    pages.update({
        "public": client.get(f"/s/{slug}"), "signatories": client.get(f"/s/{slug}/signatories"),
        "moderation": staff.get(f"/statements/{statement_id}/signons?status=all"),
        "badge": client.get(f"/s/{slug}/badge.svg"),
        "refused twice": sign(client, slug, organization_name=f"Red {SCRIPT}", contact_name=f"Ana {SCRIPT}"),
    })
    for name, page in pages.items():
        body = text_of(page)
        assert "<script>alert" not in body and "<img src=x" not in body, name
        assert 'onmouseover="alert' not in body, name
    assert "Red &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text_of(pages["signatories"])
    assert "Checked &lt;script&gt;" in text_of(pages["moderation"])
    assert "Hola &lt;script&gt;" in text_of(pages["moderation"])
    assert 'href="https://redmujeres.example.mx/&#34;onmouseover=&#34;alert(1)"' in text_of(pages["signatories"])

    data = client.get(f"/s/{slug}/signatories.json")
    assert data.mimetype == "application/json"
    assert data.get_json()["signatories"][0]["name"] == f"Red {SCRIPT}"  # data, as typed
    api = client.get(f"/api/v1/statements/{slug}/signatories")
    assert api.mimetype == "application/json" and api.get_json()["signatories"][0]["name"] == f"Red {SCRIPT}"
    for download in (client.get(f"/s/{slug}/signatories.csv"), staff.get(f"/statements/{statement_id}/signons.csv")):
        assert download.mimetype == "text/csv"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[1][rows[0].index("organization" if "organization" in rows[0] else "name")] == f"Red {SCRIPT}"


def test_a_second_try_after_a_refusal_counts_from_when_the_form_was_first_shown(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 3)
    started = started_token(client, world.signon_slug)
    later = SimpleNamespace(time=lambda: time.time() + 5)
    monkeypatch.setattr(views, "time", later)  # five seconds to fill the form in, with one answer missing
    refused = sign(client, world.signon_slug, started=started, contact_name="")
    assert refused.status_code == 400 and TOO_FAST not in form_errors(refused)
    kept = html.unescape(re.search(r'name="started" type="hidden" value="([^"]+)"', text_of(refused)).group(1))
    assert kept == started  # the page sent back keeps the first time, so a quick correction is not a bot's
    assert sign(client, world.signon_slug, started=kept).status_code == 302
    with app.app_context():
        assert stored() == 1


def test_a_form_sent_too_fast_also_says_every_other_answer_to_change(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 3)
    response = sign(client, world.signon_slug, started=started_token(client, world.signon_slug), contact_name="",
                    contact_email="not an address")
    assert TOO_FAST in form_errors(response)
    assert field_error(response, "contact_name") == "Enter the name of the person signing for the organization."
    assert field_error(response, "contact_email") == "Enter an email address like name@example.org."


@pytest.mark.parametrize("typed_address, stored_address", [
    ("trabajadoras.example.gt", "https://trabajadoras.example.gt"),
    ("www.redmujeres.org/quienes-somos", "https://www.redmujeres.org/quienes-somos"),
    ("  http://redmujeres.example.mx ", "http://redmujeres.example.mx"),
])
def test_a_website_typed_without_https_gets_it(app, client, world, typed_address, stored_address):
    assert sign(client, world.signon_slug, website=typed_address).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SignOn.website)) == stored_address
