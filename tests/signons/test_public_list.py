"""The public list of signatories: its order, its pages, its counts and charts, and the open data API."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import insert

from statements.core import collation
from statements.core.countries import country_name
from statements.core.db import utcnow
from statements.extensions import db
from statements.signons import duplicates
from statements.signons.models import SignOn
from tests.signons.pages import add_signon, listed_names, plain, public_count, statement_by_slug, text_of

COUNTRIES = ["GT", "KE", "MX", "PH"]
TYPES = ["ngo", "union", "womens"]
MANY = 1200


def country_headings(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<h\d[^>]*class="[^"]*\bcountry-heading\b[^"]*"[^>]*>(.*?)</h\d>', page)]


def test_signatories_are_listed_by_country_name_then_by_name_whatever_the_accents(app, client, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for name, country, visibility in (
                ("Zapatistas Unidas", "MX", "named"), ("Ñandutí Red de Mujeres", "PY", "named"),
                ("Nube Colectiva", "PY", "named"), ("Mujeres del Paraguay", "PY", "named"),
                ("Oñondivepa", "PY", "country"), ("Åland Women's Forum", "AX", "named"),
                ("Ålesund Solidarity", "AX", "named"), ("Amnistía Åland", "AX", "named"),
                ("Élan Solidaire", "CI", "named"), ("Abidjan Femmes", "CI", "named"),
                ("Ébène Collectif", "CI", "named"), ("Casa Colombia", "CO", "named"),
                ("Österreichische Frauenring", "AT", "named"), ("Austrian Women", "AT", "named")):
            add_signon(statement, name, country, visibility=visibility)
        db.session.commit()
    page = text_of(client.get(f"/s/{world.signon_slug}/signatories"))
    assert country_headings(page) == ["Åland Islands", "Austria", "Colombia", "Côte d'Ivoire", "Mexico",
                                      "Paraguay"]
    assert listed_names(client, world.signon_slug) == [
        "Åland Women's Forum", "Ålesund Solidarity", "Amnistía Åland",
        "Austrian Women", "Österreichische Frauenring",
        "Casa Colombia",
        "Abidjan Femmes", "Ébène Collectif", "Élan Solidaire",
        "Zapatistas Unidas",
        "An organization in Paraguay", "Mujeres del Paraguay", "Ñandutí Red de Mujeres", "Nube Colectiva",
    ]
    assert listed_names(client, world.signon_slug, country="py") == [
        "An organization in Paraguay", "Mujeres del Paraguay", "Ñandutí Red de Mujeres", "Nube Colectiva"]
    api = client.get(f"/api/v1/statements/{world.signon_slug}/signatories").get_json()["signatories"]
    assert [e["name"] for e in api] == listed_names(client, world.signon_slug)


@pytest.fixture
def many(app, world):
    """1,200 approved sign-ons from four countries over five days, inserted at once."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        now = utcnow()
        rows = []
        for n in range(MANY):
            name = f"Organization {n:04d}"
            country, email = COUNTRIES[n % 4], f"office{n}@org{n}.example.net"
            rows.append({
                "statement_id": statement.id, "revision_id": statement.final_revision_id,
                "organization_name": name, "name_key": duplicates.name_key(name), "first_word": "organization",
                "sort_key": collation.stored_sort_key(name, 200), "acronym": "", "country": country,
                "country_sort": collation.stored_sort_key(country_name(country), 80), "org_type": TYPES[n % 3],
                "website": None, "contact_name": "Private Person", "contact_email": email,
                "email_key": duplicates.email_key(email), "email_domain": duplicates.email_domain(email),
                "message": "", "authorized": True, "consent_to_contact": False, "visibility": "named",
                "status": "approved", "source": "form", "code_hash": "", "confirm_nonce": "n" * 16,
                "withdraw_nonce": "w" * 16, "created_at": now - timedelta(days=n % 5),
                "approved_at": now,
            })
        db.session.execute(insert(SignOn), rows)
        db.session.commit()
        expected = sorted(rows, key=lambda r: (r["country_sort"], r["sort_key"]))
        return [r["organization_name"] for r in expected]


def test_a_long_list_comes_in_pages_with_the_right_counts_and_charts(app, client, world, many):
    slug = world.signon_slug
    assert public_count(client, slug) == MANY
    first = text_of(client.get(f"/s/{slug}/signatories"))
    words = plain(first)
    assert "1,200 organizations have signed from 4 countries." in words
    assert "Page 1 of 3" in words
    by_country = dict(re.findall(r'country=([A-Z]{2})">[^<]+</a> <span class="muted">(\d+)</span>', first))
    assert by_country == {"GT": "300", "KE": "300", "MX": "300", "PH": "300"}
    by_type = re.findall(r"<li>([^<]+) <span class=\"muted\">(\d+)</span></li>", first)
    assert sorted(by_type) == [("Non-governmental organization", "400"),
                               ("Trade union or workers' organization".replace("'", "&#39;"), "400"),
                               ("Women&#39;s or feminist organization", "400")]

    shown = []
    for number in (1, 2, 3):
        shown += listed_names(client, slug, page=number)
    assert len(shown) == MANY and shown == many
    assert len(listed_names(client, slug, page=1)) == 500 and len(listed_names(client, slug, page=3)) == 200
    assert listed_names(client, slug, country="KE", page=1)[:2] == [n for n in many if int(n[-4:]) % 4 == 1][:2]

    charts = re.findall(r"<figure class=\"chart\">.*?</figure>", first, re.DOTALL)
    assert len(charts) == 2
    days, countries = charts
    assert re.search(r"rising to 1,?200 approved sign-ons", days)
    assert len(re.search(r'<polyline points="([^"]+)"', days).group(1).split()) == 5  # one point a day
    assert countries.count("<rect ") == 4
    assert "Guatemala 300, Kenya 300, Mexico 300, Philippines 300" in html.unescape(countries)
    assert re.findall(r'<rect x="([\d.]+)"', countries) == ["0"] * 4  # bars grow from the left


