"""The PDF read back: what it says about itself, every name in its own script, the count, the page
numbers, what it must never contain, the draft mark, the grouping and the paper size."""

from datetime import date

import pytest
from markupsafe import Markup

from statements.drafts.models import Statement
from statements.export import services
from statements.export.pdf import ExportData, Signatory, render_pdf
from statements.extensions import db
from tests.export.build import admin, make, open_statement, sign
from tests.export.pdfs import flat, missing_glyphs, page_texts, read_pdf, tagged, text_of

#: names whose text comes back out of the PDF exactly as typed
NAMES = {
    "Asociación de Trabajadoras del Hogar": "GT",
    "Ñandutí Mujeres Trabajadoras": "PY",
    "Kadın Emeği ve İstihdamı Girişimi": "TR",
    "Związek Zawodowy Pracowników Domowych": "PL",
    "Hội Phụ nữ Di cư Việt Nam": "VN",
    "Женский союз мигранток": "KG",
    "Γυναίκες Μετανάστριες Ελλάδας": "GR",
    "جمعية النساء العاملات": "EG",
    "ארגון עובדות הבית": "IL",
    "สมาคมแรงงานหญิงข้ามชาติ": "TH",
    "ሴቶች ሠራተኞች ማህበር": "ET",
    "ქალთა კავშირი": "GE",
    "日本女性労働組合": "JP",
    "한국여성노동자회": "KR",
    "香港家務工會": "HK",
    'Mujeres <b>Unidas</b> & "Sindicato" l\'Union 🌱✊🏽': "CL",
}
#: scripts whose vowel signs are drawn before the consonant they follow: text extraction gives
#: them back in drawing order, so for these the test is that every glyph was drawn
REORDERED = {
    "महिला श्रमिक संघ": "IN",
    "নারী শ্রমিক কেন্দ্র": "BD",
    "பெண் தொழிலாளர் சங்கம்": "LK",
}
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def test_the_pdf_says_what_it_is_in_the_statements_language_and_is_tagged(app, world):
    with app.app_context():
        services.save_network_settings(admin(world), "Red Global de Mujeres Migrantes", None)
        statement = open_statement(world, title="Protección para las personas que se desplazan", language="es")
        sign(world, statement, "Asociación de Trabajadoras del Hogar")
        _, content = make(statement)

    reader = read_pdf(content)
    assert reader.metadata.title == "Protección para las personas que se desplazan"
    assert reader.metadata.author == "Red Global de Mujeres Migrantes"
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert tagged(reader), "no /MarkInfo /Marked true with a /StructTreeRoot: the PDF is not tagged"


def test_every_signatory_is_named_in_its_own_script_and_every_character_is_drawn(app, world):
    with app.app_context():
        statement = open_statement(world)
        for name, country in {**NAMES, **REORDERED}.items():
            sign(world, statement, name, country)
        _, content = make(statement)

    reader = read_pdf(content)
    text = flat("\n".join(page_texts(reader)))
    for name in NAMES:
        assert flat(name) in text, f"{name!r} is not in the PDF's text"
    assert "<b>Unidas</b> &" in text  # printed as typed, not read as markup
    assert missing_glyphs(reader) == set(), "characters drawn as empty boxes: no font has them"


def test_a_character_no_font_has_is_found_drawn_as_an_empty_box(app):
    """The check above can fail: a character no font has is reported."""
    with app.app_context():
        data = services.with_labels(ExportData("Network", "Title", "en", Markup("<p>Text.</p>"), date(2026, 11, 1), 1,
                                               True, [Signatory("Unassigned \u0378 here", "Chile", "Other")]))
    content, _ = render_pdf(data)
    assert missing_glyphs(read_pdf(content)) == {"\u0378"}


def test_the_running_header_prints_the_title_and_the_network_as_typed(app, world):
    with app.app_context():
        services.save_network_settings(admin(world), "Migrants & Workers \\ “Red” Network", None)
        statement = open_statement(world, title='Women & Work: "Safe" <jobs> for l\'avenir </style>')
        sign(world, statement, "Red de Mujeres Migrantes")
        _, content = make(statement)

    header = page_texts(read_pdf(content))[1]  # the first page has the masthead instead
    assert 'Women & Work: "Safe" <jobs> for l\'avenir </style>' in header
    assert "Migrants & Workers \\ “Red” Network" in header
    assert "&amp;" not in header and "&#39;" not in header


