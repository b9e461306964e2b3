"""Every sign-on page, public and staff, at phone and desktop width: axe-core finds no violation,
nothing scrolls sideways, and a screenshot is kept."""

import re

import pytest
from playwright.sync_api import expect

from statements.accounts.models import User, WorkingGroup
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import services
from tests.browser.conftest import check_page, log_in
from tests.browser.signon_data import set_deadline_in_the_past, sign


@pytest.fixture(autouse=True)
def _signing_without_waiting(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    services.forget_counts(app)
    yield
    services.forget_counts(app)


def _public(world) -> str:
    return f"/s/{world.signon_slug}"


def _statement_id(app, world) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Statement.id).where(Statement.slug == world.signon_slug))


def _some_signatories(app, world) -> None:
    """Approved sign-ons from several countries over several days, one listed by country only,
    one counted only, and some not approved yet."""
    slug = world.signon_slug
    sign(app, slug, status="approved", days_ago=6)
    sign(app, slug, status="approved", days_ago=4, organization_name="Sindicato Nacional de Trabajadoras",
         contact_email="info@sintrahogar.org.gt", website="")
    sign(app, slug, status="approved", days_ago=4, organization_name="Bangladesh Climate Migrants Network",
         country="BD", org_type="network", contact_email="office@bcmn.example.net",
         website="https://bcmn.example.net/about/who-we-are/members-and-partners-across-the-country")
    sign(app, slug, status="approved", days_ago=2, organization_name="Kenya Domestic Workers Union", country="KE",
         contact_email="kdwu@example.com")
    sign(app, slug, status="approved", days_ago=1, organization_name="Colectivo Mujeres en Movimiento y Resistencia "
         "por los Derechos de las Personas Migrantes", country="MX", org_type="womens",
         contact_email="hola@mujeresenmovimiento.mx", visibility="country")
    sign(app, slug, status="approved", organization_name="Quiet Shelter", country="MX", org_type="grassroots",
         contact_email="quiet@example.com", visibility="count")
    sign(app, slug, status="confirmed", organization_name="Waiting Group", country="PH",
         contact_email="waiting@example.com")


ARABIC_TITLE = "تمويل الخسائر والأضرار للناس الذين يتنقلون"
ARABIC_TEXT = ("## نطالب\n\nيجب أن يصل تمويل الخسائر والأضرار إلى الناس الذين يتنقلون.\n\n"
               "- فتح مسارات نظامية للنازحين بسبب الكوارث (COP29).\n- إدراج **النزوح** في كل خطة وطنية للتكيف.")


def _arabic_statement(app, world) -> str:
    """A final Arabic statement of the home group with sign-on open, signed by two organizations; its address."""
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = drafts.create_statement(coordinator, db.session.get(WorkingGroup, world.group_id), ARABIC_TITLE,
                                            "loss-and-damage-ar", "ar", "نداء إلى صندوق الخسائر والأضرار.",
                                            ARABIC_TEXT)
        drafts.transition(coordinator, statement, "final")
        services.open_signon(coordinator, statement, None, "UTC", True, "", False)
        db.session.commit()
        slug = statement.slug
    sign(app, slug, status="approved", organization_name="جمعية العمال المهاجرين", country="LB")
    sign(app, slug, status="approved", organization_name="Kenya Domestic Workers Union (KDWU).", country="KE",
         contact_email="kdwu@example.com")
    return slug


SPANISH_TITLE = "Pérdidas y daños: financiamiento para las personas que se desplazan"


def _spanish_statement(app, world) -> str:
    """A final Spanish statement of the home group with sign-on open; its address."""
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = drafts.create_statement(coordinator, db.session.get(WorkingGroup, world.group_id), SPANISH_TITLE,
                                            "perdidas-y-danos", "es", "Un llamado al fondo de pérdidas y daños.",
                                            "## Exigimos\n\nQue el fondo llegue a las personas que se desplazan.")
        drafts.transition(coordinator, statement, "final")
        services.open_signon(coordinator, statement, None, "UTC", True, "", False)
        db.session.commit()
        return statement.slug


#: the sign-on form's labels and answers, in each language the tests fill it in
FORM_WORDS = {
    "en": {"name": "Organization name", "country": "Country", "type": "Type of organization", "contact": "Your name",
           "email": "Your email address", "authorized": "I am authorized to sign on behalf of this organization",
           "Guatemala": "Guatemala", "migrant": "Migrant or refugee-led organization"},
    "es": {"name": "Nombre de la organización", "country": "País", "type": "Tipo de organización",
           "contact": "Su nombre", "email": "Su dirección de correo electrónico",
           "authorized": "Tengo autorización para firmar en nombre de esta organización",
           "Guatemala": "Guatemala", "migrant": "Organización liderada por personas migrantes o refugiadas"},
    "ar": {"name": "اسم المنظمة", "country": "البلد", "type": "نوع المنظمة", "contact": "اسمك",
           "email": "عنوان بريدك الإلكتروني", "authorized": "لديّ تفويض بالتوقيع باسم هذه المنظمة",
           "Guatemala": "غواتيمالا", "migrant": "منظمة يقودها مهاجرون أو لاجئون"},
}


