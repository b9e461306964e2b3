"""Journeys through sign-on, in a real browser, with mail over real SMTP: a coordinator opens it, an
allied organization signs from a phone and confirms, staff moderate, the public sees the list, the
organization withdraws, the deadline closes it, and the same organization signing twice is caught."""

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from statements.audit.models import AuditEvent
from statements.drafts.models import Statement, Transition
from statements.extensions import db
from statements.signons import services
from statements.signons.models import SignOn
from tests.browser.conftest import PHONE, log_in
from tests.browser.signon_data import set_deadline_in_the_past, sign, signon_named, statement_by_slug

TITLE = "Loss and damage for people who move"


@pytest.fixture(autouse=True)
def _signing_without_waiting(app, monkeypatch):
    """People here fill the form at machine speed; the test of that guard sets its own minimum.
    Counts are kept a few seconds in the process: every test starts without any."""
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    services.forget_counts(app)
    yield
    services.forget_counts(app)


def flash(page):
    return page.locator(".flash")


def heading(page):
    return page.locator("main h1").first


def signons_stored() -> list[SignOn]:
    return db.session.scalars(select(SignOn).order_by(SignOn.id)).all()


def fill_the_form(page, *, name="Red de Mujeres Migrantes", country="Guatemala",
                  org_type="Migrant or refugee-led organization", website="https://redmujeres.example.net",
                  contact="Lucía Pérez", email="Lucia.Perez@redmujeres.org.gt", message="", consent=False):
    form = page.locator("#sign")
    form.get_by_label("Organization name").fill(name)
    form.get_by_label("Country", exact=True).select_option(label=country)
    form.get_by_label("Type of organization").select_option(label=org_type)
    form.get_by_label("Website (optional)").fill(website)
    form.get_by_label("Your name").fill(contact)
    form.get_by_label("Your email address").fill(email)
    form.get_by_label("A message to the coordinators (optional)").fill(message)
    form.get_by_label("I am authorized to sign on behalf of this organization").check()
    if consent:
        form.get_by_label("You may email me about future statements of the network").check()


def send_the_form(page):
    with page.expect_response(lambda r: r.url.endswith("/sign") and r.request.method == "POST") as sent:
        page.get_by_role("button", name="Sign the statement").click()
    return sent.value


def the_code_in(body: str) -> str:
    return re.search(r"^\s+(\d{6})\s*$", body, re.MULTILINE).group(1)


# --- opening ---------------------------------------------------------------------------------------