def test_the_count_line_and_page_numbers(app, world):
    with app.app_context():
        statement = open_statement(world)
        for number, name in enumerate(["Red de Mujeres Migrantes", "Kenya Domestic Workers Union",
                                       "Ñandutí Mujeres Trabajadoras"]):
            sign(world, statement, name, ["GT", "KE", "PY"][number])
        sign(world, statement, "Waiting For Approval Collective", "PE", approve=False)
        export, content = make(statement)

    reader = read_pdf(content)
    pages = page_texts(reader)
    assert "Signed by 3 organizations" in flat("\n".join(pages))
    assert "Waiting For Approval" not in "\n".join(pages)
    assert len(pages) == export.pages >= 2
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text, f"page {number} has no page number: {text!r}"


def test_one_organization_is_one_not_one_organizations(app, world):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        _, content = make(statement)
    assert "Signed by 1 organization\n" in text_of(content)


def test_organizations_that_asked_not_to_be_named_are_counted_or_listed_by_country_as_on_the_web(app, world):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes", "GT")
        sign(world, statement, "Count Only Sisters Collective", "KE", visibility="count")
        sign(world, statement, "Country Only Workers Forum", "NP", visibility="country")
        _, content = make(statement)

    text = flat(text_of(content))
    assert "Signed by 3 organizations" in text
    assert "Including 1 organization that asked not to be listed." in text
    assert "Red de Mujeres Migrantes" in text
    assert "Nepal (1) An organization in Nepal" in text
    for hidden in ("Count Only", "Country Only", "Kenya"):
        assert hidden not in text


def test_no_contact_name_or_email_anywhere_in_the_file(app, world):
    contacts = [("Marisol Quispe Huanca", "marisol.quispe@private-mail.example"),
                ("Ayşe Yılmaz Demir", "ayse.yilmaz@private-mail.example"),
                ("Thandiwe Nkosi Mbeki", "thandiwe@private-mail.example")]
    with app.app_context():
        statement = open_statement(world)
        for number, (person, email) in enumerate(contacts):
            sign(world, statement, f"Organization Number {number + 1}", "ZA", contact_name=person,
                 contact_email=email, visibility=["named", "country", "count"][number])
        _, content = make(statement)

    reader = read_pdf(content)
    everything = "\n".join(page_texts(reader)) + repr(dict(reader.metadata)) + content.decode("latin-1")
    assert "Organization Number 1" in everything
    for person, email in contacts:
        assert person not in everything and person.split()[0] not in everything
        assert email not in everything and "private-mail" not in everything


def test_a_text_that_is_not_final_is_marked_draft_on_every_page(app, world):
    with app.app_context():
        statement = db.session.get(Statement, world.statement_id)  # a draft of two revisions, never final
        _, content = make(statement)

    pages = page_texts(read_pdf(content))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "DRAFT" in text, f"page {number} is not marked draft: {text!r}"
    assert "DRAFT: this text is not final (revision 2)." in pages[0]
    assert "need legal protection now." in pages[0] and "need protection." not in pages[0]


def test_a_final_text_is_not_marked_draft(app, world):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        _, content = make(statement)
    text = text_of(content)
    assert "DRAFT" not in text.upper()


SIGNATORIES = [("Oxfam Kenya Partners", "KE"), ("Red de Mujeres Migrantes", "GT"),
               ("Ñandutí Mujeres Trabajadoras", "PY"), ("Asociación de Trabajadoras del Hogar", "GT"),
               ("Zonal Farmworkers Union", "KE")]


def _positions(text: str, names: list[str]) -> list[int]:
    found = [text.find(name) for name in names]
    assert -1 not in found, (names, text)
    return found


