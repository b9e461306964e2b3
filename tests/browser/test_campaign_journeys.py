"""Journeys through the campaign panel in a real browser: a coordinator opens sign-on, copies the public link
and downloads its QR code; a partner link brings a sign-on that the panel and the download put to the partner;
the panel and the widget partners frame pass axe-core at phone and desktop width."""

import csv
import io
import re
import threading
import xml.etree.ElementTree as ElementTree
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import segno
from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import services
from statements.signons.models import PartnerLink, SignOn
from tests.browser.conftest import PHONE, check_page, log_in, shot
from tests.browser.signon_data import sign, statement_by_slug
from tests.browser.test_signon_journeys import fill_the_form, send_the_form


@pytest.fixture(autouse=True)
def _signing_without_waiting(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    services.forget_counts(app)
    yield
    services.forget_counts(app)


def statement_id_of(app, slug: str) -> int:
    with app.app_context():
        return statement_by_slug(slug).id


def test_a_coordinator_opens_sign_on_copies_the_link_and_downloads_the_qr_code(app, page, world, live_server,
                                                                                tmp_path):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    with app.app_context():
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]),
                          db.session.get(Statement, world.statement_id), "final")
        db.session.commit()
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}/signon/open")
    page.get_by_role("button", name="Open sign-on").click()
    expect(page.locator(".state")).to_have_text("Sign-on open")

    page.get_by_role("link", name="Text", exact=True).click()
    page.get_by_role("link", name="Open the campaign panel").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Campaign")
    address = f"{live_server}/s/climate-displacement-needs-protection"
    box = page.get_by_label("Public link to the statement and its sign-on form")
    expect(box).to_have_value(address)
    expect(box).to_have_attribute("readonly", "")

    page.get_by_role("button", name="Copy (Public link to the statement and its sign-on form)").click()
    expect(page.locator('[data-copied-for="public-address"]')).to_have_text("Copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == address

    with page.expect_download() as downloading:
        page.get_by_role("link", name="SVG (any size)").click()
    download = downloading.value
    assert download.suggested_filename == "climate-displacement-needs-protection-qr.svg"
    saved = tmp_path / "qr.svg"
    download.save_as(saved)
    svg = ElementTree.parse(saved).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and len(list(svg.iter("{http://www.w3.org/2000/svg}path"))) == 2
    made = io.BytesIO()  # segno's own drawing of the same address, the same way
    segno.make(address, error="m").save(made, kind="svg", scale=8, border=4, dark="#000", light="#fff",
                                        title=address, svgclass=None, lineclass=None)
    assert saved.read_bytes() == made.getvalue()

    # the goal: a word is refused beside the field, a number is kept and the count set against it
    page.get_by_label("Goal: number of sign-ons (optional)").fill("lots")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.locator("#goal-error")).to_have_text(
        "Enter the goal as a whole number of sign-ons, like 500, or leave it empty for no goal.")
    expect(page.get_by_label("Goal: number of sign-ons (optional)")).to_have_value("lots")
    page.get_by_label("Goal: number of sign-ons (optional)").fill("200")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.locator(".campaign-count")).to_have_text("0 of a goal of 200 sign-ons")
    with app.app_context():
        assert db.session.get(Statement, world.statement_id).signon_goal == 200


def test_without_javascript_the_link_can_still_be_selected(app, new_context, world, live_server):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id_of(app, world.signon_slug)}/campaign")
    box = page.get_by_label("Public link to the statement and its sign-on form")
    expect(box).to_have_value(f"{live_server}/s/{world.signon_slug}")
    expect(page.locator("button[data-copy]")).to_be_hidden()
    expect(page.locator(".qr-code")).to_be_visible()
    expect(page.get_by_role("heading", name="Partner links")).to_have_count(0)  # a member sees no partner


def test_a_partner_link_brings_a_sign_on_that_shows_its_source_in_the_panel_and_the_download(
        app, page, new_context, world, mailbox, live_server):
    statement_id = statement_id_of(app, world.signon_slug)
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}/campaign")
    page.get_by_label("Partner's name").fill("Red Norte de Migrantes")
    page.get_by_role("button", name="Make a link").click()
    expect(page.locator(".flash")).to_have_text(
        "The link for Red Norte de Migrantes is ready: copy it below and send it to them.")
    page.get_by_label("Partner's name").fill("red norte de  MIGRANTES")  # the same partner, written otherwise
    page.get_by_role("button", name="Make a link").click()
    expect(page.locator("#name-error")).to_contain_text("already has a link named “Red Norte de Migrantes”")
    partner_address = page.get_by_label("Link for Red Norte de Migrantes").input_value()
    with app.app_context():
        token = db.session.scalar(select(PartnerLink.token))
    assert partner_address == f"{live_server}/s/{world.signon_slug}?via={token}"

    # someone the partner wrote to signs from a phone through the partner's link, and confirms
    phone = new_context().new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(partner_address)
    expect(phone.locator("main")).not_to_contain_text("Red Norte")
    fill_the_form(phone, name="Colectivo Sin Fronteras", email="hola@sinfronteras.example.org")
    assert send_the_form(phone).status == 302
    mailbox.deliver()
    [message] = mailbox.to("hola@sinfronteras.example.org")
    phone.goto(mailbox.link_in(message, "/confirm/"))
    phone.get_by_role("button", name="Confirm our signature").click()
    expect(phone.locator("main h1")).to_have_text("Thank you: your signature is confirmed")
    with app.app_context():
        signon = db.session.scalars(select(SignOn)).one()
        assert signon.partner_link.name == "Red Norte de Migrantes" and signon.status == "confirmed"

    page.goto(f"/statements/{statement_id}/campaign")
    expect(page.locator(".waiting")).to_have_text("1 sign-on waits for moderation")
    row = page.locator("#sources-heading ~ .table-wrap tr", has_text="Red Norte de Migrantes")
    expect(row.locator("td")).to_have_text(["Red Norte de Migrantes", "0", "1", "0"])
    expect(page.locator("#link-1, .partner-link").first).to_contain_text("1 waiting for approval")

    csv_text = page.request.get(f"{live_server}/statements/{statement_id}/signons.csv").text()
    [row] = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert (row["organization"], row["partner_link"]) == ("Colectivo Sin Fronteras", "Red Norte de Migrantes")