def _fill_the_form(page, name="Red de Mujeres Migrantes", email="contacto@redmujeres.example.net", language="en"):
    words = FORM_WORDS[language]
    form = page.locator("#sign")
    form.get_by_label(words["name"]).fill(name)
    form.get_by_label(words["country"], exact=True).select_option(label=words["Guatemala"])
    form.get_by_label(words["type"]).select_option(label=words["migrant"])
    form.get_by_label(words["contact"]).fill("Lucía Pérez")
    form.get_by_label(words["email"]).fill(email)
    form.get_by_label(words["authorized"]).check()


PAGES = {}


def page_type(name, who=None, heading=None):
    def register(reach):
        PAGES[name] = (who, reach, heading)
        return reach
    return register


# --- public pages -------------------------------------------------------------------------------

@page_type("sign-on public page", heading="Loss and damage for people who move")
def _(page, app, world):
    _some_signatories(app, world)
    page.goto(_public(world))
    expect(page.get_by_role("button", name="Sign the statement")).to_be_visible()


@page_type("sign-on public page in Arabic", heading=ARABIC_TITLE)
def _(page, app, world):
    page.goto(f"/s/{_arabic_statement(app, world)}")  # the statement's language: the page speaks Arabic
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".statement-text")).to_have_css("direction", "rtl")
    expect(page.locator(".statement-text li").first).to_have_css("text-align", "start")
    expect(page.locator("#sign")).to_have_css("direction", "rtl")
    expect(page.get_by_role("button", name="توقيع البيان")).to_be_visible()


@page_type("sign-on public page in Arabic read in English", heading=ARABIC_TITLE)
def _(page, app, world):
    page.goto(f"/s/{_arabic_statement(app, world)}")
    page.locator("#interface-language").select_option("en")
    page.get_by_role("button", name="تغيير").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".statement-text")).to_have_css("direction", "rtl")
    expect(page.locator("#sign")).to_have_css("direction", "ltr")  # the form, in English, stays left to right


@page_type("sign-on public page in Spanish", heading=SPANISH_TITLE)
def _(page, app, world):
    page.goto(f"/s/{_spanish_statement(app, world)}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Firmar la declaración")).to_be_visible()


@page_type("sign-on form with errors in Arabic", heading=ARABIC_TITLE)
def _(page, app, world):
    page.goto(f"/s/{_arabic_statement(app, world)}")
    page.locator("#sign").get_by_label("الموقع الإلكتروني (اختياري)").fill("redmujeres org")
    page.locator("#sign").get_by_label("عنوان بريدك الإلكتروني").fill("ليس عنوانًا")
    page.get_by_role("button", name="توقيع البيان").click()
    expect(page.locator("#organization_name-error")).to_have_text("أدخل اسم منظمتك.")
    expect(page.locator("#sign .field-error")).to_have_count(7)


@page_type("sign-on public page closed", heading="Loss and damage for people who move")
def _(page, app, world):
    _some_signatories(app, world)
    set_deadline_in_the_past(app, world.signon_slug, "Thank you: 5 organizations signed. The statement goes to the "
                                                     "fund's board on 12 March.")
    page.goto(_public(world))
    expect(page.get_by_role("heading", name="Sign-on is closed")).to_be_visible()


@page_type("sign-on form with errors", heading="Loss and damage for people who move")
def _(page, app, world):
    page.goto(_public(world))
    page.locator("#sign").get_by_label("Website (optional)").fill("redmujeres org")
    page.locator("#sign").get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Sign the statement").click()
    expect(page.locator("#sign .field-error")).to_have_count(7)


@page_type("staff add replacing an unconfirmed sign-on", who="admin", heading="Loss and damage for people who move")
def _(page, app, world):
    sign(app, world.signon_slug, status="pending")
    page.goto(f"/statements/{_statement_id(app, world)}/signons/add")
    page.get_by_label("Sign-ons, one per line").fill("Asociación de Trabajadoras del Hogar; GT; union; Ana; ana@example.com")
    page.get_by_role("button", name="Preview").click()
    page.get_by_label(re.compile("^Replace the 1 sign-on of the same name")).check()
    page.get_by_role("button", name="Check the preview again").click()
    expect(page.get_by_role("button", name="Add 1 sign-on")).to_be_visible()


