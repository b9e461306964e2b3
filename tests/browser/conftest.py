"""Browser tests: Debian's Chromium, driven by Playwright, against the app served on loopback.

The server runs the session's `app` in this process, so a test can arrange data and check what
is stored through the same database the pages use. Every test here is marked `browser`.
"""

import logging
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# --- marking ------------------------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser` (before -m selects), and only those."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- the browser --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium, kept from reaching outside hosts."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}. Run scripts/setup.sh test.", pytrace=False)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(_server_url):
    """Relative addresses in page.goto() are on the live server.

    (Defining it here also replaces the plugin's stand-in fixture, which pytest warns about.)
    """
    return _server_url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every browser context starts at desktop size; tests switch to phone size where they look."""
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


# --- the live server ----------------------------------------------------------------------------

class _QuietRequestHandler(WSGIRequestHandler):
    """Leave out the access log; errors are still reported."""

    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="session")
def _server_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def live_server(app, _server_url, monkeypatch):
    """The base URL of the app served on loopback; links in emails point at it.

    A crash inside the app (logged, then shown as the 500 page) fails the test.
    """
    monkeypatch.setitem(app.config, "BASE_URL", _server_url)
    errors = _ErrorRecords()
    app.logger.addHandler(errors)
    yield _server_url
    app.logger.removeHandler(errors)
    if errors.records:
        pytest.fail("The app logged errors while serving this test:\n" + "\n".join(
            errors.format(record) + ("\n" + logging.Formatter().formatException(record.exc_info)
                                     if record.exc_info else "")
            for record in errors.records), pytrace=False)


# --- accessibility and screenshots ------------------------------------------------------------

def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing at {AXE_JS}. Run scripts/setup.sh test.", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # evaluated rather than added as a <script>: the pages' policy refuses inline scripts
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate("async () => (await axe.run({resultTypes: ['violations']})).violations")


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail, listing each violation and where it is, unless axe-core finds none."""
    violations = axe_violations(page)
    if violations:
        size = page.viewport_size or {}
        pytest.fail(f"{len(violations)} accessibility violation(s) on {page.url} at "
                    f"{size.get('width')}x{size.get('height')}:\n{describe_violations(violations)}",
                    pytrace=False)


def shot(page, name: str) -> Path:
    """Save a whole-page screenshot at the current viewport width into test-artifacts/screenshots/."""
    size = page.viewport_size or DESKTOP
    label = next((key for key, value in VIEWPORTS.items() if value == size), f"{size['width']}x{size['height']}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}-{label}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


_OFF_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const controls = [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])')]
      .filter(e => e.getClientRects().length && !e.matches('.skip-link, .visually-hidden *'))
      .filter(e => { const r = e.getBoundingClientRect(); return r.left < -1 || r.right > width + 1; })
      .map(e => e.outerHTML.slice(0, 100));
    return {page: document.documentElement.scrollWidth, width, controls};
}"""


def assert_fits_width(page) -> None:
    """Fail when the page scrolls sideways, or a control lies beyond the edge (say, in a wide table)."""
    found = page.evaluate(_OFF_SCREEN)
    assert found["page"] <= found["width"], (
        f"{page.url} is {found['page']}px wide in a {found['width']}px window: it scrolls sideways")
    assert not found["controls"], f"controls out of sight at {found['width']}px on {page.url}:\n" + "\n".join(
        found["controls"])


def check_page(page, name: str) -> None:
    """Screenshot the page at phone and at desktop width and check it at each; leave it at desktop width.

    At each width: axe-core finds no violation, nothing scrolls sideways, every control is in sight.
    """
    try:
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            shot(page, name)
            assert_accessible(page)
            assert_fits_width(page)
    finally:
        page.set_viewport_size(DESKTOP)


# --- doing what people do ------------------------------------------------------------------------

def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would, and wait for the page that follows."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()


@pytest.fixture
def held_renders(monkeypatch):
    """Hold each PDF back until the test lets it go, so a page can be seen while the file is made."""
    from statements.export import pdf

    release = threading.Event()
    real = pdf.render_pdf

    def held(*args, **kwargs):
        release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", held)
    yield release
    release.set()
