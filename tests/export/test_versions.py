"""A statement in several languages, exported: a translation's files carry its own text, title and words in its
language with the signatories of the statement it translates (one list, by the source's who-sees rule); and one
PDF holds every final version in sequence, each from a page of its own, the list once at the end."""

import html

import pytest
from sqlalchemy import select

from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.export import services
from statements.export.models import ExportFile
from statements.extensions import db
from tests.export.build import coordinator, make, open_statement, publish, sign, translate, wait_for_files
from tests.export.pdfs import docx_text, flat, left_edges, missing_glyphs, page_texts, read_pdf, text_of
from tests.signons.pages import plain

TITLE = "Protection for people who move"
SPANISH_TITLE = "Protección para las personas que se desplazan"
SPANISH = """# Protección para las personas desplazadas por el cambio climático

Los gobiernos deben **garantizar** protección legal a las personas que se desplazan por inundaciones, sequías y
la subida del mar.

- Abrir vías regulares para las personas desplazadas por desastres.
- Contar el desplazamiento en cada plan nacional de adaptación.
"""
ARABIC_TITLE = "حماية الأشخاص الذين يتنقلون"
ARABIC = """# نطالب بحماية النازحين بسبب تغير المناخ

يجب على الحكومات أن تضمن الحماية القانونية للأشخاص الذين يتنقلون بسبب الفيضانات والجفاف.

- فتح مسارات نظامية للنازحين بسبب الكوارث.
- إدراج النزوح في كل خطة وطنية للتكيف.
"""
FRENCH_TITLE = "Protection des personnes qui se déplacent"
FRENCH = "# Protection\n\nLes gouvernements doivent protéger.\n\n- Ouvrir des voies régulières."
NAMED, COUNTRY_ONLY, COUNT_ONLY = "Asociación de Trabajadoras del Hogar", "Country Only Workers Forum", \
    "Count Only Sisters Collective"


@pytest.fixture
def versions(app, world):
    """An English statement signed by a named, a country-only and a count-only organization, with final Spanish
    and Arabic translations and a French one still in draft; the list of names kept private until publication."""
    with app.app_context():
        source = open_statement(world, title=TITLE)
        source.signon_list_hidden = True
        db.session.commit()
        sign(world, source, NAMED, "GT", contact_email="lucia@private-mail.example")
        sign(world, source, COUNTRY_ONLY, "NP", visibility="country")
        sign(world, source, COUNT_ONLY, "KE", visibility="count")
        spanish = translate(world, source, "es", SPANISH_TITLE, SPANISH, summary="Un llamado a los gobiernos.")
        arabic = translate(world, source, "ar", ARABIC_TITLE, ARABIC)
        french = translate(world, source, "fr", FRENCH_TITLE, FRENCH, final=False)
        return {"en": source.id, "es": spanish.id, "ar": arabic.id, "fr": french.id, "slug": source.slug,
                "es_slug": spanish.slug, "fr_slug": french.slug}


def _get(statement_id: int) -> Statement:
    return db.session.get(Statement, statement_id)


def logged_in(make_client, world, role):
    client = make_client()
    if role != "anonymous":
        client.login(world.emails[role])
    return client


def fetched(client, address):
    """Ask for a public file, let it be made in the background, and ask again."""
    first = client.get(address)
    if first.status_code == 202:
        wait_for_files()
        return client.get(address)
    return first


# --- a translation's own files ---------------------------------------------------------------------------------

def test_a_translations_pdf_has_its_text_and_words_in_spanish_and_the_sources_signatories(app, versions):
    with app.app_context():
        _, content = make(_get(versions["es"]))

    reader = read_pdf(content)
    text = flat("\n".join(page_texts(reader)))
    assert reader.metadata.title == SPANISH_TITLE and reader.trailer["/Root"]["/Lang"] == "es"
    assert SPANISH_TITLE in text and "Abrir vías regulares para las personas desplazadas" in text
    assert "Firmado por 3 organizaciones" in text and "Incluye 1 organización que pidió no figurar" in text
    assert NAMED in text and "Una organización de Nepal" in text and "Guatemala (1)" in text
    for absent in (COUNT_ONLY, COUNTRY_ONLY, "private-mail", "Governments must", "Signed by", "DRAFT", "BORRADOR"):
        assert absent not in text, absent
    assert missing_glyphs(reader) == set()


