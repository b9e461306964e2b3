"""The campaign panel: its link and QR code, the goal, counts by source, embed codes, partner links that record
who brought a sign-on, and the widget partners frame."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.audit.models import AuditEvent
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import services
from statements.signons.models import PartnerLink, SignOn
from tests.factories import make_open_statement
from tests.signons.pages import (add_signon, confirmation, decide, field_error, flashes, plain, sign, signon_named,
                                 statement_by_slug, text_of, typed)


def panel(client, statement_id: int):
    return client.get(f"/statements/{statement_id}/campaign")


def make_link(client, statement_id: int, name: str):
    return client.submit(f"/statements/{statement_id}/campaign/links", {"name": name})


def links(statement_id: int) -> list[PartnerLink]:
    return list(db.session.scalars(select(PartnerLink).where(PartnerLink.statement_id == statement_id)
                                   .order_by(PartnerLink.id)))


def partner_token(app, statement_id: int, name: str) -> str:
    with app.app_context():
        return db.session.scalar(select(PartnerLink.token).where(PartnerLink.statement_id == statement_id,
                                                                PartnerLink.name == name))


def set_goal(client, statement_id: int, goal: str):
    return client.submit(f"/statements/{statement_id}/campaign/goal", {"goal": goal})


def source_row(page: str, label: str) -> list[str]:
    """The numbers of one row of the table of sources (approved, waiting, not confirmed)."""
    table = re.search(r'<h3 id="sources-heading">.*?</table>', page, re.DOTALL).group(0)
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL):
        cells = [plain(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        if cells and cells[0].split(" off")[0] == label:
            return cells[1:]
    raise AssertionError(f"no row for {label!r} in the table of sources")


def other_statement(app, world, state: str = "signon_open") -> int:
    """A statement of the other group (the outsider coordinates it), open for sign-on or moved on."""
    from statements.accounts.models import WorkingGroup

    with app.app_context():
        outsider = db.session.get(User, world.user_ids["outsider"])
        statement = make_open_statement(outsider, db.session.get(WorkingGroup, world.other_group_id),
                                        "Decent work for care workers")
        if state != "signon_open":
            drafts.transition(outsider, statement, state)
        db.session.commit()
        return statement.id


# --- the panel and who sees what --------------------------------------------------------------------

def test_the_coordinator_sees_the_link_qr_count_sources_embed_codes_and_what_waits(app, coordinator, world,
                                                                                     statement_id):
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        add_signon(statement, "Red de Mujeres del Sur", status="approved")
        add_signon(statement, "Colectivo Migrante", status="confirmed")
        db.session.commit()
    page = text_of(panel(coordinator, statement_id))
    address = f"http://localhost/s/{world.signon_slug}"
    assert re.search(rf'<input id="public-address" type="text" readonly value="{re.escape(address)}"', page)
    assert '<svg' in page and 'class="qr-code"' in page  # the QR code, in the page itself
    assert f"/statements/{statement_id}/qr.svg" in page and f"/statements/{statement_id}/qr.png" in page
    assert "1 organization has signed" in plain(page)
    assert "1 sign-on waits for moderation" in plain(page)
    assert f"/statements/{statement_id}/signons?status=confirmed" in page
    assert source_row(page, "Public form") == ["1", "1", "0"]
    assert source_row(page, "Entered by staff") == ["0", "0", "0"]
    assert f"/s/{world.signon_slug}/badge.svg" in page and f"/s/{world.signon_slug}/embed" in page
    assert "&lt;iframe src=" in page  # the widget's code, to copy, not a frame in the panel


def test_the_statement_page_leads_to_the_campaign_panel_while_sign_on_is_open(app, make_client, world,
                                                                              statement_id):
    for role in ("coordinator", "member", "observer"):
        client = make_client()
        client.login(world.emails[role])
        page = text_of(client.get(f"/statements/{statement_id}"))
        assert f'href="/statements/{statement_id}/campaign"' in page, role


@pytest.mark.parametrize("role", ["member", "observer"])
def test_members_see_the_link_qr_and_count_but_nothing_of_goal_sources_or_partners(app, coordinator, make_client,
                                                                                   world, statement_id, role):
    assert make_link(coordinator, statement_id, "Red Norte").status_code == 302
    assert set_goal(coordinator, statement_id, "250").status_code == 302
    client = make_client()
    client.login(world.emails[role])
    response = panel(client, statement_id)
    page = text_of(response)
    assert response.status_code == 200
    assert f'value="http://localhost/s/{world.signon_slug}"' in page and 'class="qr-code"' in page
    assert "of a goal of 250 sign-ons" in plain(page)  # the count against the goal, read-only
    assert 'name="goal"' not in page and "Red Norte" not in page and "sources-heading" not in page
    assert partner_token(app, statement_id, "Red Norte") not in page
    assert client.get(f"/statements/{statement_id}/qr.svg").status_code == 200
    with app.app_context():
        link_id = links(statement_id)[0].id
    assert client.get(f"/statements/{statement_id}/qr.svg?link={link_id}").status_code == 404
    assert make_link(client, statement_id, "Another").status_code == 403
    assert set_goal(client, statement_id, "10").status_code == 403


def test_someone_else_s_statement_is_not_found(app, coordinator, world):
    other_id = other_statement(app, world)
    assert panel(coordinator, other_id).status_code == 404
    assert coordinator.get(f"/statements/{other_id}/qr.svg").status_code == 404
    assert set_goal(coordinator, other_id, "100").status_code == 404
    assert make_link(coordinator, other_id, "Red Norte").status_code == 404
    assert coordinator.submit(f"/statements/{other_id}/campaign/links/switch", {"link": "1"}).status_code == 404
    assert coordinator.get("/statements/99999999999/campaign").status_code == 404
    with app.app_context():
        assert db.session.get(Statement, other_id).signon_goal is None and not links(other_id)


def test_a_draft_has_no_campaign_yet_and_no_qr_code(app, coordinator, world):
    page = text_of(panel(coordinator, world.statement_id))
    assert "gets its campaign once sign-on opens" in plain(page)
    assert coordinator.get(f"/statements/{world.statement_id}/qr.svg").status_code == 404
    response = set_goal(coordinator, world.statement_id, "100")
    assert response.status_code == 302
    assert "gets its campaign once sign-on opens" in " ".join(flashes(text_of(coordinator.get(
        response.headers["Location"]))))
    assert make_link(coordinator, world.statement_id, "Red Norte").status_code == 302
    with app.app_context():
        assert db.session.get(Statement, world.statement_id).signon_goal is None
        assert not links(world.statement_id)


# --- QR codes ---------------------------------------------------------------------------------------

def test_the_qr_code_downloads_as_svg_and_png(coordinator, world, statement_id):
    svg = coordinator.get(f"/statements/{statement_id}/qr.svg")
    assert svg.status_code == 200 and svg.headers["Content-Type"] == "image/svg+xml"
    assert svg.headers["Content-Disposition"] == f'attachment; filename="{world.signon_slug}-qr.svg"'
    body = svg.get_data(as_text=True)
    assert body.startswith("<?xml") and '<svg xmlns="http://www.w3.org/2000/svg"' in body
    assert f"<title>http://localhost/s/{world.signon_slug}</title>" in body and "<path" in body
    png = coordinator.get(f"/statements/{statement_id}/qr.png")
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert coordinator.get(f"/statements/{statement_id}/qr.gif").status_code == 404
    assert coordinator.get(f"/statements/{statement_id}/qr.svg?link=x").status_code == 404
    assert coordinator.get(f"/statements/{statement_id}/qr.svg?link=99999999999").status_code == 404


def test_no_qr_code_while_sign_on_is_closed_but_again_once_published(app, coordinator, world, statement_id):
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]), statement, "signon_closed")
        db.session.commit()
    assert coordinator.get(f"/statements/{statement_id}/qr.svg").status_code == 404
    page = text_of(panel(coordinator, statement_id))
    assert 'class="qr-code"' not in page and "Sign-on is closed" in plain(page)
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]), statement, "published")
        db.session.commit()
    assert coordinator.get(f"/statements/{statement_id}/qr.svg").status_code == 200


# --- the goal ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed_goal, stored", [("500", 500), (" 1,000 ", 1000), ("12 500", 12500), ("", None)])
def test_a_goal_is_a_whole_number_or_nothing(app, coordinator, statement_id, typed_goal, stored):
    set_goal(coordinator, statement_id, "42")
    response = set_goal(coordinator, statement_id, typed_goal)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Statement, statement_id).signon_goal == stored
    page = plain(text_of(coordinator.get(response.headers["Location"])))
    assert (f"of a goal of {stored:,} sign-ons" in page) if stored else ("0 organizations have signed" in page)


@pytest.mark.parametrize("typed_goal, message", [
    ("0", "Enter a goal from 1 to 1,000,000 sign-ons"),
    ("-5", "Enter the goal as a whole number of sign-ons"),
    ("lots", "Enter the goal as a whole number of sign-ons"),
    ("2.5", "Enter the goal as a whole number of sign-ons"),
    ("1e9", "Enter the goal as a whole number of sign-ons"),
    ("5000000", "Enter a goal from 1 to 1,000,000 sign-ons"),
    ("99999999999999999999", "Enter a goal from 1 to 1,000,000 sign-ons"),
    ("9" * 21, "Use at most 20 characters"),
    ("٥٠٠", "Enter the goal as a whole number of sign-ons"),
])
def test_a_goal_that_is_not_a_positive_whole_number_is_refused_by_its_field(app, coordinator, statement_id,
                                                                             typed_goal, message):
    set_goal(coordinator, statement_id, "42")
    response = set_goal(coordinator, statement_id, typed_goal)
    assert response.status_code == 400
    assert message in field_error(response, "goal")
    assert typed(response, "goal") == typed_goal  # what was typed stays in the box
    with app.app_context():
        assert db.session.get(Statement, statement_id).signon_goal == 42


def test_setting_the_goal_is_audited(app, coordinator, statement_id):
    set_goal(coordinator, statement_id, "300")
    set_goal(coordinator, statement_id, "300")  # no change, no second event
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "statement.signon_goal")).all()
        assert [event.details["goal"] for event in events] == [300]


# --- partner links ----------------------------------------------------------------------------------

def test_a_partner_link_has_a_name_and_an_unguessable_token_and_is_audited(app, coordinator, world, statement_id):
    response = make_link(coordinator, statement_id, "  Red   Norte ")
    with app.app_context():
        [link] = links(statement_id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/campaign#link-{link.id}")
    with app.app_context():
        link = db.session.merge(link)
        assert link.name == "Red Norte" and link.active and re.fullmatch(r"[A-Za-z0-9_-]{24}", link.token)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "partner_link.created"))
        assert event.subject_id == link.id and event.actor_id == world.user_ids["coordinator"]
        token = link.token
    page = text_of(panel(coordinator, statement_id))
    assert f'class="code-box">http://localhost/s/{world.signon_slug}?via={token}</textarea>' in page
    assert f"/statements/{statement_id}/qr.svg?link=" in page
    qr = coordinator.get(f"/statements/{statement_id}/qr.svg?link={link.id}")
    assert qr.status_code == 200 and f"via={token}" in qr.get_data(as_text=True)
    assert make_link(coordinator, statement_id, "Red Sur").status_code == 302
    assert len({link.token for link in links_in(app, statement_id)}) == 2


def links_in(app, statement_id):
    with app.app_context():
        return links(statement_id)


@pytest.mark.parametrize("name, message", [
    ("", "Enter the partner's name"),
    ("   ", "Enter the partner's name"),
    ("x" * 121, "Use at most 120 characters"),
    ("x" * 100_000, "Use at most 120 characters"),
])
def test_a_partner_link_needs_a_name_of_reasonable_length(app, coordinator, statement_id, name, message):
    response = make_link(coordinator, statement_id, name)
    assert response.status_code == 400 and message in field_error(response, "name")
    assert not links_in(app, statement_id)


def test_a_name_given_twice_is_refused_clearly_and_a_double_submit_makes_one_link(app, coordinator, statement_id):
    assert make_link(coordinator, statement_id, "Red Norte").status_code == 302
    again = make_link(coordinator, statement_id, "Red Norte")  # the same form sent twice
    assert again.status_code == 400
    assert "already has a link named “Red Norte”" in field_error(again, "name")
    assert typed(again, "name") == "Red Norte"
    other_spelling = make_link(coordinator, statement_id, "red  NORTE")
    assert other_spelling.status_code == 400 and "already has a link named" in field_error(other_spelling, "name")
    assert [link.name for link in links_in(app, statement_id)] == ["Red Norte"]


def test_the_same_name_on_another_statement_is_its_own_link(app, coordinator, world, statement_id):
    with app.app_context():
        coordinator_user = db.session.get(User, world.user_ids["coordinator"])
        second = make_open_statement(coordinator_user, coordinator_user.memberships[0].group, "Second call")
        db.session.commit()
        second_id = second.id
    assert make_link(coordinator, statement_id, "Red Norte").status_code == 302
    assert make_link(coordinator, second_id, "Red Norte").status_code == 302


def test_a_partner_link_brings_a_sign_on_that_counts_for_it_and_shows_in_the_download(
        app, client, coordinator, staff, mailbox, world, statement_id):
    make_link(coordinator, statement_id, "Red Norte")
    token = partner_token(app, statement_id, "Red Norte")
    page = text_of(client.get(f"/s/{world.signon_slug}?via={token}"))
    assert typed_hidden(page, "via") == token
    assert sign(client, world.signon_slug, via=token).status_code == 302
    link = mailbox.link_in(confirmation(mailbox, "maria.lopez@trabajadoras.org.gt"), "/confirm/")
    assert client.submit(link).status_code == 200
    with app.app_context():
        signon = signon_named("Asociación de Trabajadoras del Hogar")
        assert signon.partner_link.name == "Red Norte" and signon.status == "confirmed"
        signon_id = signon.id
    assert source_row(text_of(panel(coordinator, statement_id)), "Red Norte") == ["0", "1", "0"]
    decide(staff, statement_id, [signon_id], "approve")
    services.forget_counts(app)
    page = text_of(panel(coordinator, statement_id))
    assert source_row(page, "Red Norte") == ["1", "0", "0"]
    assert source_row(page, "Public form") == ["0", "0", "0"]
    rows = list(csv.DictReader(io.StringIO(coordinator.get(
        f"/statements/{statement_id}/signons.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [(row["organization"], row["source"], row["partner_link"]) for row in rows] == [
        ("Asociación de Trabajadoras del Hogar", "form", "Red Norte")]


def typed_hidden(page: str, name: str) -> str | None:
    found = re.search(rf'<input id="{name}" name="{name}" type="hidden" value="([^"]*)"', page)
    return found.group(1) if found else None


@pytest.mark.parametrize("forged", ["made-up-token-that-is-long-enough", "x", "<script>alert(1)</script>", "a" * 5000])
def test_a_forged_token_is_ignored_and_the_sign_on_goes_through(app, client, world, forged, statement_id):
    page = client.get(f"/s/{world.signon_slug}", query_string={"via": forged})
    assert page.status_code == 200 and "<script>alert" not in text_of(page)
    response = sign(client, world.signon_slug, via=forged)
    assert response.status_code == 302 and "/check-email" in response.headers["Location"]
    with app.app_context():
        signon = signon_named("Asociación de Trabajadoras del Hogar")
        assert signon.partner_link_id is None and signon.status == "pending"


def test_another_statement_s_token_is_ignored(app, client, make_client, world, statement_id):
    other_id = other_statement(app, world)
    outsider = make_client()
    outsider.login(world.emails["outsider"])
    assert make_link(outsider, other_id, "Red Norte").status_code == 302
    token = partner_token(app, other_id, "Red Norte")
    assert sign(client, world.signon_slug, via=token).status_code == 302
    with app.app_context():
        assert signon_named("Asociación de Trabajadoras del Hogar").partner_link_id is None


def test_a_link_turned_off_still_opens_the_form_but_new_sign_ons_are_not_put_to_it(
        app, client, make_client, coordinator, world, statement_id):
    make_link(coordinator, statement_id, "Red Norte")
    token = partner_token(app, statement_id, "Red Norte")
    assert sign(client, world.signon_slug, via=token).status_code == 302
    [link] = links_in(app, statement_id)
    response = coordinator.submit(f"/statements/{statement_id}/campaign/links/switch",
                                  {"link": str(link.id), "active": "0"})
    assert response.status_code == 302
    page = text_of(coordinator.get(response.headers["Location"]))
    assert "The 1 sign-on it brought stays theirs." in " ".join(flashes(page))
    later = make_client()
    assert later.get(f"/s/{world.signon_slug}?via={token}").status_code == 200
    assert sign(later, world.signon_slug, via=token, organization_name="Colectivo Migrante",
                contact_email="info@colectivo.example.org").status_code == 302
    with app.app_context():
        assert signon_named("Asociación de Trabajadoras del Hogar").partner_link_id == link.id  # stays its own
        assert signon_named("Colectivo Migrante").partner_link_id is None
    page = text_of(panel(coordinator, statement_id))
    assert source_row(page, "Red Norte") == ["0", "0", "1"] and source_row(page, "Public form") == ["0", "0", "1"]
    assert "Turn on again" in page
    coordinator.submit(f"/statements/{statement_id}/campaign/links/switch", {"link": str(link.id), "active": "1"})
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("partner_link.%"))
                                     .order_by(AuditEvent.id)).all()
        assert actions == ["partner_link.created", "partner_link.turned_off", "partner_link.turned_on"]
        assert links(statement_id)[0].active


def test_switching_an_unknown_or_another_statement_s_link_changes_nothing(app, coordinator, make_client, world,
                                                                          statement_id):
    other_id = other_statement(app, world)
    outsider = make_client()
    outsider.login(world.emails["outsider"])
    make_link(outsider, other_id, "Red Norte")
    [theirs] = links_in(app, other_id)
    for value in (str(theirs.id), "", "abc", "99999999999999"):
        response = coordinator.submit(f"/statements/{statement_id}/campaign/links/switch",
                                      {"link": value, "active": "0"})
        assert response.status_code == 302
        assert "is not one of this statement's" in " ".join(flashes(text_of(coordinator.get(
            response.headers["Location"]))))
    assert links_in(app, other_id)[0].active
    assert coordinator.get(f"/statements/{statement_id}/qr.svg?link={theirs.id}").status_code == 404


def test_sign_ons_entered_by_staff_count_as_entered_by_staff(app, staff, coordinator, statement_id):
    response = staff.submit(f"/statements/{statement_id}/signons/add",
                            {"rows": "Sindicato Unido; GT; union; Ana Pérez; ana@sindicato.example.org",
                             "default_visibility": "named", "confirm": "1"})
    assert response.status_code == 302
    services.forget_counts(app)
    assert source_row(text_of(panel(coordinator, statement_id)), "Entered by staff") == ["1", "0", "0"]


# --- nothing of it in public ------------------------------------------------------------------------

def test_no_partner_name_or_token_appears_on_public_pages_or_open_data(app, client, make_client, coordinator, staff,
                                                                       world, statement_id):
    make_link(coordinator, statement_id, "Red Norte Secreta")
    token = partner_token(app, statement_id, "Red Norte Secreta")
    partner_visitor = make_client()
    assert token in text_of(partner_visitor.get(f"/s/{world.signon_slug}?via={token}"))  # their own link, kept
    sign(partner_visitor, world.signon_slug, via=token)
    with app.app_context():
        signon_id = signon_named("Asociación de Trabajadoras del Hogar").id
        db.session.get(SignOn, signon_id).status = "confirmed"
        db.session.commit()
    decide(staff, statement_id, [signon_id], "approve")
    services.forget_counts(app)
    slug = world.signon_slug
    for address in (f"/s/{slug}", f"/s/{slug}/signatories", f"/s/{slug}/signatories.json",
                    f"/s/{slug}/signatories.csv", f"/s/{slug}/series.json", f"/s/{slug}/series.csv",
                    f"/s/{slug}/badge.svg", f"/s/{slug}/embed", f"/api/v1/statements/{slug}",
                    f"/api/v1/statements/{slug}/signatories"):
        response = client.get(address)  # a visitor who came without the link, after one who came with it
        body = response.get_data(as_text=True)
        assert response.status_code == 200, address
        assert "Red Norte" not in body and token not in body, address
    assert "Asociación de Trabajadoras del Hogar" in text_of(client.get(f"/s/{slug}/signatories"))


def test_the_kept_public_page_gives_each_visitor_only_their_own_token(app, make_client, coordinator, world,
                                                                      statement_id):
    make_link(coordinator, statement_id, "Red Norte")
    make_link(coordinator, statement_id, "Red Sur")
    north, south = (partner_token(app, statement_id, name) for name in ("Red Norte", "Red Sur"))
    first, second, third = make_client(), make_client(), make_client()
    assert typed_hidden(text_of(first.get(f"/s/{world.signon_slug}?via={north}")), "via") == north
    second_page = text_of(second.get(f"/s/{world.signon_slug}?via={south}"))
    assert typed_hidden(second_page, "via") == south and north not in second_page
    third_page = text_of(third.get(f"/s/{world.signon_slug}"))
    assert typed_hidden(third_page, "via") == "" and north not in third_page and south not in third_page


# --- the widget partners frame ----------------------------------------------------------------------

def test_the_widget_may_be_framed_by_any_site_and_no_other_page_may(client, world):
    widget = client.get(f"/s/{world.signon_slug}/embed")
    assert widget.status_code == 200
    policy = widget.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "script-src 'self'" in policy and "X-Frame-Options" not in widget.headers
    page = text_of(widget)
    assert "Loss and damage for people who move" in page and "0 organizations have signed" in plain(page)
    assert f'href="http://localhost/s/{world.signon_slug}#sign" target="_blank" rel="noopener"' in page
    for address in (f"/s/{world.signon_slug}", f"/s/{world.signon_slug}/signatories", "/login"):
        response = client.get(address)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], address
        assert response.headers["X-Frame-Options"] == "DENY", address
    missing = client.get("/s/no-such-statement/embed")
    assert missing.status_code == 404 and missing.headers["X-Frame-Options"] == "DENY"


def test_the_widget_carries_a_partner_token_to_the_form(app, client, coordinator, world, statement_id):
    make_link(coordinator, statement_id, "Red Norte")
    token = partner_token(app, statement_id, "Red Norte")
    page = text_of(client.get(f"/s/{world.signon_slug}/embed?via={token}"))
    assert f'href="http://localhost/s/{world.signon_slug}?via={token}#sign"' in page
    junk = text_of(client.get(f"/s/{world.signon_slug}/embed", query_string={"via": '"><b>x'}))
    assert "<b>x" not in junk and "via=" not in junk


def test_the_widget_of_a_closed_statement_says_so(app, client, world, statement_id):
    with app.app_context():
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]),
                          db.session.get(Statement, statement_id), "signon_closed")
        db.session.commit()
    assert "Sign-on is closed." in plain(text_of(client.get(f"/s/{world.signon_slug}/embed")))


def test_counting_by_source_counts_each_sign_on_once(app, coordinator, statement_id):
    make_link(coordinator, statement_id, "Red Norte")
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        [link] = links(statement_id)
        for i in range(3):
            add_signon(statement, f"Partner org {i}").partner_link_id = link.id
        add_signon(statement, "Withdrawn org", status="withdrawn").partner_link_id = link.id
        add_signon(statement, "Public org")
        db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(SignOn).where(SignOn.status == "approved"))
    page = text_of(panel(coordinator, statement_id))
    assert source_row(page, "Red Norte") == ["3", "0", "0"] and source_row(page, "Public form") == ["1", "0", "0"]
    assert total == 4


def test_the_same_name_sent_twice_at_the_same_moment_makes_one_link_and_says_why(app, coordinator, statement_id,
                                                                                  monkeypatch):
    """Both requests pass the look for the name before either is stored: the unique index refuses the second."""
    from sqlalchemy import false

    from statements.signons import campaign

    assert make_link(coordinator, statement_id, "Red Norte").status_code == 302
    real_select = campaign.select
    monkeypatch.setattr(campaign, "select", lambda *columns: real_select(*columns).where(false()))
    response = make_link(coordinator, statement_id, "red norte")
    assert response.status_code == 400
    assert "This statement already has a link named “red norte”" in field_error(response, "name")
    assert [link.name for link in links_in(app, statement_id)] == ["Red Norte"]


def test_the_widget_sets_no_cookie(client, world):
    response = client.get(f"/s/{world.signon_slug}/embed")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("language, title, iframe, badge", [
    ("es", "Pérdidas y daños", "Firmar la declaración: Pérdidas y daños",
     "Pérdidas y daños: organizaciones que han firmado"),
    ("en", "Loss & damage", "Sign the statement: Loss &amp; damage",
     "Loss &amp; damage: organizations that have signed"),
])
def test_the_codes_to_embed_speak_the_statement_s_language_whatever_staff_read(app, coordinator, world, language,
                                                                                title, iframe, badge):
    from tests.signons.test_languages import open_statement_in

    slug = open_statement_in(app, world, language, title, f"codes-{language}")
    with app.app_context():
        statement_id = db.session.scalar(select(Statement.id).where(Statement.slug == slug))
    page = html.unescape(text_of(panel(coordinator, statement_id)))  # the codes, as staff copy them
    assert f'title="{iframe}"' in page
    assert f'alt="{badge}"' in page
