"""The interface in several languages: the catalogs match the code, and each person reads the
language they chose, else their browser's."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from statements.core.i18n import LANGUAGES
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "statements" / "translations"
TRANSLATED = [code for code in LANGUAGES if code != "en"]


def extracted(tmp_path) -> Catalog:
    """Extract the marked strings from the code and templates, as scripts/update-catalogs.sh does."""
    template = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_l",
                    "--ignore-dirs", ".* __pycache__",
                    "-k", "lazy_gettext", "--no-location", "-o", str(template), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with template.open("rb") as file:
        return read_po(file)


def catalog(language: str) -> Catalog:
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def problems(translations: Catalog) -> list[str]:
    """What is wrong in a language's catalog: untranslated or fuzzy entries, broken placeholders."""
    found = []
    for message in translations:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"not translated: {message.id!r}")
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
    for message, errors in translations.check():
        found.extend(f"{error} in {message.id!r}" for error in errors)
    return found


def test_the_template_catalog_holds_exactly_what_the_code_and_templates_mark(tmp_path):
    with (CATALOGS / "messages.pot").open("rb") as file:
        committed = read_po(file)
    assert {m.id for m in extracted(tmp_path) if m.id} == {m.id for m in committed if m.id}, \
        "run scripts/update-catalogs.sh"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_language_translates_every_string_with_its_placeholders(tmp_path, language):
    translations = catalog(language)
    wanted = {m.id for m in extracted(tmp_path) if m.id}
    assert {m.id for m in translations if m.id} == wanted, "run scripts/update-catalogs.sh, then translate"
    assert problems(translations) == []


def test_a_broken_placeholder_or_a_missing_plural_is_caught():
    broken = Catalog(locale="es")
    broken.add("%(count)s sign-ons", "%(cuenta)s firmas", flags=["python-format"])
    broken.add(("%(num)s day", "%(num)s days"), ("%(num)s día", ""), flags=["python-format"])
    broken.add("Fine", "Bien", flags=["fuzzy"])
    found = problems(broken)
    assert any("cuenta" in p for p in found)
    assert "not translated: ('%(num)s day', '%(num)s days')" in found
    assert "fuzzy: 'Fine'" in found


def page_language(response) -> tuple[str, str]:
    page = response.get_data(as_text=True)
    start = page.index("<html")
    tag = page[start:page.index(">", start)]
    return tag.split('lang="')[1].split('"')[0], tag.split('dir="')[1].split('"')[0]


@pytest.mark.parametrize("accept, language, direction, words", [
    ("es-MX,es;q=0.9,en;q=0.5", "es", "ltr", "Iniciar sesión"),
    ("ar-EG,ar;q=0.9", "ar", "rtl", "تسجيل الدخول"),
    ("fr-CA", "fr", "ltr", "Se connecter"),
    ("pt-BR", "pt", "ltr", "Entrar"),
    ("sw-KE,de;q=0.8", "en", "ltr", "Log in"),  # nothing supported: English
    ("", "en", "ltr", "Log in"),
])
def test_a_visitor_reads_the_interface_in_their_browser_s_language(client, accept, language, direction, words):
    response = client.get("/login", headers={"Accept-Language": accept})
    assert page_language(response) == (language, direction)
    assert words in response.get_data(as_text=True)


def test_the_switcher_keeps_a_visitor_on_the_same_page_in_the_language_chosen(client):
    response = client.submit("/language", {"language": "fr", "next": "/login?next=%2Fgroups"})
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Fgroups"
    page = client.get("/login", headers={"Accept-Language": "es"})
    assert page_language(page) == ("fr", "ltr")
    assert '<option value="fr" lang="fr" selected>Français</option>' in page.get_data(as_text=True)


def test_a_person_s_choice_is_kept_on_their_account(app, client, make_client, world):
    from statements.accounts.models import User
    from statements.extensions import db

    client.login(world.emails["member"], PASSWORD)
    client.submit("/language", {"language": "ar", "next": "/groups"})
    with app.app_context():
        assert db.session.get(User, world.user_ids["member"]).language == "ar"
    elsewhere = make_client()  # another browser, which prefers Spanish: the account's choice wins
    elsewhere.login(world.emails["member"], PASSWORD)
    assert page_language(elsewhere.get("/groups", headers={"Accept-Language": "es"})) == ("ar", "rtl")


@pytest.mark.parametrize("language, target", [("xx", "/login"), ("", "/login"), ("es", "https://evil.example/")])
def test_an_unknown_language_or_a_foreign_address_is_refused_plainly(client, language, target):
    response = client.submit("/language", {"language": language, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/login", "/")
    if not language or language == "xx":
        page = client.get("/login", follow_redirects=True).get_data(as_text=True)
        assert "Choose one of the languages in the list." in page


def test_a_mail_written_in_another_language_mid_request_speaks_it_and_the_page_keeps_its_own(app):
    """The reader's catalog is found once per request and kept with its locale: a locale forced for a mail
    must still get its own catalog, in Python and in templates, and the page's come back after."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext

    template = "{{ _('Log in') }}"
    with app.test_request_context("/login", headers={"Accept-Language": "es"}):
        assert (gettext("Log in"), render_template_string(template)) == ("Iniciar sesión", "Iniciar sesión")
        with force_locale("fr"):
            assert (gettext("Log in"), render_template_string(template)) == ("Se connecter", "Se connecter")
            with force_locale("ar"):
                assert gettext("Log in") == "تسجيل الدخول"
            assert gettext("Log in") == "Se connecter"
        assert (gettext("Log in"), render_template_string(template)) == ("Iniciar sesión", "Iniciar sesión")
    with app.test_request_context("/login", headers={"Accept-Language": "pt"}):
        assert render_template_string(template) == "Entrar"