def test_grouped_by_country_countries_and_names_in_alphabetical_order(app, world):
    with app.app_context():
        statement = open_statement(world)
        for name, country in SIGNATORIES:
            sign(world, statement, name, country)
        _, content = make(statement, group_by="country")

    text = flat(text_of(content))
    assert _positions(text, ["Guatemala (2)", "Asociación de Trabajadoras", "Red de Mujeres", "Kenya (2)",
                             "Oxfam Kenya", "Zonal Farmworkers", "Paraguay (1)", "Ñandutí"]) == sorted(
        _positions(text, ["Guatemala (2)", "Asociación de Trabajadoras", "Red de Mujeres", "Kenya (2)",
                          "Oxfam Kenya", "Zonal Farmworkers", "Paraguay (1)", "Ñandutí"]))


def test_one_alphabetical_list_names_each_country_beside_the_name(app, world):
    with app.app_context():
        statement = open_statement(world)
        for name, country in SIGNATORIES:
            sign(world, statement, name, country)
        _, content = make(statement, group_by="alphabetical")

    text = flat(text_of(content))
    order = ["Asociación de Trabajadoras", "Ñandutí", "Oxfam Kenya", "Red de Mujeres", "Zonal Farmworkers"]
    assert _positions(text, order) == sorted(_positions(text, order))  # Ñ sorts with N, not after Z
    assert "Guatemala (" not in text and "Kenya (" not in text
    assert "Ñandutí Mujeres Trabajadoras · Paraguay" in text


@pytest.mark.parametrize("page_size, expected", [("a4", A4), ("letter", LETTER)])
def test_paper_size(app, world, page_size, expected):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        _, content = make(statement, page_size=page_size)

    for page in read_pdf(content).pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(expected, abs=0.5)


def test_the_summary_is_printed_under_the_title_before_the_text(app, world):
    with app.app_context():
        statement = open_statement(world, title="Protection for people who move")
        statement.summary = "A call on governments to protect people displaced by climate change."
        db.session.commit()
        _, content = make(statement)
    first = flat(page_texts(read_pdf(content))[0])
    title, summary = first.find("Protection for people who move"), first.find("A call on governments to protect")
    assert 0 <= title < summary, first[:400]


def signatories_pages(content: bytes, heading: str = "Signed by") -> list[str]:
    """The text of each page of the list of signatories, from the one its heading is on."""
    pages = page_texts(read_pdf(content))
    first = next(number for number, text in enumerate(pages) if heading in text)
    return pages[first:]


@pytest.mark.parametrize("language, heading, continued", [("en", "Signed by", "{} (continued)"),
                                                          ("es", "Firmado por", "{} (continuación)")])
def test_a_page_whose_first_names_go_on_from_the_page_before_says_whose_they_are(app, world, language, heading,
                                                                                 continued):
    from tests.signons.pages import add_signon

    with app.app_context():
        statement = open_statement(world, language=language, slug=f"long-list-{language}")
        for country, count in (("KE", 140), ("PH", 260), ("GT", 3), ("NP", 140)):
            for number in range(count):
                add_signon(statement, f"{country} Workers Collective {number:03}", country)
        db.session.commit()
        _, content = make(statement)

    pages = [flat(text) for text in signatories_pages(content, heading)]
    assert len(pages) >= 3
    countries = {"KE": "Kenya", "PH": "Philippines", "NP": "Nepal", "GT": "Guatemala"}
    if language == "es":
        countries = {"KE": "Kenia", "PH": "Filipinas", "NP": "Nepal", "GT": "Guatemala"}
    said = [[code for code, name in countries.items() if continued.format(name) in text] for text in pages]
    assert said[0] == []  # the list's first page begins with its heading
    assert all(len(codes) <= 1 for codes in said) and any(said[1:]), said
    for text, codes in zip(pages[1:], said[1:]):
        first_name = text[text.index("Workers Collective") - 3:][:2]
        if codes:  # the first names on the page are of that country, with no heading above them
            assert first_name == codes[0], (codes, text[:200])
        else:  # the page begins with a country's heading
            assert text.index("Workers Collective") > min(text.find(f"{name} (") for name in countries.values()
                                                          if f"{name} (" in text)
    # a country of a few names is never split from its heading or from itself
    holding = [text for text in pages if "GT Workers Collective" in text]
    assert len(holding) == 1 and all(f"GT Workers Collective {n:03}" in holding[0] for n in range(3))
