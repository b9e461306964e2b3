"""Files read back in the statement's language: the PDF, the Word document and the print view say
their own words (count, page numbers, date, draft mark, countries) in it, Arabic right to left; a language
the interface does not speak gets English words, marked as English."""

import re

from babel.dates import format_date
from docx.oxml.ns import qn

from statements.accounts.models import WorkingGroup
from statements.drafts import services as drafts
from statements.core.languages import direction_of
from statements.export.labels import words_language
from statements.extensions import db
from tests.export.build import coordinator, make, open_statement, sign
from tests.export.pdfs import docx_text, flat, left_edges, missing_glyphs, page_texts, read_pdf

SPANISH_TITLE = "Protección para las personas que se desplazan"
FRENCH_TITLE = "Protection des personnes qui se déplacent"
ARABIC_TITLE = "تمويل الخسائر والأضرار"
ARABIC_TEXT = "## نطالب\n\nيجب أن يصل تمويل الخسائر والأضرار إلى الناس الذين يتنقلون.\n\n- فتح مسارات نظامية."
LATIN_NAME = "Kenya Domestic Workers Union (KDWU)."


def _signed_statement(world, language: str, title: str):
    """A final statement signed by a union in Guatemala, one in Kenya, and one that gives only its count."""
    statement = open_statement(world, title=title, language=language)
    sign(world, statement, "Asociación de Trabajadoras del Hogar", "GT")
    sign(world, statement, "Kenya Domestic Workers Union", "KE")
    sign(world, statement, "Count Only Sisters Collective", "KE", visibility="count")
    return statement


def _signed_on(statement, language: str) -> str:
    return format_date(statement.final_revision.created_at.date(), "long", locale=words_language(language))


def _draft(world, language: str, title: str):
    """A statement still in draft (never final), with no signatures."""
    statement = drafts.create_statement(coordinator(world), db.session.get(WorkingGroup, world.group_id), title, "",
                                        language, "", "Un texto.")
    db.session.commit()
    return statement


def _has_right_to_left_line(text: str, sentence: str) -> bool:
    """Whether a line of the text reads as this Arabic sentence with numbers in it. pypdf gives the runs of a
    line in the order they are drawn, left to right (a number before the words it follows when read right to
    left): the line has the sentence's letters, and each of its stretches between numbers as it is."""
    pieces = [piece.strip() for piece in re.split(r"[\d().]+", sentence) if piece.strip()]
    return any(sorted(line.replace(" ", "")) == sorted(sentence.replace(" ", ""))
               and all(piece in line for piece in pieces) for line in text.splitlines())


def _assert_page_numbers(pages: list[str], wording: str) -> None:
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        expected = wording.format(page=number, pages=len(pages))
        if direction_of(wording) == "rtl":  # drawn "2 من 1 الصفحة": the numbers in the order drawn
            assert re.search(rf"{len(pages)}\s*من\s*{number}\s*الصفحة", text), f"page {number}: {text!r}"
        assert expected in text or _has_right_to_left_line(text, expected), f"page {number}: no {expected!r}: {text!r}"


def test_a_spanish_pdf_says_its_own_words_in_spanish(app, world):
    with app.app_context():
        statement = _signed_statement(world, "es", SPANISH_TITLE)
        _, content = make(statement)
        signed_on = _signed_on(statement, "es")

    reader = read_pdf(content)
    pages = page_texts(reader)
    text = flat("\n".join(pages))
    assert "Firmado por 3 organizaciones" in text
    assert "Incluye 1 organización que pidió no figurar en la lista." in text
    assert "Guatemala (1)" in text and "Kenia (1)" in text  # the country heading in Spanish
    assert signed_on in text and " de 20" in signed_on
    _assert_page_numbers(pages, "página {page} de {pages}")
    for english in ("Signed by", "organizations", "Including", "page 1 of", "Kenya (1)"):
        assert english not in text
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert missing_glyphs(reader) == set()


def test_a_french_pdf_says_its_own_words_in_french(app, world):
    with app.app_context():
        statement = _signed_statement(world, "fr", FRENCH_TITLE)
        _, content = make(statement, group_by="alphabetical")
        signed_on = _signed_on(statement, "fr")

    reader = read_pdf(content)
    pages = page_texts(reader)
    text = flat("\n".join(pages))
    assert "Signé par 3 organisations" in text
    assert "Dont 1 organisation qui a demandé à ne pas figurer dans la liste." in text
    assert "Kenya Domestic Workers Union · Kenya" in text
    assert signed_on in text
    _assert_page_numbers(pages, "page {page} sur {pages}")
    assert "Signed by" not in text and "of 2" not in text
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_a_french_draft_is_marked_projet_on_every_page(app, world):
    with app.app_context():
        _, content = make(_draft(world, "fr", FRENCH_TITLE))

    pages = page_texts(read_pdf(content))
    assert flat("PROJET\u00a0: ce texte n’est pas définitif (version 1).") in flat(pages[0])
    assert "Aucune organisation n’a encore signé." in flat("\n".join(pages))
    for number, text in enumerate(pages[1:], start=2):
        assert "PROJET" in text, f"page {number} is not marked as a draft: {text!r}"
    assert "DRAFT" not in "\n".join(pages)


