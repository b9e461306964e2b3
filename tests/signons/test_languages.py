"""Signing on in the reader's language: a statement's page speaks its language to anonymous readers
(unless they chose another), forms, errors and the check-your-email page are translated, country
names follow the reader's language, and the mail goes out in the language the organization signed in."""

import html
import re

import pytest

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.extensions import db
from tests.drafts.pages import opening_tags
from tests.signons.pages import decide, field_error, form, form_errors, signon_named, statement_by_slug, text_of

ARABIC_TITLE = "تمويل الخسائر والأضرار للناس الذين يتنقلون"
SPANISH_TITLE = "Financiamiento de pérdidas y daños para las personas que se desplazan"
EMAIL = "contacto@redmujeres.example.net"


def open_statement_in(app, world, language: str, title: str, slug: str) -> str:
    """A final statement of the home group written in a language, with sign-on open and no approval needed."""
    from statements.signons import services

    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = drafts.create_statement(coordinator, coordinator.memberships[0].group, title, slug, language,
                                            "", "El fondo debe llegar a las personas que se desplazan.")
        drafts.transition(coordinator, statement, "final")
        services.open_signon(coordinator, statement, None, "UTC", False, "", False)
        db.session.commit()
        return statement.slug


@pytest.fixture
def arabic(app, world) -> str:
    return open_statement_in(app, world, "ar", ARABIC_TITLE, "loss-and-damage-ar")


@pytest.fixture
def spanish(app, world) -> str:
    return open_statement_in(app, world, "es", SPANISH_TITLE, "perdidas-y-danos")


def page_language(page: str) -> tuple[str, str]:
    tag = re.search(r"<html[^>]*>", page).group(0)
    return re.search(r'lang="([^"]+)"', tag).group(1), re.search(r'dir="([^"]+)"', tag).group(1)


