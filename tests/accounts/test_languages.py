"""Accounts in several languages: pages, form errors and flashes in the reader's language, a language
kept on the account page, and mail written in the recipient's language whoever caused it."""

from datetime import datetime, timezone
from html import unescape

import pytest

from statements.accounts.models import User
from statements.extensions import db
from tests.core.test_i18n import page_language
from tests.factories import make_user

SPANISH = {"Accept-Language": "es-AR,es;q=0.9"}
ARABIC = {"Accept-Language": "ar"}


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def set_language(app, user_id: int, language: str | None) -> None:
    with app.app_context():
        db.session.get(User, user_id).language = language
        db.session.commit()


@pytest.mark.parametrize("headers, language, direction, words", [
    (SPANISH, "es", "ltr", ["Iniciar sesión", "Dirección de correo electrónico", "Contraseña",
                            "Mantener la sesión iniciada en este dispositivo", "¿Olvidó su contraseña?"]),
    (ARABIC, "ar", "rtl", ["تسجيل الدخول", "عنوان البريد الإلكتروني", "كلمة المرور", "هل نسيت كلمة المرور؟"]),
])
def test_the_login_page_speaks_the_browser_s_language(client, headers, language, direction, words):
    response = client.get("/login", headers=headers)
    assert page_language(response) == (language, direction)
    page = text(response)
    assert all(word in page for word in words)
    assert "Forgot your password?" not in page


@pytest.mark.parametrize("headers, summary, field_error", [
    (SPANISH, "Hay respuestas que corregir. Vea los mensajes más abajo.",
     "Escriba una dirección de correo electrónico como nombre@ejemplo.org."),
    (ARABIC, "بعض الإجابات تحتاج إلى تصحيح. انظر الرسائل أدناه.", "أدخل عنوان بريد إلكتروني مثل name@example.org."),
])
def test_a_form_error_is_told_in_the_reader_s_language(client, headers, summary, field_error):
    response = client.submit("/login", {"email": "not an address", "password": "x"}, headers=headers)
    assert response.status_code == 400
    page = text(response)
    assert summary in page and field_error in page


def test_a_refused_login_says_why_in_spanish(client, world):
    response = client.submit("/login", {"email": world.emails["member"], "password": "wrong password"},
                             headers=SPANISH)
    assert response.status_code == 400
    assert ("Ese correo electrónico y esa contraseña no corresponden a ninguna cuenta. "
            "Revise ambos o restablezca su contraseña.") in text(response)


@pytest.mark.parametrize("headers, flash", [(SPANISH, "Ha cerrado la sesión."), (ARABIC, "سُجّل خروجك.")])
def test_a_flash_is_told_in_the_reader_s_language(client, world, headers, flash):
    client.login(world.emails["member"])
    client.submit("/logout", headers=headers)
    response = client.get("/login", headers=headers)
    assert flash in text(response)


@pytest.mark.parametrize("language, direction, heading, section", [
    ("es", "ltr", "Su cuenta", "Cambiar su contraseña"),
    ("ar", "rtl", "حسابك", "تغيير كلمة المرور الخاصة بك"),
])
def test_the_account_page_speaks_the_account_s_language(app, client, world, language, direction, heading, section):
    set_language(app, world.user_ids["member"], language)
    client.login(world.emails["member"])
    response = client.get("/account")  # no Accept-Language: the account's choice decides
    assert page_language(response) == (language, direction)
    page = text(response)
    assert f"<h1>{heading}</h1>" in page and section in page


