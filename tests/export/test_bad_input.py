"""Bad input: no final text, no signatories, names in every script with markup and symbols, text
pointing at files and addresses, and logos that are not what they claim."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from sqlalchemy import select

from statements.drafts.models import Statement
from statements.export import pdf, services
from statements.export.models import NetworkSettings
from statements.extensions import db
from tests.export.build import make, open_statement, sign, wait_for_files
from tests.export.pdfs import docx_text, flat, missing_glyphs, read_pdf, text_of


def test_a_statement_without_a_final_text_exports_its_latest_revision_marked_draft(app, client, world):
    client.login(world.emails["coordinator"])
    form = client.get(f"/statements/{world.statement_id}/export").get_data(as_text=True)
    assert "The text is not final: the file will be marked “DRAFT” on every page (revision 2)." in form

    answer = client.submit(f"/statements/{world.statement_id}/export",
                           {"kind": "pdf", "group_by": "country", "page_size": "a4"})
    wait_for_files()
    content = client.get(answer.headers["Location"] + "/download").data
    text = text_of(content)
    assert "DRAFT: this text is not final (revision 2)." in text
    assert "People displaced by climate change need legal protection now." in flat(text)


def test_no_signatories_yet_says_so(app, world):
    with app.app_context():
        _, content = make(open_statement(world))
    text = flat(text_of(content))
    assert "No organization has signed yet." in text


SYMBOLS = 'Mujeres <b>Unidas</b> & "Sindicato" l\'Union <script>alert(1)</script> 🌱✊🏽 ☮ №5 ½ — “x”'


def test_names_with_markup_symbols_and_control_characters_are_printed_as_typed(app, world):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, SYMBOLS, "CL")
        sign(world, statement, "Pasted\x01 From\x08 A Spreadsheet\x7f Collective", "AR")
        _, content = make(statement)
        _, word = make(statement, kind="docx")

    reader = read_pdf(content)
    text = flat("\n".join(page.extract_text() for page in reader.pages))
    assert flat(SYMBOLS) in text
    assert "Pasted From A Spreadsheet Collective" in text
    assert missing_glyphs(reader) == set()
    word_text = docx_text(word)[1]
    assert SYMBOLS in word_text and "Pasted From A Spreadsheet Collective" in word_text


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listening_server():
    """An HTTP server on loopback that records any request the renderer makes."""
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.requests
    server.shutdown()
    server.server_close()


def test_images_and_links_in_the_text_are_never_fetched(app, world, monkeypatch, listening_server):
    address, requests = listening_server
    text = (f"# Where we stand\n\nA map: ![map of the region]({address}/map.png)\n\n"
            "The passwords: ![secret](file:///etc/passwd)\n\n"
            f'<img src="file:///etc/passwd"> <img src="{address}/raw.png">\n\n'
            f"[a link to a file](file:///etc/passwd) and [our site]({address}/page)\n")
    asked = []
    real_fetcher = pdf.inline_only_fetcher

    def recording_fetcher():
        fetcher = real_fetcher()
        fetch = fetcher.fetch

        def recording_fetch(url, headers=None):
            asked.append(url)
            return fetch(url, headers)

        fetcher.fetch = recording_fetch
        return fetcher

    monkeypatch.setattr(pdf, "inline_only_fetcher", recording_fetcher)
    with app.app_context():
        _, content = make(open_statement(world, text=text))

    assert requests == [], "the renderer reached the network"
    assert [url for url in asked if not url.startswith("data:")] == []
    reader = read_pdf(content)
    pdf_text = flat("\n".join(page.extract_text() for page in reader.pages))
    assert "Where we stand" in pdf_text and "[image: map of the region]" in pdf_text
    assert "root:" not in pdf_text and "/bin/" not in pdf_text
    for page in reader.pages:
        images = [item for item in (page["/Resources"].get("/XObject") or {}).values()
                  if item.get_object().get("/Subtype") == "/Image"]
        assert images == []


def test_the_fetcher_gives_only_inline_data():
    answer = pdf.inline_only_fetcher().fetch("data:text/plain;base64,aW5saW5l")
    assert answer.read() == b"inline"
    for url in ("file:///etc/passwd", "http://127.0.0.1/x.png", "https://example.org/x.png", "ftp://x/y",
                "/etc/passwd", "FILE:///etc/passwd", " data:x"):
        with pytest.raises(pdf.RefusedFetch):
            pdf.inline_only_fetcher().fetch(url)


# --- the network's logo ------------------------------------------------------------------------

def _image(kind: str, size: tuple[int, int] = (240, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("1" if size[0] > 1000 else "RGB", size, 1 if size[0] > 1000 else (29, 78, 137)).save(buffer, kind)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>'

BAD_LOGOS = {
    "not an image": (b"Just some words in a file called logo.png", "logo.png",
                     "The logo must be a PNG or JPEG image. This file is not one."),
    "an SVG": (SVG, "logo.svg", "The logo must be a PNG or JPEG image. This file is not one."),
    "a GIF": (None, "logo.gif", "The logo must be a PNG or JPEG image."),
    "over 1 MB": (b"\x89PNG\r\n\x1a\n" + bytes(1024 * 1024), "logo.png", "The logo is larger than 1 MB, the limit."),
    "too many pixels": (None, "logo.png", "The logo is too large in pixels. Use one under 4,000 × 4,000."),
}


@pytest.mark.parametrize("case", BAD_LOGOS)
def test_a_logo_that_cannot_be_used_is_refused_by_the_field_and_nothing_is_stored(app, client, world, case):
    data, filename, message = BAD_LOGOS[case]
    if case == "a GIF":
        data = _image("GIF")
    elif case == "too many pixels":
        data = _image("PNG", (5000, 4000))
        assert len(data) < services.LOGO_MAX_BYTES
    client.login(world.emails["admin"])

    answer = client.submit("/admin/network", {"name": "A New Name For The Network",
                                              "logo": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")

    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'<p class="field-error" id="logo-error">{message}' in page
    assert 'aria-describedby="logo-error"' in page
    with app.app_context():
        assert db.session.get(NetworkSettings, 1) is None  # neither the logo nor the new name


def test_a_good_logo_and_name_are_stored_and_printed_on_the_next_file(app, client, world):
    with app.app_context():
        statement = open_statement(world)
        before, _ = make(statement)
        statement_id, before_id = statement.id, before.id
    client.login(world.emails["admin"])

    answer = client.submit("/admin/network", {"name": "Red Global de Mujeres Migrantes",
                                              "logo": (io.BytesIO(_image("PNG")), "logo.png")},
                           content_type="multipart/form-data")

    assert answer.status_code == 302
    with app.app_context():
        settings = db.session.get(NetworkSettings, 1)
        assert settings.name == "Red Global de Mujeres Migrantes" and settings.logo_type == "image/png"
        after, content = make(db.session.get(Statement, statement_id))
        assert after.id != before_id
    reader = read_pdf(content)
    assert reader.metadata.author == "Red Global de Mujeres Migrantes"
    first_page = reader.pages[0]
    images = [item.get_object() for item in (first_page["/Resources"].get("/XObject") or {}).values()
              if item.get_object().get("/Subtype") == "/Image"]
    assert [(image["/Width"], image["/Height"]) for image in images] == [(240, 80)]


def test_the_audit_log_says_what_changed_in_the_network_settings_from_what_to_what(app, client, world):
    from statements.audit.models import AuditEvent

    client.login(world.emails["admin"])
    client.submit("/admin/network", {"name": "Red Global", "logo": (io.BytesIO(_image("PNG")), "logo.png")},
                  content_type="multipart/form-data")
    client.submit("/admin/network", {"name": "Red Global"})  # nothing changed: nothing to log
    client.submit("/admin/network", {"name": "Red Global", "remove_logo": "y"})
    with app.app_context():
        summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "network.settings_changed")
                                       .order_by(AuditEvent.id)).all()
    default = app.config["NETWORK_NAME"]
    assert len(summaries) == 2
    assert summaries[0].startswith(f"Changed the name from “{default}” to “Red Global”; added a logo (image/png, ")
    assert summaries[1] == "Removed the logo"