def test_a_spanish_word_document_says_its_own_words_in_spanish(app, world):
    with app.app_context():
        statement = _signed_statement(world, "es", SPANISH_TITLE)
        _, content = make(statement, kind="docx")
        signed_on = _signed_on(statement, "es")

    document, text = docx_text(content)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Firmado por 3 organizaciones" in headings
    assert "Guatemala (1)" in headings and "Kenia (1)" in headings
    assert "Incluye 1 organización que pidió no figurar en la lista." in text
    assert "Asociación de Trabajadoras del Hogar · Sindicato u organización de personas trabajadoras" in text
    assert f"· {signed_on}" in text
    assert "Signed by" not in text and "Trade union" not in text
    text_language = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang")[0]
    assert text_language.get(qn("w:val")) == "es"  # spelling is checked in Spanish


def test_a_french_draft_word_document_says_projet(app, world):
    with app.app_context():
        _, content = make(_draft(world, "fr", FRENCH_TITLE), kind="docx")

    document, text = docx_text(content)
    assert document.sections[0].header.paragraphs[0].text.endswith(" · PROJET")
    assert "PROJET\u00a0: ce texte n’est pas définitif (version 1)." in text
    assert "Aucune organisation n’a encore signé." in text


def test_an_english_statement_keeps_its_english_words(app, world):
    with app.app_context():
        statement = _signed_statement(world, "en", "Protection for people who move")
        _, pdf = make(statement)
        _, word = make(statement, kind="docx")
        signed_on = _signed_on(statement, "en")

    pages = page_texts(read_pdf(pdf))
    text = flat("\n".join(pages))
    assert "Signed by 3 organizations" in text
    assert "Including 1 organization that asked not to be listed." in text
    assert "Kenya (1)" in text and signed_on in text
    _assert_page_numbers(pages, "page {page} of {pages}")
    word_text = docx_text(word)[1]
    assert "Signed by 3 organizations" in word_text and "Kenya (1)" in word_text
    assert "Kenya Domestic Workers Union · Trade union or workers' organization" in word_text
    assert f"· {signed_on}" in word_text


def test_a_new_language_makes_a_new_file_in_that_language(app, world, renders):
    with app.app_context():
        statement = _signed_statement(world, "en", "Protection for people who move")
        before, _ = make(statement)
        drafts.update_details(coordinator(world), statement, statement.title, statement.slug, "es", statement.summary)
        db.session.commit()
        after, content = make(statement)
        assert after.id != before.id
    assert renders == ["pdf", "pdf"]
    assert "Firmado por 3 organizaciones" in flat("\n".join(page_texts(read_pdf(content))))


def test_the_print_view_is_in_the_statements_language(app, client, world):
    with app.app_context():
        statement_id = _signed_statement(world, "es", SPANISH_TITLE).id
    client.login(world.emails["member"])

    page = client.get(f"/statements/{statement_id}/print").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "<h2>Firmado por 3 organizaciones</h2>" in page
    assert "Kenia" in page and "Signed by" not in page


def test_a_language_without_labels_is_marked_where_its_english_words_are(app, client, world):
    with app.app_context():
        statement_id = _signed_statement(world, "de", "Schutz für Menschen, die fliehen").id
    client.login(world.emails["member"])

    page = client.get(f"/statements/{statement_id}/print").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert '<h2 lang="en">Signed by 3 organizations</h2>' in page


def _arabic_statement(world, language: str = "ar"):
    """A final statement in Arabic, signed by one organization with a Latin name and one with an Arabic name."""
    statement = open_statement(world, title=ARABIC_TITLE, text=ARABIC_TEXT, language=language)
    sign(world, statement, LATIN_NAME, "KE")
    sign(world, statement, "جمعية العمال المهاجرين", "LB")
    return statement


ENGLISH_LABELS = ("Signed by", "organization", "Including", "page 1 of", "DRAFT", "Trade union", "Kenya")