def test_a_coordinator_freezes_the_final_text_and_opens_sign_on_with_a_deadline_in_their_time_zone(
        app, page, new_context, world, live_server):
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}")
    page.get_by_role("button", name="Freeze the latest revision as final").click()
    page.get_by_role("button", name="Freeze as final anyway").click()  # past the member's open thread
    expect(flash(page)).to_have_text("Revision 2 is frozen as the final text.")
    expect(page.locator(".state")).to_have_text("Final")

    page.get_by_role("link", name="Open sign-on…").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Open sign-on")
    expect(page.locator("main")).to_contain_text(
        f"Organizations will sign revision 2, the final text, at {live_server}/s/climate-displacement-needs-protection.")
    expect(page.get_by_label("Staff approve each confirmed sign-on before it is listed")).to_be_checked()

    # a deadline that has passed is refused next to the field; the other answers stay
    page.get_by_label("Deadline: date (optional)").fill("2020-03-08")
    page.get_by_label("Deadline: time").fill("18:00")
    page.get_by_label("Time zone of the deadline").select_option("America/Guatemala")
    page.get_by_label("Message shown when sign-on is closed (optional)").fill("Sign-on closed on 8 March. Thank you!")
    page.get_by_role("button", name="Open sign-on").click()
    expect(page.locator("#deadline_date-error")).to_have_text(
        "The deadline has already passed. Choose a later date, or none.")
    expect(page.get_by_label("Deadline: date (optional)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Time zone of the deadline")).to_have_value("America/Guatemala")
    expect(page.get_by_label("Deadline: time")).to_have_value("18:00")
    expect(page.get_by_label("Message shown when sign-on is closed (optional)")).to_have_value(
        "Sign-on closed on 8 March. Thank you!")
    with app.app_context():
        assert db.session.get(Statement, world.statement_id).state == "final"

    # 18:00 in Guatemala (UTC-6) is midnight UTC, the next day
    page.get_by_label("Deadline: date (optional)").fill("2031-03-08")
    page.get_by_role("button", name="Open sign-on").click()
    expect(page).to_have_url(f"{live_server}/statements/{world.statement_id}/signons")
    expect(flash(page)).to_have_text(
        f"Sign-on is open. Share this address: {live_server}/s/climate-displacement-needs-protection")
    expect(page.locator(".state")).to_have_text("Sign-on open")
    expect(page.locator("main")).to_contain_text("No sign-ons match these filters.")

    with app.app_context():
        statement = db.session.get(Statement, world.statement_id)
        assert statement.state == "signon_open"
        assert statement.final_revision.number == 2
        assert statement.signon_deadline == datetime(2031, 3, 9, 0, 0, tzinfo=timezone.utc)
        assert statement.signon_timezone == "America/Guatemala"
        assert statement.signon_requires_approval is True
        assert statement.signon_closing_message == "Sign-on closed on 8 March. Thank you!"
        assert statement.signon_list_hidden is False
        steps = db.session.scalars(select(Transition).where(Transition.statement_id == statement.id)
                                   .order_by(Transition.id)).all()
        assert [(s.from_state, s.to_state, s.actor_id) for s in steps] == [
            ("draft", "final", world.user_ids["coordinator"]),
            ("final", "signon_open", world.user_ids["coordinator"])]

    # anyone, without an account, reads the final text and the deadline in the coordinator's time zone
    public = new_context().new_page()
    public.goto("/s/climate-displacement-needs-protection")
    expect(heading(public)).to_have_text("Climate displacement needs protection")
    expect(public.locator(".statement-text")).to_have_text("People displaced by climate change need legal protection now.")
    expect(public.locator("#sign")).to_contain_text(
        "Sign-on closes 08 Mar 2031, 18:00 America/Guatemala (09 Mar 2031, 00:00 UTC).")
    expect(public.get_by_role("button", name="Sign the statement")).to_be_visible()
    expect(public.locator("#sign")).to_contain_text("Your signature counts once you confirm and network staff approve it.")


# --- signing, confirming, moderating, listing, withdrawing ---------------------------------------