@page_type("check your email", heading="Check your email")
def _(page, app, world):
    page.goto(_public(world))
    _fill_the_form(page)
    page.get_by_role("button", name="Sign the statement").click()


@page_type("check your email in Arabic", heading="تحقّق من بريدك الإلكتروني")
def _(page, app, world):
    page.goto(f"/s/{_arabic_statement(app, world)}")
    _fill_the_form(page, language="ar")
    page.get_by_role("button", name="توقيع البيان").click()


@page_type("check your email in Spanish", heading="Revise su correo electrónico")
def _(page, app, world):
    page.goto(f"/s/{_spanish_statement(app, world)}")
    _fill_the_form(page, language="es")
    page.get_by_role("button", name="Firmar la declaración").click()


@page_type("thank you in Arabic", heading="شكرًا: تم تأكيد توقيعك")
def _(page, app, world):
    page.goto(sign(app, _arabic_statement(app, world), contact_email="hala@example.org").confirm_path)
    page.get_by_role("button", name="تأكيد توقيعنا").click()


@page_type("thank you in Spanish", heading="Gracias: su firma está confirmada")
def _(page, app, world):
    page.goto(sign(app, _spanish_statement(app, world)).confirm_path)
    page.get_by_role("button", name="Confirmar nuestra firma").click()


@page_type("confirm by link", heading="Confirm your signature")
def _(page, app, world):
    page.goto(sign(app, world.signon_slug).confirm_path)


@page_type("thank you", heading="Thank you: your signature is confirmed")
def _(page, app, world):
    page.goto(sign(app, world.signon_slug).confirm_path)
    page.get_by_role("button", name="Confirm our signature").click()


@page_type("confirmation link that cannot be used", heading="This link cannot be used")
def _(page, app, world):
    path = sign(app, world.signon_slug).confirm_path
    page.goto(path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB"))  # mangled when copied
    expect(page.get_by_role("button", name="Send me a new link")).to_be_visible()


@page_type("confirm with a code with an error", heading="Confirm with your code")
def _(page, app, world):
    sign(app, world.signon_slug)
    page.goto(f"{_public(world)}/confirm-code")
    page.get_by_label("The email address you signed with").fill("maria.lopez@trabajadoras.org.gt")
    page.get_by_label("The six-digit code from the email").fill("12345")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#code-error")).to_have_text("The code is six digits, like 042917.")


@page_type("withdraw", heading="Withdraw your signature?")
def _(page, app, world):
    page.goto(sign(app, world.signon_slug, status="approved").withdraw_path)


@page_type("withdrawn", heading="Your signature is withdrawn")
def _(page, app, world):
    page.goto(sign(app, world.signon_slug, status="approved").withdraw_path)
    page.get_by_role("button", name="Withdraw our signature").click()


@page_type("signatories with charts", heading="Who has signed")
def _(page, app, world):
    _some_signatories(app, world)
    page.goto(f"{_public(world)}/signatories")
    expect(page.locator("figure.chart svg")).to_have_count(2)
    expect(page.locator(".signatory-list li")).to_have_count(5)


@page_type("signatories with charts in Arabic", heading="الموقّعون")
def _(page, app, world):
    _some_signatories(app, world)
    page.goto(f"{_public(world)}/signatories")
    page.locator("#interface-language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # by their Arabic names: Mexico (المكسيك) under alif, before Bangladesh (بنغلاديش)
    expect(page.locator("h3.country-heading")).to_have_text(["المكسيك", "بنغلاديش", "غواتيمالا", "كينيا"])
    expect(page.locator("figure.chart svg")).to_have_count(2)


# --- staff pages --------------------------------------------------------------------------------

@page_type("open sign-on with an error", who="coordinator", heading="Climate displacement needs protection")
def _(page, app, world):
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        drafts.transition(coordinator, db.session.get(Statement, world.statement_id), "final")
        db.session.commit()
    page.goto(f"/statements/{world.statement_id}/signon/open")
    page.get_by_label("Deadline: date (optional)").fill("2020-03-08")
    page.get_by_label("Time zone of the deadline").select_option("America/Guatemala")
    page.get_by_role("button", name="Open sign-on").click()
    expect(page.locator("#deadline_date-error")).to_have_text(
        "The deadline has already passed. Choose a later date, or none.")


@page_type("moderation queue with a duplicate", who="coordinator", heading="Loss and damage for people who move")
def _(page, app, world):
    _some_signatories(app, world)
    sign(app, world.signon_slug, status="confirmed", organization_name="ATH", contact_email="ath@example.com",
         message="We signed last week too, under our full name; our new coordinator was not sure it went through.")
    page.goto(f"/statements/{_statement_id(app, world)}/signons")
    expect(page.locator(".duplicate-pair")).to_have_count(1)


@page_type("moderation queue across pages, after a decision", who="admin",
           heading="Loss and damage for people who move")
def _(page, app, world):
    """The choice of all matching across pages, the row buttons, the undo button and the shortcuts open."""
    from tests.signons.pages import add_signon, statement_by_slug

    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for number in range(55):
            add_signon(statement, f"Waiting Collective {number:03}", "GT", "confirmed")
        db.session.commit()
    page.goto(f"/statements/{_statement_id(app, world)}/signons")
    page.get_by_role("button", name="Approve Waiting Collective 054").click()
    expect(page.get_by_role("button", name="Undo my last decision")).to_be_visible()
    page.locator("#moderation-shortcuts summary").click()
    page.keyboard.press("j")  # a row has the keyboard's focus


@page_type("correct a signatory with an error", who="coordinator", heading="Loss and damage for people who move")
def _(page, app, world):
    sign(app, world.signon_slug, status="confirmed", organization_name="Red de Mujres Migrantes")
    page.goto(f"/statements/{_statement_id(app, world)}/signons")
    page.get_by_role("link", name="Correct Red de Mujres Migrantes").click()
    page.get_by_label("Organization name").fill("")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("#organization_name-error")).to_have_text("Enter the organization's name.")


@page_type("staff add with a preview", who="admin", heading="Loss and damage for people who move")
def _(page, app, world):
    sign(app, world.signon_slug, status="approved")
    page.goto(f"/statements/{_statement_id(app, world)}/signons/add")
    page.get_by_label("Sign-ons, one per line").fill(
        "Organization; country; type; contact name; contact email; website\n"
        "Migrant Forum in Asia; PH; network; William Gois; mfa@mfasia.example.net; https://mfasia.example.net\n"
        "ATH; Guatemala; union; Rosa Ixcot; rosa@example.com\n"
        "asociacion de trabajadoras del hogar; GT; union; Ana; ana@example.com\n"
        "Red Sin Fronteras; Atlantis; ngo; Pedro; not-an-address\n")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("button", name="Add 2 sign-ons")).to_be_visible()


