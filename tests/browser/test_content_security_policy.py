"""Under the pages' Content-Security-Policy, Chromium refuses nothing on any kind of page, and the
scripts still do their work: comment on selected words, live preview, export progress in place.
The count badge shows inside another site's page; the other pages refuse to be framed."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.signon_data import sign
from tests.browser.test_comment_journeys import select_words
from tests.export.build import open_statement, sign as sign_for_export

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => window.reportViolation(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} on ${event.documentURI}`));
"""


@pytest.fixture
def refused(page):
    """What the page's policy refused, from Chromium's console and from the pages' violation events.

    Both are set up before any page loads, outside the page's own scripts, which the policy governs.
    """
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text or message.text.startswith("Refused to") else None)
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    page.expose_binding("reportViolation", lambda source, text: found.append(text))
    page.add_init_script(REPORT_VIOLATIONS)
    return found


def test_an_inline_script_is_refused_and_the_refusal_seen(page, refused):
    """The check the other tests rely on: were a page to carry an inline script, they would know."""
    page.goto("/login")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ranInline = true";
        document.body.append(script);
    }""")
    for _ in range(50):
        if len(refused) >= 2:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.ranInline") is None
    assert any("Content Security Policy directive" in text for text in refused), refused  # the console's
    assert any(text.startswith("script-src-elem refused inline") for text in refused), refused  # the event's


def test_login_and_the_signed_in_pages_refuse_nothing(page, world, refused):
    page.goto("/login")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    log_in(page, world.emails["admin"])
    for address in ("/groups", f"/groups/{world.group_id}", "/account", "/admin/invitations", "/admin/network",
                    "/audit"):
        page.goto(address)
        expect(page.locator("main h1")).to_be_visible()
    assert refused == []


def test_the_statement_page_selection_comment_and_live_preview_work(page, world, refused):
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{world.statement_id}")
    button = page.get_by_role("link", name="Comment on the selected words")
    expect(button).to_be_hidden()  # the script is loaded and has added its button
    select_words(page, "legal protection")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("href", re.compile(r"quote=legal\+protection"))

    page.goto(f"/statements/{world.statement_id}/edit")
    page.get_by_label("Text (Markdown)").fill("States must act **before the next flood**.")
    expect(page.locator("#preview strong")).to_have_text("before the next flood")  # fetched as you type
    assert refused == []


def test_the_public_signon_page_and_its_charts_refuse_nothing(app, page, world, refused):
    for number, country in enumerate(("GT", "KE", "GT")):
        sign(app, world.signon_slug, status="approved", days_ago=number, country=country,
             organization_name=f"Workers' Collective {number}", contact_email=f"contact{number}@example.com")
    page.goto(f"/s/{world.signon_slug}")
    expect(page.get_by_role("button", name="Sign the statement")).to_be_visible()
    # styled by the stylesheet written into the page (the site header's colour comes from it alone)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor") \
        not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.evaluate("() => document.querySelectorAll('link[rel=stylesheet]').length") == 0
    page.goto(f"/s/{world.signon_slug}/signatories")
    expect(page.locator("figure.chart svg")).to_have_count(2)
    expect(page.locator("figure.chart polyline")).to_have_count(1)
    assert refused == []


def test_the_export_progress_page_updates_in_place_and_the_print_view_is_styled(app, page, world, held_renders,
                                                                                refused):
    with app.app_context():
        statement = open_statement(world, title="Protection for people who move")
        sign_for_export(world, statement, "Asociación de Trabajadoras del Hogar", "GT")
        statement_id = statement.id
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}/export")
    page.get_by_role("button", name="Make the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Making the file…")
    held_renders.set()
    # the page's script checks again and shows the file in place
    expect(page.get_by_role("heading", level=1)).to_have_text("Your file is ready", timeout=120_000)

    page.goto(f"/statements/{statement_id}/print")
    title = page.locator("h1.title")
    expect(title).to_have_text("Protection for people who move")
    expect(title).to_have_css("color", "rgb(21, 58, 102)")  # the print view's own stylesheet applies
    assert refused == []


@pytest.fixture
def partner_site():
    """Serve pages of another site (another port is another origin) on loopback; return its address."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield pages, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_other_sites_may_frame_the_badge_and_nothing_else(page, world, live_server, partner_site):
    pages, partner = partner_site
    pages["/statement"] = f"""<!doctype html><title>A partner's page</title>
        <iframe id="badge" src="{live_server}/s/{world.signon_slug}/badge.svg"></iframe>
        <iframe id="login" src="{live_server}/login"></iframe>"""
    refused_frames = []
    page.on("console", lambda message: refused_frames.append(message.text)
            if "frame-ancestors" in message.text else None)
    page.goto(f"{partner}/statement")

    expect(page.frame_locator("#badge").locator("text").first).to_have_text("Signed by")
    expect(page.frame_locator("#login").get_by_role("button", name="Log in")).to_have_count(0)
    # one refusal (Chromium names only the origin): the login page's
    assert len(refused_frames) == 1 and "frame-ancestors 'none'" in refused_frames[0], refused_frames