def test_an_organization_signs_on_a_phone_confirms_by_link_is_approved_listed_and_withdraws(
        app, page, new_context, world, mailbox, live_server):
    slug, email = world.signon_slug, "Lucia.Perez@redmujeres.org.gt"
    with app.app_context():
        statement_id = statement_by_slug(slug).id
    phone = page
    phone.set_viewport_size(PHONE)

    # the organization reads the statement and signs
    phone.goto(f"/s/{slug}")
    expect(heading(phone)).to_have_text(TITLE)
    expect(phone.locator(".signon-count").first).to_have_text("0 organizations have signed.")
    phone.get_by_role("link", name="Sign for your organization").click()
    expect(phone.locator("#sign")).to_contain_text("Never shown publicly: your name, your email address and your message.")
    fill_the_form(phone, message="Count us in: we work with families displaced by the floods.", consent=True)
    assert send_the_form(phone).status == 302

    expect(phone).to_have_url(re.compile(rf"/s/{slug}/check-email(#sign)?$"))  # the address is not in the URL
    expect(heading(phone)).to_have_text("Check your email")
    expect(phone.locator(".lead")).to_have_text(
        f"We sent a link to {email}. Open it and press Confirm our signature to add your organization's signature.")
    with app.app_context():
        [signon] = signons_stored()
        assert (signon.organization_name, signon.country, signon.org_type, signon.website) == (
            "Red de Mujeres Migrantes", "GT", "migrant", "https://redmujeres.example.net")
        assert (signon.contact_name, signon.contact_email, signon.visibility) == ("Lucía Pérez", email, "named")
        assert signon.message == "Count us in: we work with families displaced by the floods."
        assert signon.authorized and signon.consent_to_contact
        assert signon.status == "pending" and signon.confirmed_at is None and signon.source == "form"
        assert signon.revision_id == signon.statement.final_revision_id

    # the confirmation arrives over SMTP: a link with a button behind it, and a code
    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    [message] = mailbox.to(email)
    assert message["Subject"].strip() == f"Confirm your organization's signature: {TITLE}"  # (folded: long)
    body = mailbox.body(message)
    assert "Hello Lucía Pérez," in body and re.fullmatch(r"\d{6}", the_code_in(body))
    link = mailbox.link_in(message, "/confirm/")
    first_withdraw_link = mailbox.link_in(message, "/withdraw/")

    phone.goto(link)
    expect(heading(phone)).to_have_text("Confirm your signature")
    expect(phone.locator("main")).to_contain_text(
        f"Press the button to sign “{TITLE}” for Red de Mujeres Migrantes (Guatemala).")
    phone.reload()  # a mail scanner, or a second look, does not confirm or use up the link
    expect(phone.get_by_role("button", name="Confirm our signature")).to_be_visible()
    with app.app_context():
        assert db.session.get(SignOn, signon.id).status == "pending"
        assert db.session.get(SignOn, signon.id).confirmed_at is None

    phone.get_by_role("button", name="Confirm our signature").click()
    expect(heading(phone)).to_have_text("Thank you: your signature is confirmed")
    expect(phone.locator("main")).to_contain_text(
        "Network staff will check it shortly; Red de Mujeres Migrantes appears on the list once they approve it.")
    with app.app_context():
        confirmed = db.session.get(SignOn, signon.id)
        assert confirmed.status == "confirmed" and confirmed.confirmed_at is not None
    phone.goto(f"/s/{slug}/signatories")  # not listed, nor counted, before staff approve it
    expect(phone.locator(".signon-count")).to_have_text("0 organizations have signed.")
    expect(phone.locator("main")).to_contain_text("No organization is listed yet.")

    # a coordinator finds it in the queue, ticks it and approves it
    staff = new_context().new_page()
    log_in(staff, world.emails["coordinator"])
    staff.goto(f"/statements/{statement_id}/signons")
    expect(staff.get_by_label("Status")).to_have_value("confirmed")
    card = staff.locator(".moderation-list > li")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Red de Mujeres Migrantes · Guatemala · Migrant or refugee-led organization")
    expect(card).to_contain_text(f"Lucía Pérez <{email}>")
    expect(card).to_contain_text("Message: “Count us in: we work with families displaced by the floods.”")
    expect(card.locator(".badge")).to_have_text("Waiting for approval")
    card.get_by_label(re.compile("^Red de Mujeres Migrantes")).check()
    staff.get_by_role("button", name="Approve the chosen sign-ons").click()
    expect(flash(staff)).to_have_text("1 sign-on approved.")
    expect(staff.locator(".moderation-list > li")).to_have_count(0)
    with app.app_context():
        approved = db.session.get(SignOn, signon.id)
        assert approved.status == "approved" and approved.approved_at is not None
        assert approved.decided_by_id == world.user_ids["coordinator"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signon.approved"))
        assert event.actor_id == world.user_ids["coordinator"]

    # the approval email arrives, with the private withdrawal link again
    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    [_, approval] = mailbox.to(email)
    assert approval["Subject"].strip() == f"Your signature is on “{TITLE}”"
    assert f"{live_server}/s/{slug}" in mailbox.body(approval)
    withdraw_link = mailbox.link_in(approval, "/withdraw/")

    # the public sees it under its country, in the list and in the charts, and nothing private
    phone.goto(f"/s/{slug}/signatories")
    expect(phone.locator(".signon-count")).to_have_text("1 organization has signed from 1 country.")
    expect(phone.locator("h3.country-heading")).to_have_text(["Guatemala"])
    listed = phone.locator("h3.country-heading + ul.signatory-list > li")
    expect(listed).to_have_text(["Red de Mujeres Migrantes · Migrant or refugee-led organization"])
    expect(listed.get_by_role("link", name="Red de Mujeres Migrantes")).to_have_attribute(
        "href", "https://redmujeres.example.net")
    expect(phone.locator("#countries-title")).to_have_text("Countries with the most sign-ons: Guatemala 1")
    expect(phone.locator("figure.chart svg text").filter(has_text="Guatemala")).to_have_count(1)
    expect(phone.locator("#days-desc")).to_contain_text("rising to 1 approved sign-on.")
    expect(phone.locator("figure.chart polyline")).to_have_count(1)
    expect(phone.locator("figure.chart circle")).to_have_count(1)  # one day, drawn as a point
    listing = (f"/s/{slug}/signatories", f"/s/{slug}/signatories?country=GT", f"/s/{slug}/signatories.json",
               f"/s/{slug}/signatories.csv", f"/api/v1/statements/{slug}/signatories")
    for path in listing + (f"/s/{slug}", f"/s/{slug}/series.json", f"/s/{slug}/series.csv", f"/s/{slug}/badge.svg",
                           f"/api/v1/statements/{slug}"):
        response = phone.request.get(path)
        text = response.text()
        assert response.ok and ("Red de Mujeres Migrantes" in text or path not in listing), path
        for private in ("redmujeres.org.gt", "Lucía Pérez", "Lucia.Perez", "families displaced by the floods"):
            assert private not in text, f"{private!r} is shown on {path}"
    phone.goto(f"/s/{slug}")
    expect(phone.locator(".signon-count").first).to_have_text("1 organization has signed from 1 country.")
    assert "redmujeres.org.gt" not in phone.content()

    # they withdraw with the private link, and the list no longer shows them at once
    phone.goto(withdraw_link)
    expect(heading(phone)).to_have_text("Withdraw your signature?")
    expect(phone.locator("main")).to_contain_text(
        f"This takes Red de Mujeres Migrantes off the list of signatories of “{TITLE}” at once.")
    phone.get_by_role("button", name="Withdraw our signature").click()
    expect(heading(phone)).to_have_text("Your signature is withdrawn")
    phone.goto(f"/s/{slug}/signatories")
    expect(phone.locator(".signon-count")).to_have_text("0 organizations have signed.")
    expect(phone.locator("main")).to_contain_text("No organization is listed yet.")
    expect(phone.locator("main")).not_to_contain_text("Red de Mujeres Migrantes")
    with app.app_context():
        withdrawn = db.session.get(SignOn, signon.id)
        assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at is not None

    # the link in the first email says what happened, and cannot withdraw twice
    phone.goto(first_withdraw_link)
    expect(heading(phone)).to_have_text("Already withdrawn")
    expect(phone.get_by_role("button", name="Withdraw our signature")).to_have_count(0)


def test_the_charts_show_each_country_and_place_each_day_on_a_time_axis(app, page, world):
    slug = world.signon_slug
    for number, (days_ago, name, country) in enumerate([
            (6, "Asociación de Trabajadoras del Hogar", "GT"), (4, "Sindicato Hogar", "GT"),
            (4, "Bangladesh Climate Migrants Network", "BD"), (1, "Kenya Domestic Workers", "KE"),
            (0, "Colectivo Mujeres en Movimiento", "MX")]):
        sign(app, slug, status="approved", days_ago=days_ago, organization_name=name, country=country,
             contact_email=f"contact{number}@example.com")
    sign(app, slug, status="confirmed", organization_name="Not Approved Yet", country="PH",
         contact_email="waiting@example.com")
    page.set_viewport_size(PHONE)
    page.goto(f"/s/{slug}/signatories")

    expect(page.locator("#countries-title")).to_have_text(
        "Countries with the most sign-ons: Guatemala 2, Bangladesh 1, Kenya 1, Mexico 1")
    bars = page.locator("figure.chart").nth(1)
    expect(bars.locator("text")).to_have_text(["Guatemala", "2", "Bangladesh", "1", "Kenya", "1", "Mexico", "1"])
    widths = [float(w) for w in bars.locator("rect").evaluate_all("rects => rects.map(r => r.getAttribute('width'))")]
    assert widths[0] > 0 and widths[1:] == [widths[0] / 2] * 3

    # a point per day with sign-ons, spaced by the days between them: days 0, 2, 5 and 6 of 6
    expect(page.locator("#days-desc")).to_have_text(re.compile(r"^From \S+ to \S+, rising to 5 approved sign-ons\.$"))
    points = page.locator("figure.chart").first.locator("circle").evaluate_all(
        "cs => cs.map(c => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))])")
    left, right, base, top = 40, 560, 180, 40
    assert points == [
        pytest.approx([left + (right - left) * day / 6, base - (base - top) * total / 5], abs=0.1)
        for day, total in [(0, 1), (2, 3), (5, 4), (6, 5)]]


def test_with_javascript_off_an_organization_signs_and_confirms_with_the_six_digit_code(
        app, new_context, world, mailbox):
    slug, email = world.signon_slug, "secretaria@sindicato-hogar.example.net"
    phone = new_context(java_script_enabled=False).new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(f"/s/{slug}")
    fill_the_form(phone, name="Sindicato de Trabajadoras del Hogar de Bolivia", country="Bolivia",
                  org_type="Trade union or workers' organization", website="", contact="Rosa Mamani", email=email)
    send_the_form(phone)
    expect(heading(phone)).to_have_text("Check your email")

    mailbox.deliver()
    [message] = mailbox.to(email)
    code = the_code_in(mailbox.body(message))
    phone.goto(mailbox.link_in(message, "/confirm-code"))
    expect(heading(phone)).to_have_text("Confirm with your code")

    # a mistyped code is refused, saying what to check; the address stays
    wrong = f"{(int(code[0]) + 1) % 10}{code[1:]}"
    phone.get_by_label("The email address you signed with").fill(email)
    phone.get_by_label("The six-digit code from the email").fill(wrong)
    phone.get_by_role("button", name="Confirm").click()
    with app.test_request_context():  # the words of a refused code, as an English page has them
        wrong_code_words = services.wrong_code()
    expect(phone.locator("#code-error")).to_have_text(wrong_code_words)
    expect(phone.get_by_label("The email address you signed with")).to_have_value(email)
    with app.app_context():
        assert [s.status for s in signons_stored()] == ["pending"]

    phone.get_by_label("The six-digit code from the email").fill(f" {code} ")
    phone.get_by_role("button", name="Confirm").click()
    expect(heading(phone)).to_have_text("Thank you: your signature is confirmed")
    with app.app_context():
        [signon] = signons_stored()
        assert signon.status == "confirmed" and signon.confirmed_at is not None
        assert signon.organization_name == "Sindicato de Trabajadoras del Hogar de Bolivia"
        assert signon.country == "BO" and signon.website is None

    # the link in the same email now only says it is done
    phone.goto(mailbox.link_in(message, "/confirm/"))
    expect(heading(phone)).to_have_text("Already confirmed")
    expect(phone.locator("main").get_by_role("button")).to_have_count(0)


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused_and_kept(app, page, world, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 60)
    page.goto(f"/s/{world.signon_slug}")
    fill_the_form(page)
    assert send_the_form(page).status == 400
    expect(page.locator("#sign [role=alert]")).to_have_text(
        "This form was sent within seconds of the page opening, so it was not accepted: that is how automated "
        "sign-ups are kept out. Your answers are kept; look them over and send it again.")
    expect(page.locator("#sign").get_by_label("Organization name")).to_have_value("Red de Mujeres Migrantes")
    expect(page.locator("#sign").get_by_label("Your email address")).to_have_value("Lucia.Perez@redmujeres.org.gt")
    with app.app_context():
        assert signons_stored() == []

    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 1)  # (a shorter wait, for the test's sake)
    page.wait_for_timeout(1200)  # a person reads their answers again, and sends the form it came back with
    assert send_the_form(page).status == 302
    expect(heading(page)).to_have_text("Check your email")
    with app.app_context():
        assert [s.organization_name for s in signons_stored()] == ["Red de Mujeres Migrantes"]


