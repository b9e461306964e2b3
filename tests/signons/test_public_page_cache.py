"""The public page is made once for anonymous visitors, with each visitor's own token and start time
in it, and follows every change to what it shows."""

import re
import time
from datetime import timedelta

from statements.core.db import utcnow
from statements.extensions import db
from statements.signons import views
from tests.signons.pages import (add_signon, flashes, form, plain, public_count, signons, statement_by_slug,
                                 text_of)

HIDDEN = re.compile(r'<input[^>]*\bname="(csrf_token|started)"[^>]*\bvalue="([^"]*)"|'
                    r'<input[^>]*\bvalue="([^"]*)"[^>]*\bname="(csrf_token|started)"')


def hidden_fields(page: str) -> dict:
    """The hidden values of the sign-on form (the first of each name on the page)."""
    found = {}
    for match in HIDDEN.finditer(page):
        name, value = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        found.setdefault(name, value)
    return found


def test_each_visitor_gets_their_own_token_and_start_time_and_each_can_sign(app, make_client, world):
    first, second = make_client(), make_client()
    first_page, second_page = (text_of(c.get(f"/s/{world.signon_slug}")) for c in (first, second))
    first_fields, second_fields = hidden_fields(first_page), hidden_fields(second_page)

    assert first_fields["csrf_token"] != second_fields["csrf_token"]
    assert first_fields["started"] != second_fields["started"]
    # apart from those two values, both visitors read the same page
    assert first_page.replace(first_fields["csrf_token"], "T").replace(first_fields["started"], "S") == \
        second_page.replace(second_fields["csrf_token"], "T").replace(second_fields["started"], "S")
    with app.test_request_context():
        for fields in (first_fields, second_fields):
            assert views._started_serializer().loads(fields["started"], max_age=60) > 0

    for number, (visitor, fields) in enumerate(((first, first_fields), (second, second_fields))):
        answer = visitor.post(f"/s/{world.signon_slug}/sign", data=form(
            organization_name=f"Union number {number}", contact_email=f"office{number}@union{number}.example.net",
            **fields))
        assert answer.status_code == 302, text_of(answer)
    # a token from one visitor's page is no use to another visitor
    stolen = make_client().post(f"/s/{world.signon_slug}/sign", data=form(
        organization_name="Someone Else Entirely", contact_email="else@else.example.net", **first_fields))
    assert stolen.status_code == 400
    with app.app_context():
        assert sorted(s.organization_name for s in signons()) == ["Union number 0", "Union number 1"]


def test_the_page_follows_the_count_and_the_state(app, client, make_client, world):
    slug = world.signon_slug
    assert public_count(client, slug) == 0
    with app.app_context():
        add_signon(statement_by_slug(slug), "Fisherfolk Forum of Suva", country="FJ")
        db.session.commit()
    views.services.forget_counts(app)  # what another process sees once its few seconds are up
    assert public_count(make_client(), slug) == 1
    assert "1 organization has signed from 1 country" in plain(text_of(make_client().get(f"/s/{slug}")))

    with app.app_context():
        statement = statement_by_slug(slug)
        statement.state, statement.signon_closing_message = "signon_closed", "Closed on 8 March."
        db.session.commit()
    page = text_of(make_client().get(f"/s/{slug}"))
    assert "Sign-on is closed" in page and "Closed on 8 March." in page
    assert 'name="organization_name"' not in page


def test_a_logged_in_person_and_a_visitor_with_a_message_get_their_own_page(app, client, make_client, world):
    anonymous = text_of(client.get(f"/s/{world.signon_slug}"))
    assert "Log out" not in anonymous

    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    assert "Log out" in text_of(coordinator.get(f"/s/{world.signon_slug}"))

    mistaken = make_client()
    mistaken.submit(f"/s/{world.signon_slug}/resend", {"resend-contact_email": "not an address"})
    told = text_of(mistaken.get(f"/s/{world.signon_slug}"))
    assert "Enter the email address you signed with, like name@example.org." in flashes(told)
    assert flashes(text_of(make_client().get(f"/s/{world.signon_slug}"))) == []
    assert "Log out" not in text_of(make_client().get(f"/s/{world.signon_slug}"))


def test_for_a_few_seconds_the_page_is_served_again_without_the_database_and_a_sign_on_still_works(
        app, make_client, world, count_queries, monkeypatch):
    slug = world.signon_slug
    first = text_of(make_client().get(f"/s/{slug}"))
    visitor = make_client()
    with count_queries() as counted:
        again = visitor.get(f"/s/{slug}")
    assert again.status_code == 200 and counted[0] == 0
    page = text_of(again)
    fields = hidden_fields(page)
    assert fields["csrf_token"] not in first, "each visitor still gets their own token"
    assert page.replace(fields["csrf_token"], "T").replace(fields["started"], "S") == \
        first.replace(hidden_fields(first)["csrf_token"], "T").replace(hidden_fields(first)["started"], "S")
    answer = visitor.post(f"/s/{slug}/sign", data=form(organization_name="Served From Memory Union",
                                                       contact_email="office@memory.example.net", **fields))
    assert answer.status_code == 302

    # once the few seconds are up (here: none), the database is asked again
    monkeypatch.setattr(views.services, "COUNT_CACHE_SECONDS", 0)
    with count_queries() as counted:
        assert make_client().get(f"/s/{slug}").status_code == 200
    assert counted[0] > 0


def test_a_statement_past_its_deadline_is_never_served_from_memory(app, make_client, world):
    slug = world.signon_slug
    with app.app_context():
        statement_by_slug(slug).signon_deadline = utcnow() + timedelta(seconds=1)
        db.session.commit()
    assert 'name="organization_name"' in text_of(make_client().get(f"/s/{slug}"))
    time.sleep(1.2)  # the deadline passes, with no change through this process
    page = text_of(make_client().get(f"/s/{slug}"))
    assert 'name="organization_name"' not in page
    with app.app_context():
        assert statement_by_slug(slug).state == "signon_closed"


def test_an_address_longer_than_any_slug_is_nobodys_even_when_it_begins_with_one(app, make_client, world):
    longest = "a-statement-with-the-longest-address-there-can-be-" + "x" * 30
    with app.app_context():
        statement_by_slug(world.signon_slug).slug = longest
        db.session.commit()
    assert len(longest) == 80 and make_client().get(f"/s/{longest}").status_code == 200
    for tail in ("", "/signatories", "/statement.pdf"):
        assert make_client().get(f"/s/{longest}y{tail}").status_code == 404, tail
