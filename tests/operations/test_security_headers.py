"""Security headers on every response: pages, data, files, errors; the badge alone may be framed;
HSTS only when configured and only over HTTPS; the proxy's word on the scheme only when trusted."""

import base64
import hashlib
import logging
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD

STATIC = Path(__file__).resolve().parents[2] / "static"
STYLESHEET = STATIC / "css" / "app.css"
COUNTRY_FINDER = STATIC / "js" / "country-finder.js"


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


STYLESHEET_HASH = sha256(STYLESHEET.read_text())
SCRIPT_HASH = sha256(COUNTRY_FINDER.read_text())
CSP = (f"default-src 'self'; script-src 'self' {SCRIPT_HASH}; style-src 'self' {STYLESHEET_HASH}; "
       "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
YEAR = 31536000


def assert_protected(response, framing: str = "none") -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    if framing == "none":
        assert headers["Content-Security-Policy"] == CSP
        assert headers["X-Frame-Options"] == "DENY"
    else:
        assert "frame-ancestors *" in headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in headers
    assert "Strict-Transport-Security" not in headers  # not configured, and plain HTTP


def test_pages_forms_and_error_pages_carry_the_headers(client, world):
    for url in ("/login", "/no/such/page", f"/s/{world.signon_slug}", "/static/css/app.css"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_protected(response)
    client.login(world.emails["coordinator"], PASSWORD)
    for url in (f"/statements/{world.statement_id}", f"/statements/{world.statement_id}/edit",
                f"/exports/{world.export_id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_protected(response)


def test_pages_hold_no_inline_script_style_or_event_handler(client, world):
    """The policy refuses inline script and style: a page relying on them would silently break."""
    client.login(world.emails["coordinator"], PASSWORD)
    for url in ("/login", f"/s/{world.signon_slug}", f"/statements/{world.statement_id}",
                f"/statements/{world.statement_id}/edit", f"/exports/{world.export_id}", "/groups"):
        page = client.get(url).get_data(as_text=True)
        # the site's own files, allowed by their hashes
        page = page.replace(f"<style>{STYLESHEET.read_text()}</style>", "")
        page = page.replace(f"<script>{COUNTRY_FINDER.read_text()}</script>", "")
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), url
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", page, re.IGNORECASE), url


def test_the_print_view_may_use_its_own_stylesheet_but_no_inline_script(client, world):
    client.login(world.emails["member"], PASSWORD)
    response = client.get(f"/statements/{world.statement_id}/print")
    assert response.status_code == 200
    assert "<style>" in response.get_data(as_text=True)  # page size and running headers, shared with the PDF
    assert response.headers["Content-Security-Policy"] == CSP.replace(f"style-src 'self' {STYLESHEET_HASH}",
                                                                      "style-src 'self' 'unsafe-inline'")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_api_keeps_its_cors_headers_and_gets_the_security_headers(client, world):
    for url in (f"/api/v1/statements/{world.signon_slug}", f"/s/{world.signon_slug}/signatories.json",
                "/api/openapi.json", "/health"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_protected(response)
    assert response.headers.get("Access-Control-Allow-Origin") is None  # /health is not for other sites
    api = client.get(f"/api/v1/statements/{world.signon_slug}")
    assert api.headers["Access-Control-Allow-Origin"] == "*"


def test_the_badge_may_be_framed_by_any_site(client, world):
    response = client.get(f"/s/{world.signon_slug}/badge.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert_protected(response, framing="any site")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors *"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # the badge draws with attributes only: nothing its strict policy would refuse
    assert not re.search(r"<style|\sstyle=|<script|\son[a-z]+=|href=", response.get_data(as_text=True))


def test_a_missing_badge_is_an_ordinary_page_that_cannot_be_framed(client):
    response = client.get("/s/no-such-statement/badge.svg")
    assert response.status_code == 404
    assert_protected(response)


def test_hsts_is_sent_only_over_https_and_only_when_configured(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login", base_url="https://localhost").headers
    monkeypatch.setitem(app.config, "HSTS_SECONDS", YEAR)
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"] == f"max-age={YEAR}"


def test_forwarded_headers_are_ignored_without_trusted_proxies(app, client, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS_SECONDS", YEAR)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    with caplog.at_level(logging.INFO, logger="statements.requests"):
        response = client.get("/api/openapi.json", headers=forwarded)
    assert "Strict-Transport-Security" not in response.headers
    assert response.get_json()["servers"] == [{"url": "http://localhost"}]
    assert "addr=127.0.0.1" in caplog.records[-1].getMessage()


def test_one_trusted_proxy_gives_the_scheme_and_the_visitors_address(other_app, world, caplog):
    behind_proxy = other_app(TRUSTED_PROXIES=1, HSTS_SECONDS=YEAR, BASE_URL="https://statements.example.org")
    client = behind_proxy.test_client()
    # what a client claims is before what the proxy adds: the proxy's (last) entry counts
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    with caplog.at_level(logging.INFO, logger="statements.requests"):
        response = client.get("/api/openapi.json", headers=forwarded)
    assert response.headers["Strict-Transport-Security"] == f"max-age={YEAR}"
    # the scheme shows in HSTS; the cached document's address is BASE_URL, whatever the request said
    assert response.get_json()["servers"] == [{"url": "https://statements.example.org"}]
    assert "addr=203.0.113.7" in caplog.records[-1].getMessage()
    plain = client.get("/login", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize("variable, value", [("TRUSTED_PROXIES", "one"), ("HSTS_SECONDS", "-1"),
                                             ("LOG_LEVEL", "chatty")])
def test_bad_settings_refuse_to_start(monkeypatch, tmp_path, variable, value):
    from statements import create_app
    from statements.config import ConfigError

    monkeypatch.setenv("STATEMENTS_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"Refusing to start: {variable} must be"):
        create_app()


def test_the_public_page_carries_its_stylesheet_and_script_inline_and_the_policy_allows_those_alone(client, world):
    """A first visitor on a slow connection gets the whole page without another round trip; the policy's
    hashes are the hashes of exactly what is inline, so a browser runs it, and no other inline code."""
    page = client.get(f"/s/{world.signon_slug}")
    html = page.get_data(as_text=True)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(styles) == 1 and 'rel="stylesheet"' not in html and len(scripts) == 1 and "<script src" not in html
    assert sha256(styles[0]) == STYLESHEET_HASH and sha256(scripts[0]) == SCRIPT_HASH
    assert f"style-src 'self' {STYLESHEET_HASH};" in page.headers["Content-Security-Policy"]
    assert f"script-src 'self' {SCRIPT_HASH};" in page.headers["Content-Security-Policy"]
    assert 'rel="stylesheet"' in client.get("/login").get_data(as_text=True)  # other pages link it, cached