def test_a_country_is_found_by_typing_part_of_its_name_without_accents(app, page, world):
    page.set_viewport_size(PHONE)
    page.goto(f"/s/{world.signon_slug}")
    form = page.locator("#sign")
    country = form.get_by_label("Country", exact=True)
    finder = form.get_by_label("Find it by typing its name")
    finder.fill("cote d")  # Côte d’Ivoire, typed without its accent
    expect(country).to_have_value("CI")
    finder.fill("guatem")
    expect(country).to_have_value("GT")
    finder.fill("gu")  # Guatemala, Guinea, Guyana...: the list keeps the last one found, for the person to choose
    expect(country).to_have_value("GT")
    fill_the_form(page, country="Guatemala")
    finder.fill("Mexico")
    expect(country).to_have_value("MX")
    page.screenshot(path="test-artifacts/country-finder-phone.png", full_page=False)
    assert send_the_form(page).status == 302
    with app.app_context():
        assert [s.country for s in signons_stored()] == ["MX"]


def test_the_country_list_alone_works_without_javascript(app, new_context, world):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/s/{world.signon_slug}")
    expect(page.locator("#sign").get_by_label("Find it by typing its name")).to_have_count(0)
    fill_the_form(page, country="Kenya")
    assert send_the_form(page).status == 302
    with app.app_context():
        assert [s.country for s in signons_stored()] == ["KE"]