def options(page: str, select: str) -> list[tuple[str, str]]:
    """The (value, label) pairs of a select box, in order."""
    box = re.search(rf'<select[^>]*\bname="{select}".*?</select>', page, re.DOTALL).group(0)
    return [(value, html.unescape(label)) for value, label in
            re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', box)]


def sign_in(client, slug: str, **fields):
    """Send the sign-on form."""
    return client.submit(f"/s/{slug}/sign", form(**{"contact_email": EMAIL, **fields}))


def choose(client, language: str) -> None:
    """Choose the interface language with the switcher at the foot of every page."""
    client.submit("/language", {"language": language, "next": "/"})


def last_mail(mailbox, address: str):
    mailbox.deliver()
    messages = mailbox.to(address)
    assert messages, f"no mail to {address}"
    return messages[-1]


# --- which language the page speaks ----------------------------------------------------------------

def test_an_anonymous_reader_of_an_arabic_statement_gets_the_page_in_arabic_right_to_left(client, arabic):
    page = text_of(client.get(f"/s/{arabic}"))
    assert page_language(page) == ("ar", "rtl")
    assert "وقّع باسم منظمتك" in page and "اسم المنظمة" in page and "توقيع البيان" in page
    assert "Organization name" not in page and "Sign the statement" not in page
    assert opening_tags(page, "statement-text") == ['<div class="statement-text card" lang="ar" dir="rtl">']
    assert f'<h1 lang="ar" dir="rtl">{ARABIC_TITLE}</h1>' in page
    assert "<strong>Shown publicly:</strong>" not in page and "<strong>يُعرض علنًا:</strong>" in page


def test_a_spanish_statement_speaks_spanish_and_its_text_keeps_its_language_in_an_english_interface(
        client, make_client, spanish):
    page = text_of(client.get(f"/s/{spanish}"))
    assert page_language(page) == ("es", "ltr")
    assert "Firme en nombre de su organización" in page and "Nombre de la organización" in page
    assert "Ninguna organización ha firmado" not in page
    assert "<strong>0</strong> organizaciones han firmado." in page

    reader = make_client()  # chose English with the switcher: the statement's own words stay Spanish
    reader.submit("/language", {"language": "en", "next": f"/s/{spanish}"})
    page = text_of(reader.get(f"/s/{spanish}", headers={"Accept-Language": "es"}))
    assert page_language(page) == ("en", "ltr")
    assert "Sign for your organization" in page
    assert f'<h1 lang="es" dir="ltr">{SPANISH_TITLE}</h1>' in page
    assert opening_tags(page, "statement-text") == ['<div class="statement-text card" lang="es" dir="ltr">']


def test_an_english_statement_speaks_english_whatever_the_browser_prefers(client, world):
    page = text_of(client.get(f"/s/{world.signon_slug}", headers={"Accept-Language": "es-GT,es;q=0.9"}))
    assert page_language(page) == ("en", "ltr") and "Sign the statement" in page


def test_a_statement_in_a_language_the_interface_lacks_follows_the_browser_else_english(app, client, world):
    slug = open_statement_in(app, world, "de", "Schutz für Menschen, die wegen des Klimas fliehen", "schutz")
    spanish_page = text_of(client.get(f"/s/{slug}", headers={"Accept-Language": "es-GT,es;q=0.9"}))
    assert page_language(spanish_page) == ("es", "ltr") and "Firmar la declaración" in spanish_page
    arabic_page = text_of(client.get(f"/s/{slug}", headers={"Accept-Language": "ar"}))  # not the cached Spanish one
    assert page_language(arabic_page) == ("ar", "rtl") and "توقيع البيان" in arabic_page
    assert opening_tags(arabic_page, "statement-text") == ['<div class="statement-text card" lang="de" dir="ltr">']
    for accept in ("sw-KE,de;q=0.8", "xx", ""):  # nothing the interface speaks: English
        page = text_of(client.get(f"/s/{slug}", headers={"Accept-Language": accept}))
        assert page_language(page) == ("en", "ltr") and "Sign the statement" in page


def test_the_reader_s_choice_beats_the_statement_s_language(client, arabic):
    client.submit("/language", {"language": "es", "next": f"/s/{arabic}"})
    page = text_of(client.get(f"/s/{arabic}"))
    assert page_language(page) == ("es", "ltr") and "Firmar la declaración" in page
    assert opening_tags(page, "statement-text") == ['<div class="statement-text card" lang="ar" dir="rtl">']


# --- countries in the reader's language ------------------------------------------------------------

def test_the_country_select_names_and_sorts_countries_in_the_reader_s_language(client, world, arabic, spanish):
    spanish = options(text_of(client.get(f"/s/{spanish}")), "country")
    assert spanish[0] == ("", "Elija un país")
    names = [name for _code, name in spanish[1:]]
    assert ("DE", "Alemania") in spanish and ("GT", "Guatemala") in spanish and ("CI", "Côte d’Ivoire") in spanish
    assert names.index("Afganistán") < names.index("Alemania") < names.index("Argentina") < names.index("Austria")
    assert names.index("Costa Rica") < names.index("Côte d’Ivoire") < names.index("Croacia")  # accents set aside
    assert len(spanish) == 250

    arabic_options = options(text_of(client.get(f"/s/{arabic}")), "country")
    assert arabic_options[0] == ("", "اختر بلدًا")
    assert ("GT", "غواتيمالا") in arabic_options and ("LB", "لبنان") in arabic_options
    arabic_names = [name for _code, name in arabic_options[1:]]
    assert arabic_names.index("أذربيجان") < arabic_names.index("البرازيل") < arabic_names.index("غواتيمالا")
    assert arabic_names.index("لبنان") < arabic_names.index("هولندا")

    english = options(text_of(client.get(f"/s/{world.signon_slug}")), "country")
    assert ("DE", "Germany") in english and ("CI", "Côte d'Ivoire") in english  # the stored value stays the code


def test_the_signatories_list_and_its_counts_name_countries_in_the_reader_s_language(app, client, world):
    from tests.signons.pages import add_signon

    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        add_signon(statement, "Frauenring", "DE")
        add_signon(statement, "Colectivo Guatemalteco", "GT", org_type="womens")
        add_signon(statement, "Kenya Union", "KE")
        add_signon(statement, "Oñondivepa", "PY", visibility="country")
        db.session.commit()
    choose(client, "es")
    page = text_of(client.get(f"/s/{world.signon_slug}/signatories"))
    headings = re.findall(r'<h3 class="country-heading">([^<]*)</h3>', page)
    assert headings == ["Alemania", "Guatemala", "Kenia", "Paraguay"]  # in Spanish order, not Germany's place
    assert "<bdi>Una organización de Paraguay</bdi>" in page
    assert "Organización de mujeres o feminista" in page
    assert "<strong>4</strong> organizaciones de 4 países han firmado." in page
    assert re.search(r'country=DE">Alemania</a>', page)

    choose(client, "ar")
    arabic = text_of(client.get(f"/s/{world.signon_slug}/signatories"))
    assert page_language(arabic) == ("ar", "rtl")
    assert re.findall(r'<h3 class="country-heading">([^<]*)</h3>', arabic) == ["ألمانيا", "باراغواي", "غواتيمالا",
                                                                               "كينيا"]
    assert "<bdi>منظمة في باراغواي</bdi>" in arabic
    assert "وقّعت <strong>4</strong> منظمات من 4 دول." in arabic

    english = client.get(f"/api/v1/statements/{world.signon_slug}/signatories").get_json()  # open data: English
    assert {e["country_name"] for e in english["signatories"]} == {"Germany", "Guatemala", "Kenya", "Paraguay"}
    assert "An organization in Paraguay" in {e["name"] for e in english["signatories"]}


# --- the form, its errors, and what follows ----------------------------------------------------------

def test_the_form_refuses_in_spanish_next_to_each_field(client, spanish):
    response = sign_in(client, spanish, organization_name="", country="XX", contact_email="no es una dirección",
                       authorized=None, website="redmujeres org", message="palabra " * 251)
    assert response.status_code == 400
    page = text_of(response)
    assert page_language(page) == ("es", "ltr")
    assert "Hay respuestas que corregir. Vea los mensajes más abajo." in form_errors(response)
    assert field_error(response, "organization_name") == "Escriba el nombre de su organización."
    assert field_error(response, "country") == "Elija de la lista el país donde tiene su sede su organización."
    assert field_error(response, "contact_email") == ("Escriba una dirección de correo electrónico como "
                                                      "nombre@ejemplo.org.")
    assert field_error(response, "authorized") == ("Marque la casilla para confirmar que puede firmar en nombre de "
                                                   "esta organización.")
    assert field_error(response, "website") == "Escriba una dirección web completa que empiece por https://"
    assert field_error(response, "message") == "Use como máximo 2.000 caracteres."


def test_the_form_refuses_in_arabic_right_to_left(client, arabic):
    response = sign_in(client, arabic, organization_name="", org_type="", contact_name="")
    assert response.status_code == 400
    page = text_of(response)
    assert page_language(page) == ("ar", "rtl")
    assert "بعض الإجابات تحتاج إلى تصحيح" in form_errors(response)
    assert field_error(response, "organization_name") == "أدخل اسم منظمتك."
    assert field_error(response, "org_type") == "اختر نوع المنظمة."
    assert field_error(response, "contact_name") == "أدخل اسم الشخص الذي يوقّع باسم المنظمة."


@pytest.mark.parametrize("language, heading, lead", [
    ("es", "Revise su correo electrónico", f"Enviamos un enlace a <strong><bdi dir=\"ltr\" class=\"address\">{EMAIL}</bdi></strong>."),
    ("ar", "تحقّق من بريدك الإلكتروني", f"أرسلنا رابطًا إلى <strong><bdi dir=\"ltr\" class=\"address\">{EMAIL}</bdi></strong>."),
])
def test_the_check_your_email_page_is_in_the_statement_s_language(request, client, language, heading, lead):
    slug = request.getfixturevalue({"es": "spanish", "ar": "arabic"}[language])
    response = sign_in(client, slug)
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert page_language(page) == (language, "rtl" if language == "ar" else "ltr")
    assert f"<h1>{heading}</h1>" in page and lead in page


# --- mail in the language the organization signed in -----------------------------------------------

def test_a_sign_on_made_in_arabic_is_confirmed_by_mail_in_arabic(app, client, arabic, mailbox):
    assert sign_in(client, arabic, organization_name="جمعية العمال المهاجرين", country="LB").status_code == 302
    with app.app_context():
        assert signon_named("جمعية العمال المهاجرين").language == "ar"
    message = last_mail(mailbox, EMAIL)
    assert message["Subject"].strip() == f"أكّد توقيع منظمتك: {ARABIC_TITLE}"
    body = mailbox.body(message)
    assert body.startswith("مرحبًا María López،")
    assert f"شكرًا لتوقيعك على «{ARABIC_TITLE}» باسم جمعية العمال المهاجرين." in body
    assert "يظل الرابط والرمز صالحين لمدة 7 أيام." in body
    assert "Hello" not in body and "Thank you" not in body
    assert re.search(r"^\s+\d{6}\s*$", body, re.MULTILINE)
    confirm_page = text_of(client.get(mailbox.link_in(message, "/confirm/")))
    assert page_language(confirm_page) == ("ar", "rtl") and "تأكيد توقيعنا" in confirm_page
    assert "(لبنان)" in confirm_page


def test_mail_to_a_signatory_keeps_their_language_whoever_acts_on_the_sign_on(app, client, world, mailbox, staff,
                                                                            statement_id):
    """Signed in Spanish on an English statement; staff, in English, approve it: the mail is in Spanish."""
    with app.app_context():
        statement_by_slug(world.signon_slug).signon_requires_approval = True
        db.session.commit()
    choose(client, "es")
    assert sign_in(client, world.signon_slug).status_code == 302
    confirmation = last_mail(mailbox, EMAIL)
    assert confirmation["Subject"].startswith("Confirme la firma de su organización:")
    assert "Hola, María López:" in mailbox.body(confirmation)
    choose(client, "en")  # whatever the page they confirm on speaks
    client.submit(mailbox.link_in(confirmation, "/confirm/"))

    with app.app_context():
        signon = signon_named("Asociación de Trabajadoras del Hogar")
        assert (signon.language, signon.status) == ("es", "confirmed")
        signon_id = signon.id
    decide(staff, statement_id, [signon_id], "approve")
    approved = last_mail(mailbox, EMAIL)
    assert approved["Subject"].strip() == "Su firma figura en «Loss and damage for people who move»"
    assert "ya figura en la lista de firmantes" in mailbox.body(approved)


def test_a_sign_on_made_in_english_gets_english_mail(app, client, world, mailbox):
    assert sign_in(client, world.signon_slug).status_code == 302
    message = last_mail(mailbox, EMAIL)
    assert message["Subject"].strip() == "Confirm your organization's signature: Loss and damage for people who move"
    assert mailbox.body(message).startswith("Hello María López,")
    with app.app_context():
        assert signon_named("Asociación de Trabajadoras del Hogar").language == "en"


# --- staff pages in the staff member's language ----------------------------------------------------

def test_staff_moderate_and_add_sign_ons_in_their_own_language(app, client, world, staff, statement_id, mailbox):
    from tests.signons.pages import confirmation, plain, sign

    choose(staff, "es")  # kept on the staff member's account
    sign(client, world.signon_slug, organization_name="Red de Mujeres", contact_email="ana@redmujeres.example.net")
    sign(client, world.signon_slug, organization_name="Red de Mujeres Migrantes",
         contact_email="luz@redmujeres.example.net")
    client.submit(mailbox.link_in(confirmation(mailbox, "luz@redmujeres.example.net"), "/confirm/"))
    words = plain(text_of(staff.get(f"/statements/{statement_id}/signons?status=all")))
    assert "Adhesiones" in words and "Cualquier estado" in words and "Solo posibles duplicados" in words
    assert "Posible duplicado : el mismo dominio de correo (redmujeres.example.net)." in words
    assert "Adhesión anterior (pendiente de confirmación por correo)" in words
    assert "Red de Mujeres · Guatemala · Sindicato u organización de personas trabajadoras" in words

    preview = staff.submit(f"/statements/{statement_id}/signons/add", {
        "rows": "Migrant Forum in Asia; Filipinas; network; William; mfa@example.net\n"
                "Red Sin Fronteras; Atlántida; ngo; Pedro; no-es-una-dirección\n",
        "default_visibility": "named"})
    words = plain(text_of(preview))
    assert "Líneas que se añadirán: 1 de 2." in words
    assert "Migrant Forum in Asia" in words and "Filipinas" in words  # a country named in Spanish is understood
    assert ("No se añadirá: «Atlántida» no es un país: use un código de dos letras como GT, o su nombre en "
            "inglés o en español; «no-es-una-dirección» no es una dirección de correo electrónico") in words
    assert "Añadir 1 adhesión" in words
