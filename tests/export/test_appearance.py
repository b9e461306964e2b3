"""One signatory that chose to be shown only as "an organization in <country>" appears so in every output:
the public list, the API, the open data, the counts and badge, the PDF, the Word document and the print view."""

import html
import re

import pytest

from statements.drafts.models import Statement
from statements.extensions import db
from tests.export.build import make, open_statement, publish, wait_for_files
from tests.export.pdfs import docx_text, flat, text_of
from tests.signons.pages import add_signon, listed_names

COUNTRY_ONLY = "Country Only Workers Forum"
AS_SHOWN = "An organization in Nepal"
ITS_WEBSITE = "https://country-only-forum.example.org"
ENTRY = {"name": AS_SHOWN, "country": "NP", "country_name": "Nepal", "type": None, "website": None,
         "signed_revision": None}


@pytest.fixture
def published(app, world):
    """A published statement signed by a named union, a country-only forum and a count-only collective."""
    with app.app_context():
        statement = open_statement(world)
        add_signon(statement, "Red de Mujeres Migrantes", "GT", org_type="migrant")
        add_signon(statement, COUNTRY_ONLY, "NP", visibility="country", org_type="union", website=ITS_WEBSITE)
        add_signon(statement, "Count Only Sisters Collective", "KE", visibility="count", org_type="faith")
        db.session.commit()
        publish(world, statement)
        return statement.slug, statement.id


def assert_never_named(text: str, where: str) -> None:
    for private in (COUNTRY_ONLY, "country-only-forum", "Count Only Sisters", "Kenya"):
        assert private not in text, (where, private)


def test_the_web_list_the_api_and_the_open_data_show_it_the_same_way(client, published):
    slug, _ = published
    assert listed_names(client, slug) == ["Red de Mujeres Migrantes", AS_SHOWN]
    page = html.unescape(client.get(f"/s/{slug}/signatories").get_data(as_text=True))
    shown = re.search(r"<h3 class=\"country-heading\">Nepal</h3>\s*<ul class=\"signatory-list\">(.*?)</ul>", page,
                      re.DOTALL).group(1)
    assert re.sub(r"<[^>]+>", "", shown).strip() == AS_SHOWN  # no type, no link to its website
    assert_never_named(page, "page")

    for path in (f"/api/v1/statements/{slug}/signatories", f"/s/{slug}/signatories.json"):
        entries = client.get(path).get_json()["signatories"]
        assert [entry for entry in entries if entry["country"] == "NP"] == [ENTRY], path
        assert len(entries) == 2, path
    csv_text = client.get(f"/s/{slug}/signatories.csv").get_data(as_text=True)
    assert f"{AS_SHOWN},NP,Nepal,," in csv_text.splitlines()
    assert_never_named(csv_text, "csv")


def test_the_counts_and_badge_place_it_in_its_country_without_its_type(client, published):
    slug, _ = published
    statement = client.get(f"/api/v1/statements/{slug}").get_json()
    assert statement["count"] == 3
    assert {entry["country"]: entry["count"] for entry in statement["by_country"]} == {"GT": 1, "NP": 1}
    assert statement["by_type"] == [{"type": "migrant", "count": 1}]  # its type is not shown, so not counted
    series = client.get(f"/s/{slug}/series.json").get_json()
    assert [entry["country"] for entry in series["by_country"]] == ["GT", "NP"]
    assert ">3</text>" in client.get(f"/s/{slug}/badge.svg").get_data(as_text=True)


def test_the_pdf_the_word_document_and_the_print_view_show_it_as_the_web_does(app, client, world, published):
    slug, statement_id = published
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        _, by_country = make(statement)
        _, word = make(statement, kind="docx")

    pdf_text = flat(text_of(by_country))
    assert "Signed by 3 organizations" in pdf_text
    assert "Including 1 organization that asked not to be listed." in pdf_text
    assert f"Nepal (1) {AS_SHOWN}" in pdf_text
    assert_never_named(pdf_text, "pdf")

    document, word_text = docx_text(word)
    assert "Nepal (1)" in [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert AS_SHOWN in [p.text for p in document.paragraphs]  # alone: no type beside it
    assert "Red de Mujeres Migrantes · Migrant or refugee-led organization" in word_text
    assert_never_named(word_text, "docx")

    public = client.get(f"/s/{slug}/statement.pdf")
    if public.status_code == 202:
        wait_for_files()
        public = client.get(f"/s/{slug}/statement.pdf")
    assert f"Nepal (1) {AS_SHOWN}" in flat(text_of(public.data))

    client.login(world.emails["observer"])
    printed = html.unescape(client.get(f"/statements/{statement_id}/print").get_data(as_text=True))
    assert f"<li>{AS_SHOWN}</li>" in printed
    assert_never_named(printed, "print")


def test_in_a_spanish_file_it_is_an_organization_of_its_country_in_spanish(app, world):
    with app.app_context():
        statement = open_statement(world, title="Protección para las personas que se desplazan", language="es")
        add_signon(statement, COUNTRY_ONLY, "NP", visibility="country", org_type="union", website=ITS_WEBSITE)
        db.session.commit()
        _, content = make(statement)
        _, word = make(statement, kind="docx")
    assert "Una organización de Nepal" in flat(text_of(content))
    assert "Una organización de Nepal" in docx_text(word)[1]
    assert COUNTRY_ONLY not in flat(text_of(content))
