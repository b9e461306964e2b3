"""A statement in several languages, as a visitor on a phone meets it: the switcher takes them from the
statement to its Spanish version, where they sign in Spanish onto the one list; the Arabic version is
checked with axe-core at phone and desktop width."""

import re

import pytest
from playwright.sync_api import expect

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import services
from statements.translating import services as translating
from tests.browser.conftest import PHONE, assert_accessible, assert_fits_width, check_page, shot
from tests.browser.signon_data import sign, signon_named

SPANISH_TITLE = "Pérdidas y daños para quienes se desplazan"
SPANISH_TEXT = "# Pérdidas y daños\n\nEl fondo debe llegar a las personas que se desplazan."
ARABIC_TITLE = "الخسائر والأضرار للناس الذين يتنقلون"
ARABIC_TEXT = "# الخسائر والأضرار\n\nيجب أن يصل الصندوق إلى الناس الذين يتنقلون، داخل بلدانهم وعبر الحدود."


@pytest.fixture(autouse=True)
def _signing_without_waiting(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    services.forget_counts(app)
    yield
    services.forget_counts(app)


@pytest.fixture
def versions(app, world) -> dict[str, str]:
    """The open statement, signed by two organizations, with final Spanish and Arabic versions."""
    slugs = {"en": world.signon_slug}
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        source = db.session.scalar(db.select(Statement).where(Statement.slug == world.signon_slug))
        for language, title, text in (("es", SPANISH_TITLE, SPANISH_TEXT), ("ar", ARABIC_TITLE, ARABIC_TEXT)):
            version = translating.start_translation(coordinator, source, language, title)
            drafts.save_revision(coordinator, version, version.latest_number, text, "Translation")
            drafts.transition(coordinator, version, "final")
            slugs[language] = version.slug
        db.session.commit()
    sign(app, world.signon_slug, status="approved", organization_name="جمعية العمال المهاجرين", country="LB")
    sign(app, world.signon_slug, status="approved", organization_name="Kenya Domestic Workers Union",
         country="KE", contact_email="kdwu@example.com")
    return slugs


def test_a_visitor_on_a_phone_switches_to_the_spanish_version_and_signs_there(app, page, versions, mailbox):
    email = "contacto@mujeresenmovimiento.example.mx"
    phone = page
    phone.set_viewport_size(PHONE)
    phone.goto(f"/s/{versions['en']}")
    switcher = phone.get_by_role("navigation", name="Languages of this statement")
    expect(switcher.get_by_role("link")).to_have_text(["English", "العربية", "Español"])
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("aria-current", "page")

    switcher.get_by_role("link", name="Español").click()
    expect(phone).to_have_url(re.compile(rf"/s/{versions['es']}$"))
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.locator("main h1").first).to_have_text(SPANISH_TITLE)
    expect(phone.locator(".signon-count").first).to_contain_text("2 organizaciones")
    switcher = phone.get_by_role("navigation", name="Idiomas de esta declaración")
    expect(switcher.get_by_role("link", name="Español")).to_have_attribute("aria-current", "page")
    shot(phone, "spanish version before signing")

    form = phone.locator("#sign")
    form.get_by_label("Nombre de la organización").fill("Mujeres en Movimiento")
    form.get_by_label("País", exact=True).select_option(label="México")
    form.get_by_label("Tipo de organización").select_option(index=1)
    form.get_by_label("Su nombre").fill("Rosa Pérez")
    form.get_by_label("Su dirección de correo electrónico").fill(email)
    form.get_by_label("Tengo autorización para firmar en nombre de esta organización").check()
    phone.get_by_role("button", name="Firmar la declaración").click()

    expect(phone).to_have_url(re.compile(rf"/s/{versions['es']}/check-email(#sign)?$"))
    expect(phone.locator("main h1")).to_have_text("Revise su correo electrónico")
    with app.app_context():
        signon = signon_named("Mujeres en Movimiento")
        assert signon.language == "es"
        assert signon.statement.slug == versions["en"]  # the one list, whatever version was signed

    mailbox.deliver()
    [message] = mailbox.to(email)
    assert message["Subject"].strip() == f"Confirme la firma de su organización: {SPANISH_TITLE}"
    phone.goto(mailbox.link_in(message, "/confirm/"))
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    phone.get_by_role("button", name="Confirmar nuestra firma").click()
    expect(phone.locator("main h1")).to_have_text("Gracias: su firma está confirmada")
    assert_fits_width(phone)
    with app.app_context():
        assert signon_named("Mujeres en Movimiento").status == "confirmed"


def test_the_arabic_version_is_accessible_at_phone_and_desktop_width(page, versions):
    page.goto(f"/s/{versions['ar']}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("main h1").first).to_have_text(ARABIC_TITLE)
    expect(page.get_by_role("link", name="العربية")).to_have_attribute("aria-current", "page")
    check_page(page, "arabic version")


def test_the_arabic_version_in_an_english_interface_reads_right_to_left_where_it_is_arabic(page, versions):
    page.goto("/")
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Change").click()
    page.goto(f"/s/{versions['ar']}")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator(".statement-text")).to_have_attribute("dir", "rtl")
    check_page(page, "arabic version english interface")
    assert_accessible(page)