def test_a_translation_not_final_is_marked_a_draft_in_its_own_language(app, versions):
    with app.app_context():
        _, content = make(_get(versions["fr"]))

    pages = page_texts(read_pdf(content))
    assert "PROJET" in pages[0] and "Les gouvernements doivent protéger." in flat("\n".join(pages))
    assert all("PROJET" in page for page in pages[1:])


def test_a_translations_word_document_has_its_text_and_the_sources_signatories(app, versions):
    with app.app_context():
        _, content = make(_get(versions["es"]), kind="docx")

    document, text = docx_text(content)
    assert document.core_properties.title == SPANISH_TITLE and document.core_properties.language == "es"
    assert "Contar el desplazamiento en cada plan nacional de adaptación." in text
    assert "Firmado por 3 organizaciones" in text and NAMED in text and "Una organización de Nepal" in text
    assert COUNT_ONLY not in text and "private-mail" not in text


@pytest.mark.parametrize("role", ["member", "observer"])
def test_a_translations_print_view_keeps_the_sources_list_private_from_members(make_client, world, versions, role):
    page = plain(logged_in(make_client, world, role).get(f"/statements/{versions['es']}/print")
                 .get_data(as_text=True))
    assert SPANISH_TITLE in page and "Firmado por 3 organizaciones" in page
    assert "La lista de organizaciones firmantes" in page
    for name in (NAMED, "Nepal", COUNTRY_ONLY, COUNT_ONLY):
        assert name not in page, name


def test_a_translations_print_view_names_the_sources_signatories_to_its_coordinators(make_client, world,
                                                                                    versions):
    response = logged_in(make_client, world, "coordinator").get(f"/statements/{versions['ar']}/print")
    page = html.unescape(response.get_data(as_text=True))
    assert '<html lang="ar" dir="rtl">' in page and ARABIC_TITLE in page
    assert NAMED in page and "منظمة في نيبال" in page and COUNT_ONLY not in page


def test_the_export_page_of_a_translation_says_what_the_file_holds(make_client, world, versions):
    page = plain(logged_in(make_client, world, "coordinator").get(f"/statements/{versions['es']}/export")
                 .get_data(as_text=True))
    assert "The Spanish text, revision 2, with its title and summary; dates, page numbers and country names in " \
           "Spanish." in page
    assert f"The signatories of “ {TITLE} ”, the statement it translates (one list for every version): " \
           "3 organizations." in page
    assert "All final versions in one PDF" not in page and "not final" not in page


def test_the_export_page_of_a_draft_translation_warns_of_the_draft_mark_in_its_language(make_client, world,
                                                                                       versions):
    page = plain(logged_in(make_client, world, "coordinator").get(f"/statements/{versions['fr']}/export")
                 .get_data(as_text=True))
    assert "The text is not final: the file will be marked “ PROJET ” on every page" in page


def test_a_translation_in_a_language_without_file_words_gets_english_ones(app, world, versions):
    with app.app_context():
        german = translate(world, _get(versions["en"]), "de", "Schutz für Menschen, die fliehen", SPANISH)
        _, content = make(german)
        unknown = _get(versions["fr"])
        unknown.language = "zz"  # a code no list knows, as a script could have stored it
        db.session.commit()
        _, unknown_content = make(unknown)

    assert "Signed by 3 organizations" in text_of(content) and "An organization in Nepal" in text_of(content)
    assert "Signed by 3 organizations" in text_of(unknown_content)


# --- the PDF of all versions -----------------------------------------------------------------------------------

def _version_starts(pages: list[str]) -> dict[str, int]:
    """The page on which each version's title stands."""
    return {language: next(index for index, page in enumerate(pages) if title in flat(page))
            for language, title in (("en", TITLE), ("ar", ARABIC_TITLE), ("es", SPANISH_TITLE))}