def _panel_with_a_campaign(app, world) -> int:
    """A statement with a goal, a partner link, sign-ons over several days from both, and one waiting."""
    slug = world.signon_slug
    with app.app_context():
        statement = statement_by_slug(slug)
        statement.signon_goal = 50
        link = PartnerLink(statement_id=statement.id, name="Alianza Regional por los Derechos de las Trabajadoras "
                           "del Hogar", name_key="alianza", token="a-partner-token-for-the-tests", active=True)
        db.session.add(link)
        db.session.commit()
        statement_id = statement.id
    for i, (name, country) in enumerate([("Kadın Emeği Kolektifi", "TR"), ("Migrant Forum in Asia", "PH"),
                                         ("Red de Mujeres del Sur", "AR"), ("Sindicato Unido", "GT")]):
        sign(app, slug, status="approved", days_ago=3 - i, organization_name=name, country=country,
             contact_email=f"office{i}@example.org", via="a-partner-token-for-the-tests" if i % 2 else "")
    sign(app, slug, status="confirmed", organization_name="Colectivo Migrante", contact_email="c@example.org")
    return statement_id


@pytest.mark.parametrize("role", ["coordinator", "member"])
def test_the_campaign_panel_is_accessible_and_fits_a_phone(app, page, world, role):
    statement_id = _panel_with_a_campaign(app, world)
    log_in(page, world.emails[role])
    page.goto(f"/statements/{statement_id}/campaign")
    expect(page.locator(".campaign-count")).to_have_text("4 of a goal of 50 sign-ons")
    check_page(page, f"campaign panel {role}")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, f"campaign panel {role} 375")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_sign_on_widget_is_accessible_and_opens_the_form_in_a_tab_of_its_own(app, page, world, live_server):
    _panel_with_a_campaign(app, world)
    page.goto(f"/s/{world.signon_slug}/embed?via=a-partner-token-for-the-tests")
    expect(page.locator(".embed-count")).to_have_text("4 organizations have signed")
    check_page(page, "sign-on widget")
    page.set_viewport_size({"width": 375, "height": 300})
    shot(page, "sign-on widget 375")
    page.set_viewport_size({"width": 1280, "height": 800})
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=re.compile("Read and sign")).click()
    form = opened.value
    form.wait_for_load_state()
    assert form.url == f"{live_server}/s/{world.signon_slug}?via=a-partner-token-for-the-tests#sign"
    assert form.locator('input[name="via"]').input_value() == "a-partner-token-for-the-tests"


@pytest.fixture
def partner_site():
    """Another site (another port on loopback, so another origin) whose one page frames what it is given."""
    framed = {}

    class PartnerPage(BaseHTTPRequestHandler):
        def do_GET(self):
            body = "<h1>A partner</h1>" + "".join(
                f'<iframe id="{name}" title="{name}" src="{src}"></iframe>' for name, src in framed.items())
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), PartnerPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", framed
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_another_site_may_frame_the_widget_but_not_the_statement_page(app, page, world, live_server, partner_site):
    _panel_with_a_campaign(app, world)
    address, framed = partner_site
    framed["widget"] = f"{live_server}/s/{world.signon_slug}/embed"
    framed["statement"] = f"{live_server}/s/{world.signon_slug}"
    page.goto(address)
    expect(page.frame_locator("#widget").locator(".embed-count")).to_have_text("4 organizations have signed")
    statement_frame = page.frame_locator("#statement")
    expect(statement_frame.locator("body")).to_be_attached()
    # the browser refuses to show the statement's page in the frame: an error page stands in its place
    assert [frame.url for frame in page.frames if frame.url.startswith(live_server)] == [framed["widget"]]


def test_the_campaign_panel_reads_right_to_left_in_arabic(app, page, world):
    statement_id = _panel_with_a_campaign(app, world)
    with app.app_context():
        db.session.get(User, world.user_ids["coordinator"]).language = "ar"
        db.session.commit()
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}/campaign")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=2)).to_have_text("الحملة")
    expect(page.get_by_label("الرابط العام للبيان ونموذج التوقيع عليه")).to_have_attribute("dir", "ltr")
    check_page(page, "campaign panel arabic")


def test_a_draft_s_campaign_page_says_when_it_comes_and_is_accessible(page, world):
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{world.statement_id}/campaign")
    expect(page.locator("main")).to_contain_text("A statement gets its campaign once sign-on opens on its final text")
    check_page(page, "campaign panel not yet")