def _enter_on_paper(page, name: str, country: str = "Kenya") -> None:
    page.get_by_label("Organization name").fill(name)
    page.get_by_label("Name of the person who signed").fill("Grace Wanjiru")
    page.get_by_label("Country", exact=True).select_option(label=country)
    page.get_by_label("Type of organization").select_option(label="Trade union or workers' organization")
    page.get_by_label("Source").fill("Paper form, Nairobi summit")
    page.get_by_role("button", name="Save and enter the next").click()


@page_type("paper entry, empty", who="admin", heading="Enter paper sign-ons")
def _(page, app, world):
    page.goto(f"/statements/{_statement_id(app, world)}/signons/paper")


@page_type("paper entry after two saves", who="coordinator", heading="Enter paper sign-ons")
def _(page, app, world):
    page.goto(f"/statements/{_statement_id(app, world)}/signons/paper")
    _enter_on_paper(page, "Kenya Domestic Workers Union")
    _enter_on_paper(page, "Colectivo Mujeres en Movimiento y Resistencia por los Derechos de las Personas Migrantes",
                    country="Mexico")
    expect(page.locator("#paper-saved")).to_contain_text("2 entered in this batch")


@page_type("paper entry warning of a duplicate", who="admin", heading="Enter paper sign-ons")
def _(page, app, world):
    sign(app, world.signon_slug, status="approved", organization_name="Kenya Domestic Workers Union", country="KE",
         contact_email="kdwu@example.com")
    page.goto(f"/statements/{_statement_id(app, world)}/signons/paper")
    _enter_on_paper(page, "Kenya Domestik Workers Union")
    expect(page.locator("#duplicate-warning")).to_be_visible()
    page.wait_for_load_state()  # the script that warns while typing runs once the page has loaded
    page.get_by_label("Organization name").fill("Kenya Domestic Workers")  # the warning while typing, too
    expect(page.locator("#paper-similar li")).to_have_count(1)


@pytest.mark.parametrize("name", list(PAGES))
def test_signon_page_has_no_accessibility_violations(name, app, page, world):
    who, reach, heading = PAGES[name]
    if who:
        log_in(page, world.emails[who])
    reach(page, app, world)
    expect(page.locator("main h1").first).to_have_text(heading)
    check_page(page, name)