# --- the deadline --------------------------------------------------------------------------------

def test_when_the_deadline_passes_the_page_says_sign_on_is_closed_and_a_late_form_is_not_added(
        app, page, new_context, world):
    slug = world.signon_slug
    sign(app, slug, status="approved")
    page.set_viewport_size(PHONE)
    page.goto(f"/s/{slug}")
    fill_the_form(page)  # someone is filling the form as the deadline passes

    set_deadline_in_the_past(app, slug, "Sign-on closed on 8 March. Thank you to every organization that signed.")
    response = send_the_form(page)
    assert response.status == 403
    expect(flash(page)).to_have_text("Sign-on for this statement is closed, so no new signatures can be added. "
                                     "Sign-on closed on 8 March. Thank you to every organization that signed.")
    expect(page.locator("#sign h2")).to_have_text("Sign-on is closed")
    expect(page.get_by_role("button", name="Sign the statement")).to_have_count(0)
    with app.app_context():
        assert [s.organization_name for s in signons_stored()] == ["Asociación de Trabajadoras del Hogar"]
        statement = statement_by_slug(slug)
        assert statement.state == "signon_closed"
        last = db.session.scalars(select(Transition).where(Transition.statement_id == statement.id)
                                  .order_by(Transition.id.desc())).first()
        assert (last.from_state, last.to_state, last.actor_id) == ("signon_open", "signon_closed", None)

    # anyone arriving later reads the text, the count and the closing message, and finds no form
    later = new_context().new_page()
    later.goto(f"/s/{slug}")
    expect(heading(later)).to_have_text(TITLE)
    expect(later.locator(".signon-count").first).to_have_text("1 organization has signed from 1 country.")
    expect(later.get_by_role("link", name="Sign-on is closed")).to_have_attribute("href", "#sign")
    expect(later.locator("#sign")).to_have_text(re.compile(
        r"^\s*Sign-on is closed\s+Sign-on closed on 8 March\. Thank you to every organization that signed\.\s*$"))
    expect(later.locator("main form")).to_have_count(0)  # neither the form nor the resend form
    expect(later.get_by_role("link", name="Sign for your organization")).to_have_count(0)