def test_the_pdf_of_all_versions_has_each_final_version_from_a_new_page_then_the_list_once(app, versions,
                                                                                           tmp_path):
    with app.app_context():
        export, content = make(_get(versions["en"]), versions="all")
        assert services.download_name(export, _get(versions["en"])) == f"{versions['slug']}-all-languages.pdf"
    (tmp_path / "all.pdf").write_bytes(content)

    reader = read_pdf(content)
    pages = page_texts(reader)
    starts = _version_starts(pages)
    assert starts["en"] == 0 < starts["ar"] < starts["es"]  # the source, then the translations by language
    assert "Governments must" not in flat(pages[starts["ar"]]) and "نطالب" not in flat(pages[starts["ar"] - 1])
    assert ARABIC_TITLE not in flat(pages[starts["es"]]) and "Los gobiernos" not in flat(pages[starts["es"] - 1])
    arabic_page = reader.pages[starts["ar"]]
    assert left_edges(arabic_page)["•"] > 0.5 and left_edges(reader.pages[0])["•"] < 0.5  # right to left
    assert "الصفحة" in pages[starts["ar"]] and "página" in pages[starts["es"]] and "page 1 of" in pages[0]
    assert [index for index, page in enumerate(pages) if "Signed by 3 organizations" in flat(page)] == \
        [len(pages) - 1]  # once, at the end, in the source's words
    everything = flat("\n".join(pages))
    assert "Firmado por" not in everything and "وقّعت" not in everything
    assert FRENCH_TITLE not in everything and "Les gouvernements" not in everything  # not final: left out
    assert NAMED in everything and COUNT_ONLY not in everything
    assert reader.metadata.title == TITLE and reader.trailer["/Root"]["/Lang"] == "en"
    assert missing_glyphs(reader) == set()


def test_a_translation_reopened_leaves_the_pdf_of_all_versions_at_once(app, world, versions):
    with app.app_context():
        first, _ = make(_get(versions["en"]), versions="all")
        drafts.transition(coordinator(world), _get(versions["es"]), "draft")
        db.session.commit()
        second, content = make(_get(versions["en"]), versions="all")
        assert second.id != first.id

    text = text_of(content)
    assert ARABIC_TITLE in flat(text) and SPANISH_TITLE not in flat(text)


