"""A corrected published statement's PDF, Word document and print view say "Corrected on <day>" with the
correction's note and where the corrections are listed; files made before the correction are not served."""

import pytest
from babel.dates import format_date
from sqlalchemy import select

from statements.accounts.models import User
from statements.drafts.models import Correction, Statement
from statements.export import services
from statements.export.pdf import render_html
from statements.extensions import db
from statements.signons import services as signons
from tests.export.build import TEXT, make, open_statement, publish, sign, wait_for_files
from tests.export.pdfs import docx_text, flat, read_pdf, text_of
from tests.signons.pages import plain

SLUG = "protection-for-people-who-move"
CORRECTED = TEXT.replace("floods, droughts and\nrising seas", "floods, droughts, fires and\nrising seas")
NOTE = "Added fires to the list of disasters"
ADDRESS = f"http://localhost/s/{SLUG}/corrections"


def _correct(world, statement: Statement, text: str = CORRECTED, note: str = NOTE) -> Correction:
    coordinator = db.session.get(User, world.user_ids["coordinator"])
    signons.correct_published_text(coordinator, statement, statement.latest_number, text, note)
    db.session.commit()
    return db.session.scalars(select(Correction).order_by(Correction.id.desc())).first()


def _day(correction: Correction) -> str:
    return format_date(correction.created_at.date(), format="long", locale="en")  # "December 4, 2026"


@pytest.fixture
def published(app, world):
    with app.app_context():
        statement = open_statement(world, slug=SLUG)
        sign(world, statement, "Red de Mujeres Migrantes")
        publish(world, statement)
        return statement.id


def test_the_pdf_of_a_corrected_statement_says_when_and_why_and_where_the_corrections_are(app, world, published):
    with app.app_context():
        statement = db.session.get(Statement, published)
        _export, before = make(statement)
        assert "Corrected on" not in text_of(before)
        correction = _correct(world, statement)
        export, content = make(statement)
        reader = read_pdf(content)
        first_page = flat(reader.pages[0].extract_text())
        assert f"Corrected on {_day(correction)}: {NOTE}" in first_page
        assert f"Every correction, word by word: {ADDRESS}" in first_page.replace(f"{ADDRESS[:30]} ", ADDRESS[:30])
        assert "droughts, fires and rising seas" in first_page
        assert "Red de Mujeres Migrantes" in flat(text_of(content))


def test_the_word_document_of_a_corrected_statement_says_so(app, world, published):
    with app.app_context():
        statement = db.session.get(Statement, published)
        correction = _correct(world, statement)
        _export, content = make(statement, "docx")
        document, text = docx_text(content)
        assert f"Corrected on {_day(correction)}: {NOTE}" in text
        assert f"Every correction, word by word: {ADDRESS}" in text
        paragraph = next(p for p in document.paragraphs if p.text.startswith("Corrected on"))
        assert paragraph.runs[0].bold  # the date stands out; the note is the coordinator's words
        assert "fires" in text


def test_the_print_view_of_a_corrected_statement_says_so(app, make_client, world, published):
    client = make_client()
    client.login(world.emails["coordinator"])
    assert "Corrected on" not in plain(client.get(f"/statements/{published}/print").get_data(as_text=True))
    with app.app_context():
        correction = _correct(world, db.session.get(Statement, published))
        day = _day(correction)
    page = client.get(f"/statements/{published}/print")
    assert page.status_code == 200
    words = plain(page.get_data(as_text=True)).replace(" :", ":")  # (a tag ends before the colon)
    assert f"Corrected on {day}: {NOTE}" in words and ADDRESS in words
    assert f'<a href="{ADDRESS}">{ADDRESS}</a>' in page.get_data(as_text=True)


def test_a_note_is_printed_as_text_not_markup(app, world, published):
    with app.app_context():
        statement = db.session.get(Statement, published)
        _correct(world, statement, note="<b>Fixed</b> & <script>x</script>")
        data, _text = services.export_data(statement)
        html = render_html(data)
        assert "&lt;b&gt;Fixed&lt;/b&gt; &amp; &lt;script&gt;" in html and "<script>x" not in html


def test_the_file_keeps_the_day_it_was_first_published(app, world, published):
    with app.app_context():
        statement = db.session.get(Statement, published)
        first_day = statement.final_revision.created_at.date()
        correction = _correct(world, statement)
        later = correction.created_at.replace(year=2030)
        correction.created_at = statement.final_revision.created_at = later
        db.session.commit()
        data, _text = services.export_data(statement)
        assert data.signed_on == first_day and data.corrected_on == later.date()
        assert data.labels.signed_on != data.labels.corrected_on


def test_a_spanish_statement_says_it_in_spanish(app, world):
    with app.app_context():
        statement = open_statement(world, title="Protección para quienes se desplazan", language="es",
                                   slug="proteccion")
        publish(world, statement)
        correction = _correct(world, statement, text=TEXT + "\nMás.\n", note="Añadimos una frase")
        _export, content = make(statement)
        words = flat(text_of(content))
        assert "Corregida el " in words and "Añadimos una frase" in words
        assert "/s/proteccion/corrections" in words.replace(" ", "")
        assert "Corrected on" not in words and correction.created_at.strftime("%Y") in words


def test_the_public_pdf_cached_before_the_correction_is_not_served_after_it(app, client, world, published):
    assert client.get(f"/s/{SLUG}/statement.pdf").status_code == 202
    wait_for_files()
    old = client.get(f"/s/{SLUG}/statement.pdf")
    assert old.status_code == 200 and "Corrected on" not in text_of(old.data)
    with app.app_context():
        _correct(world, db.session.get(Statement, published))
    assert client.get(f"/s/{SLUG}/statement.pdf").status_code == 202  # being made again, the old one not served
    wait_for_files()
    new = client.get(f"/s/{SLUG}/statement.pdf")
    assert new.status_code == 200 and new.headers["ETag"] != old.headers["ETag"]
    assert NOTE in flat(text_of(new.data))


def test_a_file_made_by_the_previous_layout_is_made_again(app, world, published, monkeypatch):
    """Files of a corrected text made before files said "Corrected on" (an earlier layout) are not reused."""
    with app.app_context():
        statement = db.session.get(Statement, published)
        _correct(world, statement)
        monkeypatch.setattr(services, "LAYOUT_VERSION", services.LAYOUT_VERSION - 1)
        earlier, _content = make(statement)
        monkeypatch.undo()
        export, started = services.request_export(statement)
        assert started and export.id != earlier.id
