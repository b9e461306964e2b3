"""Export in a real browser: a coordinator makes the PDF from the form, waits on the progress page
(which shows the file by itself when it is ready), and downloads it; and the export pages are
accessible and fit a phone and a desktop."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from statements.export import pdf
from statements.export.models import ExportFile
from statements.extensions import db
from tests.browser.conftest import check_page, log_in
from tests.export.build import open_statement, sign, wait_for_files
from tests.export.pdfs import read_pdf, tagged, text_of

TITLE = "Protection for people who move"


def _statement_with_signatories(app, world) -> int:
    with app.app_context():
        statement = open_statement(world, title=TITLE)
        sign(world, statement, "Asociación de Trabajadoras del Hogar", "GT")
        sign(world, statement, "Kadın Emeği ve İstihdamı Girişimi", "TR")
        sign(world, statement, "Hội Phụ nữ Di cư Việt Nam", "VN", contact_email="hoa@private-mail.example")
        return statement.id


def test_a_coordinator_exports_waits_and_downloads_the_pdf(app, page, world, held_renders, tmp_path):
    statement_id = _statement_with_signatories(app, world)
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}")
    page.get_by_role("navigation", name="Statement").get_by_role("link", name="Export").click()

    expect(page.get_by_role("heading", name="Export the statement with its signatories")).to_be_visible()
    check_page(page, "export form")
    page.get_by_role("group", name="Paper").get_by_label("US Letter").check()
    page.get_by_role("button", name="Make the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Making the file…")
    check_page(page, "export progress while making")
    held_renders.set()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your file is ready", timeout=120_000)
    check_page(page, "export progress ready")
    with page.expect_download() as started:
        page.get_by_role("link", name=f"Download {_slug(app, statement_id)}.pdf").click()
    download = started.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    content = path.read_bytes()
    assert download.suggested_filename == f"{_slug(app, statement_id)}.pdf"
    reader = read_pdf(content)
    assert tagged(reader) and reader.metadata.title == TITLE
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612, abs=0.5)  # the paper chosen: Letter
    text = text_of(content)
    for name in ("Asociación de Trabajadoras del Hogar", "Kadın Emeği ve İstihdamı Girişimi",
                 "Hội Phụ nữ Di cư Việt Nam"):
        assert name in text
    assert "private-mail" not in text
    with app.app_context():
        exports = db.session.scalars(select(ExportFile).where(ExportFile.statement_id == statement_id)).all()
        assert [(export.kind, export.status) for export in exports] == [("pdf", "done")]


def test_the_progress_page_says_when_a_file_could_not_be_made(app, page, world, monkeypatch):
    statement_id = _statement_with_signatories(app, world)

    def fail(*args, **kwargs):
        raise RuntimeError("the layout ran out of memory")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    app.logger.disabled = True  # the failure is logged on purpose here
    try:
        log_in(page, world.emails["coordinator"])
        page.goto(f"/statements/{statement_id}/export")
        page.get_by_role("button", name="Make the file").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("The file could not be made", timeout=60_000)
        wait_for_files()
    finally:
        app.logger.disabled = False
    check_page(page, "export progress failed")
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", name="Export the statement with its signatories")).to_be_visible()


def test_the_network_settings_page(app, page, world, tmp_path):
    log_in(page, world.emails["admin"])
    page.goto("/admin/network")
    expect(page.get_by_role("heading", level=1)).to_have_text("The network's name and logo")
    check_page(page, "network settings")

    not_an_image = tmp_path / "logo.png"
    not_an_image.write_bytes(b"Just some words in a file called logo.png")
    page.get_by_label("Logo (PNG or JPEG, at most 1 MB)").set_input_files(str(not_an_image))
    page.get_by_role("button", name="Save").click()
    logo = page.get_by_label("Logo (PNG or JPEG, at most 1 MB)")
    expect(logo).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#logo-error")).to_have_text("The logo must be a PNG or JPEG image. This file is not one.")
    check_page(page, "network settings with an error")

    good = tmp_path / "good.png"
    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), (29, 78, 137)).save(buffer, "PNG")
    good.write_bytes(buffer.getvalue())
    page.get_by_label("The network's name, as printed on statements").fill("Red Global de Mujeres Migrantes")
    page.get_by_label("Logo (PNG or JPEG, at most 1 MB)").set_input_files(str(good))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("Saved. Pages, mail and new exports use this name and logo.")
    expect(page.get_by_role("img", name="The current logo of Red Global de Mujeres Migrantes")).to_be_visible()
    check_page(page, "network settings with a logo")


def _slug(app, statement_id: int) -> str:
    from statements.drafts.models import Statement

    with app.app_context():
        return db.session.get(Statement, statement_id).slug


def test_a_coordinator_exports_every_final_version_in_one_pdf_from_the_export_page(app, page, world, tmp_path):
    from tests.export.build import translate
    from tests.export.test_versions import ARABIC, ARABIC_TITLE, FRENCH, FRENCH_TITLE, SPANISH, SPANISH_TITLE

    with app.app_context():
        source = open_statement(world, title=TITLE)
        sign(world, source, "Asociación de Trabajadoras del Hogar", "GT")
        spanish = translate(world, source, "es", SPANISH_TITLE, SPANISH)
        translate(world, source, "ar", ARABIC_TITLE, ARABIC)
        translate(world, source, "fr", FRENCH_TITLE, FRENCH, final=False)
        statement_id, slug, spanish_id = source.id, source.slug, spanish.id
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}/export")
    expect(page.get_by_text("Not final yet: left out.")).to_be_visible()
    check_page(page, "export form with translations")
    page.get_by_role("group", name="Languages").get_by_label("All final versions in one PDF").check()
    page.get_by_role("button", name="Make the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your file is ready", timeout=120_000)
    with page.expect_download() as started:
        page.get_by_role("link", name=f"Download {slug}-all-languages.pdf").click()
    path = tmp_path / started.value.suggested_filename
    started.value.save_as(path)

    text = text_of(path.read_bytes())
    assert text.index(TITLE) < text.index(ARABIC_TITLE) < text.index(SPANISH_TITLE)
    assert FRENCH_TITLE not in text and "Asociación de Trabajadoras del Hogar" in text

    # a translation's own page says what its file holds: its text, its source's signatories
    page.goto(f"/statements/{spanish_id}/export")
    expect(page.get_by_text("The Spanish text, revision 2")).to_be_visible()
    check_page(page, "export form of a translation")

    # the page in Arabic, right to left, fits a phone too
    page.goto(f"/statements/{statement_id}/export")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    check_page(page, "export form with translations in arabic")


def test_the_print_view_reads_well_on_screen_and_passes_axe(app, page, world):
    with app.app_context():
        statement = open_statement(world, title="Protection for people who move")
        sign(world, statement, "Asociación de Trabajadoras del Hogar", "GT")
        statement_id = statement.id
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}/print")
    expect(page.get_by_role("main")).to_contain_text("Asociación de Trabajadoras del Hogar")
    box = page.locator("body").bounding_box()
    assert box["x"] > 100  # margins on a desktop screen, not text from edge to edge
    check_page(page, "print view")
