"""A public statement in several languages: each translation made final in step with it is a version at
its own address, with a switcher between them; every version signs the one statement, in its language."""

import html
import re

import pytest

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.extensions import db
from statements.signons import services
from statements.signons.models import SignOn
from statements.translating import services as translating
from tests.signons.pages import add_signon, form, plain, signons, statement_by_slug, text_of

SPANISH = ("Pérdidas y daños para quienes se desplazan",
           "# Pérdidas y daños\n\nEl fondo debe llegar a las personas que se desplazan.")
ARABIC = ("الخسائر والأضرار للناس الذين يتنقلون", "# الخسائر والأضرار\n\nيجب أن يصل الصندوق إلى الناس الذين يتنقلون.")
FRENCH = ("Pertes et préjudices", "# Pertes et préjudices\n\nLe fonds doit atteindre les personnes qui se déplacent.")
EMAIL = "contacto@trabajadoras.example.gt"


def coordinator_of(world) -> User:
    return db.session.get(User, world.user_ids["coordinator"])


def add_version(app, world, source_slug: str, language: str, words: tuple[str, str], final: bool = True) -> str:
    """Translate a statement through the translators' own steps; make the translation final if asked."""
    with app.app_context():
        coordinator = coordinator_of(world)
        version = translating.start_translation(coordinator, statement_by_slug(source_slug), language, words[0])
        drafts.save_revision(coordinator, version, version.latest_number, words[1], "Translation")
        if final:
            drafts.transition(coordinator, version, "final")
        db.session.commit()
        return version.slug


@pytest.fixture
def versions(app, world) -> dict[str, str]:
    """The open statement with final Spanish and Arabic versions and a French one still in draft."""
    slugs = {"en": world.signon_slug}
    for language, words, final in (("es", SPANISH, True), ("ar", ARABIC, True), ("fr", FRENCH, False)):
        slugs[language] = add_version(app, world, world.signon_slug, language, words, final)
    return slugs


def switcher(page: str) -> list[tuple[str, str, str, str, bool]]:
    """The switcher's links as (address, hreflang, lang, name, current)."""
    nav = re.search(r'<nav class="version-switcher".*?</nav>', page, re.DOTALL)
    if nav is None:
        return []
    return [(a["href"], a["hreflang"], a["lang"], html.unescape(name), "aria-current" in a)
            for a, name in ((dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', tag)), name)
                            for tag, name in re.findall(r"<a ([^>]*)>([^<]*)</a>", nav.group(0)))]


def alternates(page: str) -> list[tuple[str, str]]:
    head = page.split("</head>")[0]
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head)


