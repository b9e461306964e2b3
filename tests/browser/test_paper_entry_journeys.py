"""Journeys through the paper-entry page in a real browser on a phone: staff type a stack of paper sign-ons from
a summit, each form ready again after a save, a duplicate warned as its name is typed and again on saving."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from statements.extensions import db
from statements.signons import services
from statements.signons.models import SignOn
from tests.browser.conftest import PHONE, log_in, shot
from tests.browser.signon_data import sign, statement_by_slug

SOURCE = "Paper form, Nairobi summit"
#: twenty paper forms from the summit: (organization, person who signed, country, type)
STACK = [
    ("Kenya Peasants League", "Joseph Otieno", "Kenya", "Grassroots or community group"),
    ("Migrant Forum in Asia", "William Gois", "Philippines", "Network or coalition"),
    ("Red de Mujeres Migrantes", "Lucía Pérez", "Guatemala", "Migrant or refugee-led organization"),
    ("Bangladesh Climate Migrants Network", "Rahima Begum", "Bangladesh", "Network or coalition"),
    ("Sindicato Nacional de Trabajadoras del Hogar", "Rosa Ixcot", "Guatemala",
     "Trade union or workers' organization"),
    ("Uganda Women Farmers Association", "Sarah Namutebi", "Uganda", "Women's or feminist organization"),
    ("Tanzania Climate Action Network", "Baraka Mushi", "Tanzania", "Network or coalition"),
    ("Ethiopian Domestic Workers Alliance", "Hana Tesfaye", "Ethiopia", "Trade union or workers' organization"),
    ("Somali Displacement Solutions", "Abdi Warsame", "Somalia", "Non-governmental organization"),
    ("Rwanda Youth for Climate", "Eric Mugisha", "Rwanda", "Grassroots or community group"),
    ("Nigeria Labour Migration Watch", "Ngozi Okafor", "Nigeria", "Non-governmental organization"),
    ("Ghana Coastal Communities Forum", "Kwame Mensah", "Ghana", "Grassroots or community group"),
    ("Senegal Fishers and Migrants Collective", "Aminata Diop", "Senegal", "Grassroots or community group"),
    ("Malawi Women and Land Trust", "Chikondi Banda", "Malawi", "Women's or feminist organization"),
    ("Zambia Refugee Voices", "Mutale Phiri", "Zambia", "Migrant or refugee-led organization"),
    ("South Sudan Peace and Return Initiative", "Deng Garang", "South Sudan", "Non-governmental organization"),
    ("Mozambique Cyclone Survivors Network", "Lurdes Macamo", "Mozambique", "Network or coalition"),
    ("Sudanese Women in Exile", "Amira Hassan", "Egypt", "Migrant or refugee-led organization"),
    ("Kenya Domestik Workers Union", "Grace Wanjiru", "Kenya", "Trade union or workers' organization"),
    ("Burundi Lake Communities", "Claudine Niyonzima", "Burundi", "Grassroots or community group"),
]
#: the form whose name looks like one that signed online before the summit
DUPLICATE = "Kenya Domestik Workers Union"


@pytest.fixture(autouse=True)
def _fresh_counts(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    services.forget_counts(app)
    yield
    services.forget_counts(app)


def type_one(page, name: str, person: str, country: str, org_type: str) -> None:
    """Type one paper form into the empty form, as staff do: the source is already there."""
    page.wait_for_load_state()  # the script that warns while typing runs once the page has loaded
    page.get_by_label("Organization name").fill(name)
    page.get_by_label("Name of the person who signed").fill(person)
    page.get_by_label("Country", exact=True).select_option(label=country)
    page.get_by_label("Type of organization").select_option(label=org_type)


def save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save and enter the next").click()


def test_staff_type_twenty_paper_sign_ons_on_a_phone_one_of_them_warned_as_a_duplicate(app, page, world):
    sign(app, world.signon_slug, status="approved", organization_name="Kenya Domestic Workers Union",
         country="KE", contact_email="kdwu@example.com")
    with app.app_context():
        statement_id = statement_by_slug(world.signon_slug).id
    page.set_viewport_size(PHONE)
    log_in(page, world.emails["admin"])
    page.goto(f"/statements/{statement_id}/signons?status=approved")
    page.get_by_role("link", name="Enter paper sign-ons").click()
    expect(page.locator("main h1")).to_have_text("Enter paper sign-ons")
    expect(page.get_by_label("Organization name")).to_be_focused()
    page.get_by_label("Source").fill(SOURCE)

    entered = 0
    for name, person, country, org_type in STACK:
        type_one(page, name, person, country, org_type)
        if name == DUPLICATE:
            # named while typing, before anything is sent
            expect(page.locator("#paper-similar")).to_contain_text("Kenya Domestic Workers Union (very similar names)")
            save(page)
            warning = page.locator("#duplicate-warning")
            expect(warning).to_contain_text("this looks like Kenya Domestic Workers Union, which has already signed")
            expect(page.get_by_label("Organization name")).to_have_value(DUPLICATE)
            expect(page.get_by_label("Name of the person who signed")).to_have_value(person)
            shot(page, "paper entry duplicate warned")
            page.get_by_label("Save anyway: it is a different organization").check()
        save(page)
        entered += 1
        expect(page.locator("#paper-saved")).to_have_text(f"Saved: {name} ({entered} entered in this batch)")
        expect(page.get_by_label("Organization name")).to_have_value("")
        expect(page.get_by_label("Organization name")).to_be_focused()
        expect(page.get_by_label("Source")).to_have_value(SOURCE)
    expect(page.locator(".paper-entries li")).to_have_count(10)
    expect(page.locator(".paper-entries li").first).to_contain_text("Burundi Lake Communities")
    shot(page, "paper entry after twenty")

    with app.app_context():
        paper = db.session.scalars(select(SignOn).where(SignOn.entered_from == SOURCE).order_by(SignOn.id)).all()
        assert [signon.organization_name for signon in paper] == [name for name, *_rest in STACK]
        assert all(signon.status == "approved" and signon.source == "staff" for signon in paper)
        flagged = [signon for signon in paper if signon.possible_duplicate_of_id]
        assert [signon.organization_name for signon in flagged] == [DUPLICATE]

    page.get_by_role("link", name="See all sign-ons").click()
    expect(page.locator(".moderation-list li").filter(has_text="Burundi Lake Communities")).to_contain_text(
        f"entered by staff from: {SOURCE}")
    page.goto(f"/s/{world.signon_slug}")
    expect(page.locator("main")).not_to_contain_text("Nairobi summit")