def test_the_language_chosen_on_the_account_page_is_kept_and_used_next(app, client, make_client, world, mailbox):
    client.login(world.emails["member"])
    page = text(client.get("/account"))
    # each language is named in itself, marked as such
    assert '<option dir="ltr" lang="es" value="es">Español</option>' in page
    assert '<option dir="rtl" lang="ar" value="ar">العربية</option>' in page

    response = client.submit("/account/language", {"lang-language": "es"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    with app.app_context():
        assert db.session.get(User, world.user_ids["member"]).language == "es"
    after = client.get("/account")
    assert page_language(after) == ("es", "ltr")
    assert "Su idioma está guardado: a partir de ahora, las páginas y los correos que le enviemos lo usarán." \
        in text(after)
    assert '<option dir="ltr" lang="es" selected value="es">Español</option>' in text(after)

    # the next mail to them is Spanish, though the one who asks for it reads English
    stranger = make_client()
    stranger.submit("/password/forgot", {"email": world.emails["member"]}, headers={"Accept-Language": "en"})
    mailbox.deliver()
    [message] = mailbox.to(world.emails["member"])
    assert message["Subject"] == "Restablezca su contraseña de Statements"
    body = mailbox.body(message)
    assert body.startswith("Hola, Member Person:")
    assert "Para elegir una contraseña nueva, abra este enlace en los próximos 60 minutos:" in body
    assert "within" not in body


def test_mail_to_a_person_without_a_language_stays_english_whoever_asks(client, world, mailbox):
    client.submit("/password/forgot", {"email": world.emails["observer"]}, headers=ARABIC)
    mailbox.deliver()
    [message] = mailbox.to(world.emails["observer"])
    assert message["Subject"] == "Reset your Statements password"
    assert "within 60 minutes" in mailbox.body(message)


def test_going_back_to_the_browser_s_language(app, client, world):
    set_language(app, world.user_ids["member"], "ar")
    client.login(world.emails["member"])
    client.submit("/account/language", {"lang-language": ""})
    with app.app_context():
        assert db.session.get(User, world.user_ids["member"]).language is None
    assert page_language(client.get("/account", headers={"Accept-Language": "pt-BR"})) == ("pt", "ltr")


def test_a_language_nobody_speaks_here_is_refused_next_to_the_choice(app, client, world):
    client.login(world.emails["member"])
    response = client.submit("/account/language", {"lang-language": "xx"})
    assert response.status_code == 400
    assert 'id="lang-language-error"' in text(response)
    with app.app_context():
        assert db.session.get(User, world.user_ids["member"]).language is None


def test_someone_added_to_a_group_hears_of_it_in_their_own_language(app, client, world, mailbox):
    with app.app_context():
        newcomer = make_user("layla@example.org", "Layla Haddad")
        newcomer.language = "ar"
        db.session.commit()
    client.login(world.emails["coordinator"])
    response = client.submit(f"/groups/{world.group_id}/members", {"email": "layla@example.org", "role": "observer"})
    assert response.status_code == 302
    # the coordinator reads English; the mail is Arabic
    assert "Layla Haddad is now observer in Climate and Displacement." in text(client.get(response.headers["Location"]))
    mailbox.deliver()
    [message] = mailbox.to("layla@example.org")
    assert message["Subject"] == "تمت إضافتك إلى Climate and Displacement"
    assert "تمت إضافتك إلى مجموعة العمل «Climate and Displacement» بدور «مراقب»." in mailbox.body(message)


def test_an_invitation_speaks_the_inviting_person_s_language(app, client, world, mailbox):
    set_language(app, world.user_ids["admin"], "fr")
    client.login(world.emails["admin"])
    response = client.submit("/admin/invitations", {"email": "ines@example.org", "group_id": world.group_id,
                                                    "role": "member", "organization_id": 0})
    assert response.status_code == 302
    assert "Invitation envoyée à ines@example.org. Le lien fonctionne pendant 7 jours." \
        in text(client.get("/admin/invitations"))
    mailbox.deliver()
    [message] = mailbox.to("ines@example.org")
    assert message["Subject"] == "Vous êtes invité·e à rejoindre Climate and Displacement"
    body = mailbox.body(message)
    assert "pour rejoindre le groupe de travail « Climate and Displacement » en tant que membre." in body
    assert "Le lien ne fonctionne qu’une fois, pendant 7 jours." in body


@pytest.mark.parametrize("headers, language, title, message", [
    ({"Accept-Language": "fr-FR,fr;q=0.9"}, "fr", "Page introuvable",
     "Cette page n’existe pas, ou vous n’y avez pas accès. Vérifiez l’adresse : un lien copié depuis un e-mail ou un "
     "message a pu être coupé."),
    (ARABIC, "ar", "الصفحة غير موجودة", "هذه الصفحة غير موجودة"),
])
def test_an_error_page_speaks_the_reader_s_language(client, headers, language, title, message):
    response = client.get("/no/such/page", headers=headers)
    assert response.status_code == 404
    assert page_language(response)[0] == language
    page = text(response)
    assert f"<h1>{title}</h1>" in page and message in page and "Page not found" not in page


def test_a_page_for_people_logged_in_asks_to_log_in_in_the_reader_s_language(client):
    response = client.get("/account", headers=SPANISH)
    assert response.status_code == 302
    assert "Inicie sesión para ver esta página." in text(client.get(response.headers["Location"], headers=SPANISH))


@pytest.mark.parametrize("language, shown", [
    ("en", "01 Mar 2025, 10:05 UTC"),
    ("es", "1 mar 2025, 10:05 UTC"),
    ("fr", "1 mars 2025, 10:05 UTC"),
    ("ar", "\u20681 مارس 2025، 10:05 UTC\u2069"),
])
def test_times_are_written_the_reader_s_way_and_say_utc(app, language, shown):
    """In a right-to-left language a time is isolated (U+2068 ... U+2069): else the sentence's direction draws
    its Latin "UTC" and its numbers apart, beside the sentence's other numbers ("17:28 8 · UTC محاولات")."""
    from statements.core.templating import format_datetime, format_datetime_in

    moment = datetime(2025, 3, 1, 10, 5, tzinfo=timezone.utc)
    with app.test_request_context(headers={"Accept-Language": language}):
        assert format_datetime(moment) == shown
        inner = shown.strip("\u2068\u2069")
        beside = format_datetime_in(moment, "America/Guatemala")
        assert beside.strip("\u2068\u2069").endswith(f" America/Guatemala ({inner})")
        assert (beside[0] == "\u2068", beside[-1] == "\u2069") == (shown[0] == "\u2068", shown[-1] == "\u2069")


def test_staff_pages_and_the_audit_log_speak_spanish(app, client, world):
    set_language(app, world.user_ids["admin"], "es")
    client.login(world.emails["admin"])
    assert "<h1>Invitar a personas</h1>" in text(client.get("/admin/invitations"))
    assert "<h1>Organizaciones miembro</h1>" in text(client.get("/admin/organizations"))
    people = text(client.get("/admin/users"))
    assert "Climate and Displacement (coordinador/a)" in people
    log = text(client.get("/admin/audit"))
    assert "<h1>Registro de auditoría</h1>" in log and "Cualquier acción" in log
    group = text(client.get(f"/groups/{world.group_id}"))
    assert "Guardar el rol" in group and ">Observador/a</option>" in group
