"""The print view names signatories to whom the PDF would name them: anyone once the list is public; while
it is kept private, only those who may export the statement's files (its coordinators and network staff)."""

import html

import pytest

from statements.drafts.models import Statement
from statements.extensions import db
from tests.export.build import open_statement, publish, sign
from tests.signons.pages import plain

PRIVATE_NOTE = "The list of signatory organizations is kept private until the statement is published."


@pytest.fixture
def kept_private(app, world):
    """A statement whose list is kept private until publication, signed by two organizations."""
    with app.app_context():
        statement = open_statement(world)
        statement.signon_list_hidden = True
        db.session.commit()
        sign(world, statement, "Red de Mujeres Migrantes", "GT")
        sign(world, statement, "Country Only Workers Forum", "NP", visibility="country")
        return statement.id


def print_view(make_client, world, role, statement_id):
    client = make_client()
    if role != "anonymous":
        client.login(world.emails[role])
    return client.get(f"/statements/{statement_id}/print")


@pytest.mark.parametrize("role", ["member", "observer"])
def test_members_and_observers_get_only_the_count_while_the_list_is_kept_private(make_client, world,
                                                                                kept_private, role):
    response = print_view(make_client, world, role, kept_private)
    assert response.status_code == 200
    words = plain(response.get_data(as_text=True))
    assert "Signed by 2 organizations" in words and PRIVATE_NOTE in words
    for name in ("Red de Mujeres Migrantes", "An organization in Nepal", "Country Only", "Guatemala"):
        assert name not in words, name


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_those_who_may_export_see_the_names_as_in_their_pdf(make_client, world, kept_private, role):
    page = html.unescape(print_view(make_client, world, role, kept_private).get_data(as_text=True))
    assert "Red de Mujeres Migrantes" in page and "An organization in Nepal" in page
    assert PRIVATE_NOTE not in page and "Country Only" not in page


@pytest.mark.parametrize("role, status", [("outsider", 404), ("anonymous", 302)])
def test_others_do_not_get_the_print_view(make_client, world, kept_private, role, status):
    assert print_view(make_client, world, role, kept_private).status_code == status


def test_once_published_members_see_the_names_as_the_public_pdf_shows_them(app, make_client, world, kept_private):
    with app.app_context():
        publish(world, db.session.get(Statement, kept_private))
    page = html.unescape(print_view(make_client, world, "member", kept_private).get_data(as_text=True))
    assert "Red de Mujeres Migrantes" in page and "An organization in Nepal" in page
    assert PRIVATE_NOTE not in page