# --- duplicates ------------------------------------------------------------------------------------

def test_the_same_organization_signing_again_is_told_by_email_and_likely_ones_are_flagged_side_by_side(
        app, page, new_context, world, mailbox):
    slug = world.signon_slug
    first = sign(app, slug, status="approved")  # Asociación de Trabajadoras del Hogar, maria.lopez@trabajadoras.org.gt
    page.set_viewport_size(PHONE)
    page.goto(f"/s/{slug}")

    # the same name in capitals, without accents and with a double space: the page answers as for any
    # sign-on (it tells nobody who signed); the address given is told by email, and nothing is added
    fill_the_form(page, name="ASOCIACION DE TRABAJADORAS  DEL HOGAR", country="Guatemala",
                  org_type="Trade union or workers' organization", website="", contact="Rosa Ixcot",
                  email="rosa.ixcot@example.com", message="Signing for our union.")
    send_the_form(page)
    expect(heading(page)).to_have_text("Check your email")
    mailbox.deliver()
    told = mailbox.to("rosa.ixcot@example.com")
    assert len(told) == 1 and "An organization of this name has already signed" in mailbox.body(told[0])
    with app.app_context():
        assert [s.status for s in signons_stored()] == ["approved", "rejected"]
    page.goto(f"/s/{slug}")

    # its acronym, and another name with the same organizational email domain: accepted, and flagged once confirmed
    fill_the_form(page, name="ATH", country="Guatemala", org_type="Trade union or workers' organization", website="",
                  contact="Rosa Ixcot", email="ath.guatemala@example.com")
    send_the_form(page)
    expect(heading(page)).to_have_text("Check your email")
    page.goto(f"/s/{slug}")
    fill_the_form(page, name="Red Hogar Seguro", org_type="Network or coalition", website="",
                  contact="Ana Cumes", email="coordinacion@trabajadoras.org.gt")
    send_the_form(page)
    expect(heading(page)).to_have_text("Check your email")

    # both confirm by their links
    mailbox.deliver()
    for address in ("ath.guatemala@example.com", "coordinacion@trabajadoras.org.gt"):
        page.goto(mailbox.link_in(mailbox.to(address)[0], "/confirm/"))
        page.get_by_role("button", name="Confirm our signature").click()
        expect(heading(page)).to_have_text("Thank you: your signature is confirmed")
    with app.app_context():
        acronym, domain = signon_named("ATH"), signon_named("Red Hogar Seguro")
        assert (acronym.possible_duplicate_of_id, acronym.duplicate_reason) == (
            first.id, "one name is the acronym of the other")
        assert (domain.possible_duplicate_of_id, domain.duplicate_reason) == (
            first.id, "the same email domain (trabajadoras.org.gt)")

    # staff see each beside the earlier sign-on it looks like, and reject the acronym as the same organization
    staff = new_context().new_page()
    log_in(staff, world.emails["coordinator"])
    with app.app_context():
        statement_id = statement_by_slug(slug).id
    staff.goto(f"/statements/{statement_id}/signons")
    staff.get_by_label("Only possible duplicates").check()
    staff.get_by_role("button", name="Filter").click()
    expect(staff).to_have_url(re.compile(r"flagged=1"))
    cards = staff.locator(".moderation-list > li.flagged")
    expect(cards).to_have_count(2)
    flagged = cards.filter(has_text="ATH ·")
    pair = flagged.locator(".duplicate-pair")
    expect(pair.locator("p")).to_have_text("Possible duplicate: one name is the acronym of the other.")
    expect(pair.locator(".pair > div")).to_have_text([
        re.compile(r"This sign-on\s*ATH\s*Guatemala\s*Rosa Ixcot\s*ath\.guatemala@example\.com"),
        re.compile(r"Earlier sign-on \(approved\)\s*Asociación de Trabajadoras del Hogar\s*Guatemala\s*"
                   r"María López\s*maria\.lopez@trabajadoras\.org\.gt"),
    ])
    expect(cards.filter(has_text="Red Hogar Seguro").locator(".duplicate-pair p")).to_have_text(
        "Possible duplicate: the same email domain (trabajadoras.org.gt).")
    flagged.get_by_label(re.compile("^ATH")).check()
    staff.get_by_label("Note (optional, for staff)").fill("Same union as the Asociación; it signed on 2 March.")
    staff.get_by_role("button", name="Reject the chosen sign-ons").click()
    expect(flash(staff)).to_have_text("1 sign-on rejected.")
    expect(staff.locator(".moderation-list > li.flagged")).to_have_count(1)
    with app.app_context():
        rejected = signon_named("ATH")
        assert rejected.status == "rejected" and rejected.decided_by_id == world.user_ids["coordinator"]
        assert rejected.moderation_note == "Same union as the Asociación; it signed on 2 March."
        assert signon_named("Red Hogar Seguro").status == "confirmed"
    assert mailbox.deliver() == {"sent": 0, "failed": 0}  # a rejection sends no email