def test_an_arabic_pdf_runs_right_to_left_says_its_own_words_in_arabic_and_draws_every_letter(app, world):
    with app.app_context():
        statement = _arabic_statement(world)
        sign(world, statement, "Count Only Sisters Collective", "KE", visibility="count")
        _, content = make(statement)
        signed_on = _signed_on(statement, "ar")

    reader = read_pdf(content)
    pages = page_texts(reader)
    text = flat("\n".join(pages))
    for words in ("نطالب", "يجب أن يصل تمويل الخسائر والأضرار إلى الناس الذين يتنقلون", "جمعية العمال المهاجرين"):
        assert words in text
    assert _has_right_to_left_line("\n".join(pages), "وقّعت على البيان 3 منظمات")
    assert _has_right_to_left_line("\n".join(pages), "من بينها منظمة واحدة طلبت عدم إدراج اسمها في القائمة.")
    assert "كينيا" in text and "لبنان" in text
    assert all(part in pages[0] for part in signed_on.split())
    _assert_page_numbers(pages, "الصفحة {page} من {pages}")
    for english in ENGLISH_LABELS:
        assert english not in text.replace("Kenya Domestic Workers Union", "")
    assert missing_glyphs(reader) == set()
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    first_page = left_edges(reader.pages[0])
    assert first_page["نطالب"] > 0.5 and first_page["•"] > 0.5  # heading and bullets on the right


def test_an_arabic_print_view_runs_right_to_left_its_arabic_words_unmarked_and_latin_names_left_to_right(
        app, client, world):
    with app.app_context():
        statement_id = _arabic_statement(world).id
    client.login(world.emails["member"])

    page = client.get(f"/statements/{statement_id}/print").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h2>وقّعت على البيان منظمتان</h2>" in page  # the page's own language: no lang of its own
    assert '"الصفحة " counter(page) " من " counter(pages)' in page
    assert f'<span dir="ltr">{LATIN_NAME}</span>' in page  # its closing bracket and full stop stay at its end
    assert "<li>جمعية العمال المهاجرين</li>" in page
    assert 'lang="en"' not in page and "Signed by" not in page


def test_an_arabic_draft_print_view_is_marked_as_a_draft_in_arabic(app, client, world):
    with app.app_context():
        statement_id = _draft(world, "ar", ARABIC_TITLE).id
    client.login(world.emails["member"])

    page = client.get(f"/statements/{statement_id}/print").get_data(as_text=True)
    assert "مسودة: هذا النص ليس نهائيًا (النسخة 1)." in page
    assert "لم توقّع أي منظمة بعد." in page
    assert "DRAFT" not in page


def test_an_arabic_word_document_has_right_to_left_paragraphs_and_arabic_words(app, world):
    with app.app_context():
        _, content = make(_arabic_statement(world, "ar-EG"), kind="docx")

    document, text = docx_text(content)
    right_to_left = {p.text for p in document.paragraphs if p._p.xpath("w:pPr/w:bidi")}
    assert {ARABIC_TITLE, "نطالب", "يجب أن يصل تمويل الخسائر والأضرار إلى الناس الذين يتنقلون.",
            "فتح مسارات نظامية.", "جمعية العمال المهاجرين · نقابة أو منظمة عمّالية", "وقّعت على البيان منظمتان",
            "كينيا (1)", "لبنان (1)"} <= right_to_left
    assert f"{LATIN_NAME} · نقابة أو منظمة عمّالية" in text
    for english in ENGLISH_LABELS:
        assert english not in text.replace("Kenya Domestic Workers Union", "")
    text_runs = [run for p in document.paragraphs if p.text == "نطالب" for run in p.runs]
    assert text_runs and all(run.font.rtl for run in text_runs)
    name = next(run for p in document.paragraphs for run in p.runs if run.text == LATIN_NAME)
    assert not name.font.rtl
    assert document.sections[0].header.paragraphs[0]._p.xpath("w:pPr/w:bidi")
    footer = document.sections[0].footer.paragraphs[0]
    assert footer._p.xpath("w:pPr/w:bidi") and footer.runs[0].text == "الصفحة " and footer.runs[0].font.rtl


def test_a_german_word_document_keeps_its_english_words_left_to_right(app, world):
    with app.app_context():
        _, content = make(_signed_statement(world, "de", "Schutz für Menschen, die fliehen"), kind="docx")

    document, text = docx_text(content)
    assert "Signed by 3 organizations" in text and "Kenya (1)" in text
    assert not document.element.xpath("//w:bidi | //w:rtl")


def test_an_english_word_document_has_no_right_to_left_paragraphs(app, world):
    with app.app_context():
        _, content = make(open_statement(world), kind="docx")

    document, _ = docx_text(content)
    assert not document.element.xpath("//w:bidi | //w:rtl")
