"""Answers are compressed for those on slow connections, except a signed-in person's pages (BREACH)."""

import gzip

import brotli
import pytest

from tests.factories import PASSWORD


def test_a_visitor_s_public_page_is_compressed_and_reads_back_the_same(client, world):
    plain = client.get(f"/s/{world.signon_slug}")
    squeezed = client.get(f"/s/{world.signon_slug}", headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert squeezed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in squeezed.headers["Vary"]
    page = gzip.decompress(squeezed.data).decode()
    assert "Sign the statement" in page and len(squeezed.data) < len(plain.data) / 2
    assert squeezed.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]


def test_brotli_is_preferred_where_the_browser_takes_it(client, world):
    response = client.get(f"/s/{world.signon_slug}", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"
    assert "Sign the statement" in brotli.decompress(response.data).decode()


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/country-finder.js"])
def test_static_files_are_compressed_for_everyone(make_client, world, path):
    client = make_client()
    client.login(world.emails["coordinator"])
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data)


def test_a_signed_in_person_s_pages_are_never_compressed(make_client, world):
    client = make_client()
    client.login(world.emails["coordinator"])
    for path in ("/", f"/statements/{world.statement_id}", f"/s/{world.signon_slug}"):
        response = client.get(path, headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200, path
        assert response.headers.get("Content-Encoding") is None, path


def test_files_that_are_compressed_already_are_left_alone(client, world):
    response = client.get("/static/img/logo.svg", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200  # (an SVG is text: compressed when large enough)
    assert client.get("/login", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