def test_coordinators_choose_all_versions_on_the_sources_export_page_and_download_one_pdf(make_client, world,
                                                                                          versions):
    client = logged_in(make_client, world, "coordinator")
    page = plain(client.get(f"/statements/{versions['en']}/export").get_data(as_text=True))
    assert "All final versions in one PDF" in page
    assert f"{SPANISH_TITLE} (Spanish): Final and up to date: in the PDF of all versions." in page
    assert f"{FRENCH_TITLE} (French): Not final yet: left out." in page
    assert f"{ARABIC_TITLE} (Arabic): Final and up to date" in page
    response = client.submit(f"/statements/{versions['en']}/export", {"kind": "pdf", "group_by": "country",
                                                                       "page_size": "a4", "versions": "all"})
    assert response.status_code == 302
    wait_for_files()
    ready = plain(client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"Download {versions['slug']}-all-languages.pdf" in ready
    download = client.get(response.headers["Location"] + "/download")
    assert download.headers["Content-Disposition"].endswith(f"{versions['slug']}-all-languages.pdf")
    assert SPANISH_TITLE in flat(text_of(download.data))


@pytest.mark.parametrize("statement, form, message", [
    ("es", {"kind": "pdf", "versions": "all"}, "All versions in one file are exported from the statement they "
                                               "translate"),
    ("en", {"kind": "docx", "versions": "all"}, "All versions in one file come as a PDF"),
    ("en", {"kind": "pdf", "versions": "every"}, "Not a valid choice"),
    ("en", {"kind": "pdf", "versions": "x" * 5000}, "Not a valid choice"),
])
def test_a_choice_of_versions_that_cannot_be_made_is_refused_with_a_reason(app, make_client, world, versions,
                                                                          statement, form, message):
    client = logged_in(make_client, world, "coordinator")
    with app.app_context():
        before = db.session.scalars(select(ExportFile.id)).all()
    response = client.submit(f"/statements/{versions[statement]}/export",
                             {"group_by": "country", "page_size": "a4", **form})
    assert response.status_code == 400 and message in plain(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalars(select(ExportFile.id)).all() == before


def test_the_source_page_offers_no_choice_while_no_translation_is_final(app, make_client, world):
    with app.app_context():
        source = open_statement(world, title=TITLE)
        translate(world, source, "es", SPANISH_TITLE, SPANISH, final=False)
        source_id = source.id
    page = plain(logged_in(make_client, world, "coordinator").get(f"/statements/{source_id}/export")
                 .get_data(as_text=True))
    assert "Not final yet: left out." in page and "All final versions in one PDF" not in page


# --- the public files ------------------------------------------------------------------------------------------

def test_nothing_is_public_before_publication(make_client, world, versions):
    client = make_client()
    for address in (f"/s/{versions['slug']}/all-languages.pdf", f"/s/{versions['es_slug']}/statement.pdf",
                    f"/s/{versions['slug']}/statement.pdf"):
        assert client.get(address).status_code == 404, address


@pytest.mark.parametrize("role", ["anonymous", "observer", "member", "coordinator", "admin", "outsider"])
def test_once_published_everyone_gets_the_pdf_of_all_versions_cached_only_while_true(app, make_client, world,
                                                                                    versions, role):
    with app.app_context():
        publish(world, _get(versions["en"]))
    client = logged_in(make_client, world, role)
    address = f"/s/{versions['slug']}/all-languages.pdf"
    response = fetched(client, address)
    # (every answer to a logged-in person is private, as everywhere)
    cached = "public, no-cache" if role == "anonymous" else "private, no-store"
    assert response.status_code == 200 and response.headers["Cache-Control"] == cached
    assert response.headers["Content-Disposition"].endswith(f"{versions['slug']}-all-languages.pdf")
    assert client.get(address, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    text = flat(text_of(response.data))
    assert TITLE in text and SPANISH_TITLE in text and ARABIC_TITLE in text
    assert NAMED in text and COUNT_ONLY not in text and "private-mail" not in text


def test_a_published_translations_public_pdf_names_only_those_the_public_sees(app, make_client, world, versions):
    with app.app_context():
        publish(world, _get(versions["en"]))
    client = make_client()
    response = fetched(client, f"/s/{versions['es_slug']}/statement.pdf")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, no-cache"
    text = flat(text_of(response.data))
    assert SPANISH_TITLE in text and "Firmado por 3 organizaciones" in text
    assert NAMED in text and "Una organización de Nepal" in text
    assert COUNT_ONLY not in text and COUNTRY_ONLY not in text and "private-mail" not in text
    assert "Lucía" not in text


@pytest.mark.parametrize("address", ["/s/{es_slug}/all-languages.pdf", "/s/{fr_slug}/statement.pdf",
                                     "/s/{fr_slug}/all-languages.pdf", "/s/no-such-statement/all-languages.pdf",
                                     "/s/" + "x" * 500 + "/all-languages.pdf"])
def test_only_the_sources_address_and_final_versions_give_public_files(app, make_client, world, versions,
                                                                       address):
    with app.app_context():
        publish(world, _get(versions["en"]))
    assert make_client().get(address.format(**versions)).status_code == 404


def test_a_translation_behind_the_published_text_has_no_public_pdf(app, make_client, world, versions):
    with app.app_context():
        spanish = _get(versions["es"])
        drafts.transition(coordinator(world), spanish, "draft")
        db.session.commit()
        publish(world, _get(versions["en"]))
    assert make_client().get(f"/s/{versions['es_slug']}/statement.pdf").status_code == 404


def test_the_public_page_links_to_both_pdfs_once_published(app, make_client, world, versions):
    client = make_client()
    address = f"/s/{versions['slug']}"
    assert "all-languages.pdf" not in client.get(address).get_data(as_text=True)
    with app.app_context():
        publish(world, _get(versions["en"]))
    page = client.get(address).get_data(as_text=True)
    assert f'href="/s/{versions["slug"]}/statement.pdf">Download the PDF</a>' in page
    assert f'href="/s/{versions["slug"]}/all-languages.pdf">Every language in one PDF</a>' in page


@pytest.mark.parametrize("role, status", [("outsider", 404), ("observer", 403), ("member", 403),
                                          ("anonymous", 302)])
def test_a_translations_export_page_is_for_its_groups_coordinators_and_staff(make_client, world, versions, role,
                                                                            status):
    client = logged_in(make_client, world, role)
    assert client.get(f"/statements/{versions['es']}/export").status_code == status
    assert client.post(f"/statements/{versions['es']}/export", data={"versions": "all"}).status_code in (status, 400)


def test_a_new_signature_on_the_source_makes_new_files_of_its_translations(app, world, versions):
    with app.app_context():
        first = make(_get(versions["es"]))[0].id
        sign(world, _get(versions["en"]), "Sindicato Nacional de Trabajadoras", "MX")
        second, content = make(_get(versions["es"]))
        assert second.id != first

    assert "Sindicato Nacional de Trabajadoras" in text_of(content)


def test_a_public_version_s_page_links_to_its_own_pdf_and_to_every_language(app, make_client, world, versions):
    client = make_client()
    with app.app_context():
        publish(world, _get(versions["en"]))
    page = client.get(f"/s/{versions['es_slug']}").get_data(as_text=True)
    assert f'href="/s/{versions["es_slug"]}/statement.pdf">' in page  # the Spanish file, from the Spanish page
    assert f'href="/s/{versions["slug"]}/all-languages.pdf">' in page
    assert fetched(client, f"/s/{versions['es_slug']}/statement.pdf").status_code == 200
