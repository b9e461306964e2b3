"""The Word document read back: what it says about itself, the text, the names, the paper, the
draft mark, and never a contact detail."""

import pytest
from docx.oxml.ns import qn
from docx.shared import Inches, Mm

from statements.drafts.models import Statement
from statements.extensions import db
from tests.export.build import make, open_statement, sign
from tests.export.pdfs import docx_text


def test_the_word_document_has_the_title_text_and_names_and_no_contact_details(app, world):
    with app.app_context():
        statement = open_statement(world, title="Protección para las personas que se desplazan", language="es")
        sign(world, statement, "Asociación de Trabajadoras del Hogar", "GT", contact_name="Marisol Quispe Huanca",
             contact_email="marisol.quispe@private-mail.example")
        sign(world, statement, "Kadın Emeği ve İstihdamı Girişimi", "TR", contact_name="Ayşe Yılmaz Demir")
        sign(world, statement, "日本女性労働組合", "JP")
        sign(world, statement, "Count Only Sisters Collective", "KE", visibility="count")
        _, content = make(statement, kind="docx")

    document, text = docx_text(content)
    assert document.core_properties.title == "Protección para las personas que se desplazan"
    assert document.core_properties.language == "es"
    paragraphs = [p.text for p in document.paragraphs]
    title = paragraphs.index("Protección para las personas que se desplazan")
    assert paragraphs[title + 1] == "A call on governments."  # the summary, under the title
    assert "Governments must guarantee legal protection to people who move" in text
    assert "Open regular pathways for people displaced by disasters." in text
    for name in ("Asociación de Trabajadoras del Hogar", "Kadın Emeği ve İstihdamı Girişimi", "日本女性労働組合"):
        assert name in text
    assert "Firmado por 4 organizaciones" in text  # the statement is in Spanish: so are the file's own words
    assert "Incluye 1 organización que pidió no figurar en la lista." in text
    assert "Count Only" not in text
    for private in ("Marisol", "Quispe", "Ayşe", "private-mail", "@"):
        assert private not in text
    assert "DRAFT" not in text


def test_a_draft_word_document_says_draft_at_the_top_of_every_page(app, world):
    with app.app_context():
        _, content = make(db.session.get(Statement, world.statement_id), kind="docx")

    document, text = docx_text(content)
    assert "DRAFT" in document.sections[0].header.paragraphs[0].text
    assert not document.sections[0].different_first_page_header_footer
    assert "DRAFT: this text is not final (revision 2)." in text
    assert "No organization has signed yet." in text


@pytest.mark.parametrize("page_size, width, height", [("a4", Mm(210), Mm(297)), ("letter", Inches(8.5), Inches(11))])
def test_the_word_document_is_on_the_paper_chosen(app, world, page_size, width, height):
    with app.app_context():
        _, content = make(open_statement(world), kind="docx", page_size=page_size)

    section = docx_text(content)[0].sections[0]
    assert abs(section.page_width - width) < Mm(1) and abs(section.page_height - height) < Mm(1)


def _with_fields(paragraph) -> str:
    """A paragraph's words, each Word field in it shown as {ITS INSTRUCTION}."""
    parts = []
    for child in paragraph._p:
        if child.tag == qn("w:r"):
            parts.append(child.text)
        elif child.tag == qn("w:fldSimple"):
            parts.append("{" + child.get(qn("w:instr")).strip() + "}")
    return "".join(parts)


@pytest.mark.parametrize("language, footer", [("en", "page {PAGE} of {NUMPAGES}"),
                                              ("es", "página {PAGE} de {NUMPAGES}")])
def test_every_page_of_the_word_document_says_page_n_of_m_in_the_statements_language(app, world, language, footer):
    with app.app_context():
        _, content = make(open_statement(world, language=language), kind="docx")

    section = docx_text(content)[0].sections[0]
    assert not section.different_first_page_header_footer and not section.footer.is_linked_to_previous
    assert [_with_fields(p) for p in section.footer.paragraphs] == [footer]


def test_headings_keep_their_bold_and_only_starred_words_are_marked_bold(app, world):
    text = "# Protection for people who move\n\n## What we ask\n\nStates must open **regular** pathways."
    with app.app_context():
        _, content = make(open_statement(world, text=text), kind="docx")
    document, _ = docx_text(content)
    heading = next(p for p in document.paragraphs if p.text == "What we ask")
    assert heading.style.name.startswith("Heading")
    assert all(run.bold is None for run in heading.runs)  # the heading style's bold, not switched off
    body = next(p for p in document.paragraphs if p.text == "States must open regular pathways.")
    assert [(run.text, run.bold) for run in body.runs] == [
        ("States must open ", None), ("regular", True), (" pathways.", None)]