def test_on_a_right_to_left_page_the_countries_bars_grow_from_the_right(client, world, many):
    client.submit("/language", {"language": "ar"})  # (the page speaks its statement's language unless asked)
    page = text_of(client.get(f"/s/{world.signon_slug}/signatories"))
    assert 'dir="rtl"' in page.split(">", 2)[1]
    days, countries = re.findall(r"<figure class=\"chart\">.*?</figure>", page, re.DOTALL)
    bars = [(float(x), float(width)) for x, width in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"',
                                                                 countries)]
    assert len(bars) == 4 and all(abs(x + width - 600) < 0.1 for x, width in bars)  # each ends on the right edge
    assert countries.count('text-anchor="start" direction="rtl"') == 4  # the names start on the right
    assert "<polyline" in days  # (time still runs rightwards)


# "%00" is refused with a 400 before any page, as every NUL is: tests/core/test_nul_characters.py
@pytest.mark.parametrize("page", ["0", "-1", "abc", "999999", "99999999999999", "1e3", "%20", "2.5",
                                  "١", "3&page=1"])
def test_odd_page_numbers_do_not_break_the_list(client, world, many, page):
    response = client.get(f"/s/{world.signon_slug}/signatories?page={page}")
    assert response.status_code == 200
    assert "1,200 organizations have signed" in plain(text_of(response))
    api = client.get(f"/api/v1/statements/{world.signon_slug}/signatories?page={page}")
    assert api.status_code == 200
    assert api.get_json()["count"] == MANY


def test_a_page_past_the_end_is_empty_without_a_next_page(client, world, many):
    data = client.get(f"/api/v1/statements/{world.signon_slug}/signatories?page=999999").get_json()
    assert data["signatories"] == [] and "next" not in data and data["pages"] == 12


def test_the_api_gives_100_a_page_with_a_link_to_the_next(client, world, many):
    url = f"/api/v1/statements/{world.signon_slug}/signatories"
    collected, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "public, max-age=60"
        data = response.get_json()
        pages += 1
        assert data["page"] == pages and data["pages"] == 12 and data["per_page"] == 100
        assert data["count"] == MANY and data["list_public"] is True
        assert len(data["signatories"]) == 100
        collected += [entry["name"] for entry in data["signatories"]]
        url = data.get("next")
        if url:
            assert url == f"http://localhost/api/v1/statements/{world.signon_slug}/signatories?page={pages + 1}"
            url = url.removeprefix("http://localhost")
    assert pages == 12 and collected == many


def test_open_data_can_be_read_from_any_site_and_cached_briefly(client, world):
    slug = world.signon_slug
    for path in (f"/api/v1/statements/{slug}", f"/api/v1/statements/{slug}/signatories",
                 f"/s/{slug}/signatories.json", f"/s/{slug}/signatories.csv", f"/s/{slug}/series.json",
                 f"/s/{slug}/series.csv", f"/s/{slug}/badge.svg"):
        response = client.get(path, headers={"Origin": "https://partner.example.org"})
        assert response.status_code == 200, path
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        assert response.headers["Access-Control-Allow-Methods"] == "GET", path
        assert response.headers["Cache-Control"] == "public, max-age=60", path
    assert client.get("/api/openapi.json").headers["Cache-Control"] == "public, max-age=3600"


def test_the_badge_shows_the_count_as_an_image(app, client, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for n in range(3):
            add_signon(statement, f"Union {n}", "KE")
        add_signon(statement, "Not yet", "KE", status="confirmed")
        db.session.commit()
    response = client.get(f"/s/{world.signon_slug}/badge.svg")
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg") and ">3</text>" in svg
    assert 'aria-label="3 organizations have signed Loss and damage for people who move"' in svg


def test_the_series_counts_approved_sign_ons_by_day_and_country(app, client, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for n, (country, days_ago) in enumerate((("KE", 2), ("KE", 0), ("MX", 0), ("MX", 0))):
            add_signon(statement, f"Group {n}", country, days_ago=days_ago)
        add_signon(statement, "Pending Group", "GT", status="pending")
        db.session.commit()
    data = client.get(f"/s/{world.signon_slug}/series.json").get_json()
    today, two_days_ago = utcnow().date(), (utcnow() - timedelta(days=2)).date()
    assert data["by_day"] == [{"date": two_days_ago.isoformat(), "count": 1}, {"date": today.isoformat(), "count": 3}]
    assert data["by_country"] == [{"country": "KE", "country_name": "Kenya", "count": 2},
                                  {"country": "MX", "country_name": "Mexico", "count": 2}]  # ties by name
    csv_text = client.get(f"/s/{world.signon_slug}/series.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").splitlines() == ["date,count", f"{two_days_ago.isoformat()},1",
                                                       f"{today.isoformat()},3"]


def test_an_empty_list_says_so_without_charts(client, world):
    page = text_of(client.get(f"/s/{world.signon_slug}/signatories"))
    assert "No organization is listed yet." in page
    assert '<figure class="chart">' not in page
    assert "0 organizations have signed." in plain(page)
    assert "By country" not in page and "By type of organization" not in page  # no headings over nothing
