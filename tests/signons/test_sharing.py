"""A shared link to a statement shows its title, how many have signed and its summary; a published
statement says when it was published."""

import html
import re

from statements.extensions import db
from tests.export.build import publish
from tests.signons.pages import add_signon, statement_by_slug, text_of


def meta(page: str, key: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', page)
    assert found, f"no {key} on the page"
    return html.unescape(found.group(1))


def test_a_shared_link_shows_the_title_the_count_and_the_summary(app, client, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        statement.summary = "Displaced people need protection now."
        for n in range(1234 % 7 + 2):
            add_signon(statement, f"Union {n}", "KE")
        db.session.commit()
        title, count = statement.title, 1234 % 7 + 2
    page = text_of(client.get(f"/s/{world.signon_slug}"))
    assert meta(page, "og:title") == title and meta(page, "twitter:title") == title
    assert meta(page, "og:description") == f"{count} organizations have signed. Displaced people need protection now."
    assert meta(page, "description") == meta(page, "og:description")
    assert meta(page, "og:url") == f"http://localhost/s/{world.signon_slug}"
    assert meta(page, "twitter:card") == "summary" and meta(page, "og:type") == "article"


def test_without_a_summary_the_description_starts_the_text_without_its_marks(app, client, world):
    page = text_of(client.get(f"/s/{world.signon_slug}"))
    description = meta(page, "og:description")
    assert description.startswith("0 organizations have signed. ")
    assert "**" not in description and "#" not in description and len(description) < 260


def test_a_published_statement_says_when_it_was_published_in_the_reader_s_language(app, client, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        assert "published on" not in text_of(client.get(f"/s/{world.signon_slug}"))
        publish(world, statement)
        db.session.commit()
    page = text_of(client.get(f"/s/{world.signon_slug}"))
    assert re.search(r"joint statement · published on \w+ \d{1,2}, \d{4}</p>", page)
    client.submit("/language", {"language": "es", "next": "/"})
    spanish = text_of(client.get(f"/s/{world.signon_slug}"))
    assert re.search(r"publicada el \d{1,2} de \w+ de \d{4}</p>", spanish)