def html_language(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def without_tokens(page: str, slug: str) -> str:
    """A page without its visitor's own token, and with the address asked for (the language switcher's) as X."""
    return re.sub(r'(name="csrf-token" content|name="csrf_token" value)="[^"]*"', "", page).replace(slug, "X")


# --- the pages ------------------------------------------------------------------------------------

def test_the_switcher_lists_the_statement_and_its_final_versions_each_in_its_own_language(client, versions):
    source_page = text_of(client.get(f"/s/{versions['en']}"))
    assert switcher(source_page) == [
        (f"/s/{versions['en']}", "en", "en", "English", True),
        (f"/s/{versions['ar']}", "ar", "ar", "العربية", False),
        (f"/s/{versions['es']}", "es", "es", "Español", False),
    ]  # the statement first, then its versions by language; the French one is a draft: not public
    assert 'dir="rtl"' in re.search(r'<a [^>]*hreflang="ar"[^>]*>', source_page).group(0)

    spanish = text_of(client.get(f"/s/{versions['es']}"))
    assert html_language(spanish) == "es"  # the interface speaks the version's language to an anonymous reader
    assert [link[4] for link in switcher(spanish)] == [False, False, True]
    words = plain(spanish)
    assert SPANISH[0] in words and "El fondo debe llegar a las personas que se desplazan." in words
    assert "Firme en nombre de su organización" in words
    assert "The fund must reach people who move." not in words
    # the sign-on form and its companions stay at the version's address
    assert f'action="/s/{versions["es"]}/sign#sign"' in spanish
    assert f'action="/s/{versions["es"]}/resend"' in spanish


def test_a_version_shows_the_statements_count_and_its_signatories_with_countries_named_in_its_language(
        app, client, versions):
    with app.app_context():
        source = statement_by_slug(versions["en"])
        add_signon(source, "Red de Mujeres", "DE")
        add_signon(source, "Unión Campesina", "MX")
        db.session.commit()
    services.forget_counts(app)
    assert "2 organizaciones de 2 países han firmado" in plain(text_of(client.get(f"/s/{versions['es']}")))
    listed = plain(text_of(client.get(f"/s/{versions['es']}/signatories")))
    assert "Red de Mujeres" in listed and "Alemania" in listed and "México" in listed
    assert "Germany" not in listed
    arabic = plain(text_of(client.get(f"/s/{versions['ar']}/signatories")))
    assert "ألمانيا" in arabic and "Red de Mujeres" in arabic


def test_an_arabic_version_in_an_english_interface_marks_its_words_arabic_and_right_to_left(
        make_client, versions):
    reader = make_client()
    reader.submit("/language", {"language": "en", "next": "/"})  # the reader chose English
    page = text_of(reader.get(f"/s/{versions['ar']}"))
    assert html_language(page) == "en"
    assert f'<h1 lang="ar" dir="rtl">{ARABIC[0]}</h1>' in page
    assert re.search(r'<div class="statement-text card" lang="ar" dir="rtl">', page)
    assert "Sign for your organization" in page


@pytest.mark.parametrize("path", ["", "/signatories", "/check-email", "/confirm-code", "/badge.svg",
                                  "/signatories.json"])
def test_a_translation_the_public_may_not_read_gets_the_same_404_as_an_unknown_address(app, world, client,
                                                                                         versions, path):
    unknown = client.get(f"/s/no-such-statement{path}")
    draft = client.get(f"/s/{versions['fr']}{path}")
    assert unknown.status_code == draft.status_code == 404
    assert without_tokens(text_of(draft), versions["fr"]) == without_tokens(text_of(unknown), "no-such-statement")


def test_a_final_translation_of_a_statement_not_yet_public_is_404(app, world, client):
    with app.app_context():
        coordinator = coordinator_of(world)
        source = drafts.create_statement(coordinator, coordinator.memberships[0].group, "Not yet open",
                                         "not-yet-open", "en", "", "# Not yet\n\nWords.")
        drafts.transition(coordinator, source, "final")  # final, but sign-on not open: not public
        db.session.commit()
    hidden = add_version(app, world, "not-yet-open", "es", ("Aún no", "# Aún no\n\nPalabras."))
    for path in ("", "/sign", "/api"):
        url = f"/api/v1/statements/{hidden}" if path == "/api" else f"/s/{hidden}{path}"
        answer = client.submit(url, form()) if path == "/sign" else client.get(url)
        assert answer.status_code == 404, url
    with app.app_context():
        assert signons() == []


def test_a_version_whose_source_changed_since_is_no_longer_public(app, world, client, versions):
    assert len(switcher(text_of(client.get(f"/s/{versions['en']}")))) == 3
    with app.app_context():
        coordinator, source = coordinator_of(world), statement_by_slug(versions["en"])
        drafts.transition(coordinator, source, "draft")  # reopened: sign-on closes, the page is gone
        db.session.commit()
    assert client.get(f"/s/{versions['es']}").status_code == 404
    with app.app_context():
        coordinator, source = coordinator_of(world), statement_by_slug(versions["en"])
        drafts.save_revision(coordinator, source, source.latest_number,
                             "# Loss and damage\n\nThe fund must reach every person who moves.", "Sharper")
        drafts.transition(coordinator, source, "final")
        services.open_signon(coordinator, source, None, "UTC", True, "", False)
        db.session.commit()
    # both translations are final still, but translate an older text: neither is a version now
    assert switcher(text_of(client.get(f"/s/{versions['en']}"))) == []
    assert client.get(f"/s/{versions['es']}").status_code == 404
    assert alternates(text_of(client.get(f"/s/{versions['en']}"))) == []


# --- signing from a version -------------------------------------------------------------------------

def test_signing_from_the_spanish_version_signs_the_statement_in_spanish(app, client, mailbox, versions):
    answer = client.submit(f"/s/{versions['es']}/sign", form(contact_email=EMAIL))
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/s/{versions['es']}/check-email")
    check = text_of(client.get(answer.headers["Location"]))
    assert html_language(check) == "es" and EMAIL in check and "Revise su correo electrónico" in check
    with app.app_context():
        (signon,) = signons()
        assert signon.statement_id == statement_by_slug(versions["en"]).id  # one list for every version
        assert signon.language == "es"
        assert signon.revision_id == statement_by_slug(versions["en"]).final_revision_id

    mailbox.deliver()
    (mail,) = mailbox.to(EMAIL)
    assert mail["Subject"] == f"Confirme la firma de su organización: {SPANISH[0]}"
    body = mailbox.body(mail)
    assert f"«{SPANISH[0]}»" in body or f'"{SPANISH[0]}"' in body
    link = mailbox.link_in(mail, "/confirm/")
    assert link.startswith(f"/s/{versions['en']}/confirm/")  # the statement's own address, valid for good

    stranger = app.test_client()  # the link opened on another device, with no language chosen
    page = text_of(stranger.get(link))
    assert html_language(page) == "es" and SPANISH[0] in page and "Confirme su firma" in page
    confirmed = stranger.submit(link)
    assert confirmed.status_code == 200 and html_language(text_of(confirmed)) == "es"
    assert "Gracias" in text_of(confirmed)
    assert f'href="/s/{versions["es"]}/signatories"' in text_of(confirmed)
    with app.app_context():
        assert db.session.get(SignOn, signon.id).status == "confirmed"


def test_the_confirmation_link_still_works_once_the_version_signed_from_is_no_longer_public(
        app, world, client, mailbox, versions):
    client.submit(f"/s/{versions['es']}/sign", form(contact_email=EMAIL))
    with app.app_context():
        drafts.transition(coordinator_of(world), statement_by_slug(versions["es"]), "draft")  # reopened
        db.session.commit()
    mailbox.deliver()
    (mail,) = mailbox.to(EMAIL)
    link = mailbox.link_in(mail, "/confirm/")
    page = app.test_client().get(link)
    assert page.status_code == 200 and html_language(text_of(page)) == "en"  # the statement's own page
    assert app.test_client().submit(link).status_code == 200
    with app.app_context():
        (signon,) = signons()
        assert (signon.status, signon.language) == ("confirmed", "es")


def test_a_code_typed_at_the_arabic_version_confirms_the_signature_of_the_statement(app, client, mailbox, versions):
    client.submit(f"/s/{versions['ar']}/sign", form(contact_email=EMAIL))
    mailbox.deliver()
    (mail,) = mailbox.to(EMAIL)
    code = re.search(r"^\s+(\d{6})\s*$", mailbox.body(mail), re.MULTILINE).group(1)
    answer = client.submit(f"/s/{versions['ar']}/confirm-code", {"contact_email": EMAIL, "code": code})
    assert answer.status_code == 200 and html_language(text_of(answer)) == "ar"
    with app.app_context():
        (signon,) = signons()
        assert (signon.status, signon.language) == ("confirmed", "ar")


# --- links between versions -----------------------------------------------------------------------

def test_every_public_page_of_the_statement_names_its_versions_in_its_head(app, client, versions):
    base = app.config["BASE_URL"]
    for slug in (versions["en"], versions["es"]):
        assert alternates(text_of(client.get(f"/s/{slug}"))) == [
            ("en", f"{base}/s/{versions['en']}"), ("ar", f"{base}/s/{versions['ar']}"),
            ("es", f"{base}/s/{versions['es']}"), ("x-default", f"{base}/s/{versions['en']}")]
    assert alternates(text_of(client.get(f"/s/{versions['ar']}/signatories")))[0] == (
        "en", f"{base}/s/{versions['en']}/signatories")


def test_a_statement_in_one_language_has_no_switcher_and_no_alternates(client, world):
    page = text_of(client.get(f"/s/{world.signon_slug}"))
    assert switcher(page) == [] and alternates(page) == []


# --- the page kept for anonymous visitors ------------------------------------------------------------

def test_the_kept_page_changes_when_a_version_becomes_public_or_is_withdrawn(app, world, make_client):
    source = world.signon_slug
    assert switcher(text_of(make_client().get(f"/s/{source}"))) == []
    spanish = add_version(app, world, source, "es", SPANISH)
    assert [link[1] for link in switcher(text_of(make_client().get(f"/s/{source}")))] == ["en", "es"]
    assert SPANISH[0] in text_of(make_client().get(f"/s/{spanish}"))

    with app.app_context():
        version = statement_by_slug(spanish)
        drafts.transition(coordinator_of(world), version, "draft")  # reopened to change a word
        db.session.commit()
    assert switcher(text_of(make_client().get(f"/s/{source}"))) == []
    assert make_client().get(f"/s/{spanish}").status_code == 404

    with app.app_context():
        coordinator, version = coordinator_of(world), statement_by_slug(spanish)
        drafts.save_revision(coordinator, version, version.latest_number, SPANISH[1].replace("llegar", "alcanzar"),
                             "Mejor")
        drafts.transition(coordinator, version, "final")
        db.session.commit()
    page = text_of(make_client().get(f"/s/{spanish}"))
    assert "El fondo debe alcanzar a las personas" in page


def test_the_kept_page_follows_paragraphs_marked_up_to_date_without_a_new_revision(app, world, make_client):
    """A version reopened only to mark a paragraph up to date is final again on the same revision."""
    source = world.signon_slug
    spanish = add_version(app, world, source, "es", SPANISH)
    with app.app_context():
        coordinator, statement = coordinator_of(world), statement_by_slug(source)
        drafts.transition(coordinator, statement, "draft")
        drafts.save_revision(coordinator, statement, statement.latest_number,
                             "# Loss and damage\n\nThe fund must reach people who move!", "Tone")
        drafts.transition(coordinator, statement, "final")
        services.open_signon(coordinator, statement, None, "UTC", True, "", False)
        db.session.commit()
    assert make_client().get(f"/s/{spanish}").status_code == 404
    assert switcher(text_of(make_client().get(f"/s/{source}"))) == []  # kept without the version
    with app.app_context():
        coordinator, version = coordinator_of(world), statement_by_slug(spanish)
        drafts.transition(coordinator, version, "draft")
        db.session.commit()
        translating.mark_up_to_date(coordinator, version, 1, statement_by_slug(source).latest_number)
        drafts.transition(coordinator, version, "final")
        db.session.commit()
    assert [link[1] for link in switcher(text_of(make_client().get(f"/s/{source}")))] == ["en", "es"]


# --- the API ------------------------------------------------------------------------------------------

def test_the_api_lists_the_versions_and_answers_for_each(app, client, versions):
    base = app.config["BASE_URL"]
    with app.app_context():
        add_signon(statement_by_slug(versions["en"]), "Red de Mujeres", "MX")
        db.session.commit()
    services.forget_counts(app)
    source = client.get(f"/api/v1/statements/{versions['en']}").get_json()
    assert source["versions"] == [
        {"language": "en", "language_name": "English", "title": "Loss and damage for people who move",
         "slug": versions["en"], "url": f"{base}/s/{versions['en']}", "source": True},
        {"language": "ar", "language_name": "العربية", "title": ARABIC[0], "slug": versions["ar"],
         "url": f"{base}/s/{versions['ar']}", "source": False},
        {"language": "es", "language_name": "Español", "title": SPANISH[0], "slug": versions["es"],
         "url": f"{base}/s/{versions['es']}", "source": False},
    ]
    assert source["source_slug"] == versions["en"]

    spanish = client.get(f"/api/v1/statements/{versions['es']}").get_json()
    assert (spanish["slug"], spanish["source_slug"], spanish["language"], spanish["title"]) == (
        versions["es"], versions["en"], "es", SPANISH[0])
    assert spanish["text_markdown"] == SPANISH[1] and spanish["url"] == f"{base}/s/{versions['es']}"
    assert spanish["count"] == source["count"] == 1 and spanish["versions"] == source["versions"]
    assert spanish["state"] == "signon_open"
    signatories = client.get(f"/api/v1/statements/{versions['es']}/signatories").get_json()
    assert [s["name"] for s in signatories["signatories"]] == ["Red de Mujeres"]
    assert client.get(f"/api/v1/statements/{versions['fr']}").status_code == 404
