"""Publishing a statement tells each approved signatory by mail, with its public link, in the language they
signed in; the public page of a published statement offers its PDF and Word files."""

import io

import pytest
from docx import Document

from statements.accounts.models import User
from statements.extensions import db
from statements.signons import services as signons
from tests.export.build import open_statement, sign, wait_for_files
from tests.signons.pages import plain


@pytest.fixture
def closed(app, world):
    """A statement whose sign-on closed: two approved signatories (one signed in Spanish, one counted without
    being named), one still waiting for approval, one withdrawn."""
    with app.app_context():
        statement = open_statement(world, slug="protection-for-people-who-move")
        sign(world, statement, "Red de Mujeres Migrantes", contact_email="maria@redmujeres.example")
        spanish = sign(world, statement, "Sindicato del Hogar", country="MX", visibility="count",
                       contact_email="lucia@sindicato.example")
        spanish.language = "es"
        sign(world, statement, "Waiting Union", contact_email="wait@waiting.example", approve=False)
        gone = sign(world, statement, "Gone Union", contact_email="gone@gone.example")
        signons.withdraw(gone)
        signons.close_signon(db.session.get(User, world.user_ids["coordinator"]), statement)
        db.session.commit()
        return statement.id


@pytest.fixture
def coordinator(make_client, world):
    client = make_client()
    client.login(world.emails["coordinator"])
    return client


def publish(coordinator, statement_id: int):
    return coordinator.submit(f"/statements/{statement_id}/transition", {"to": "published", "confirmed": "yes"})


def test_publishing_tells_each_approved_signatory_with_the_link(app, coordinator, closed, mailbox):
    mailbox.deliver()
    mailbox.messages.clear()
    assert publish(coordinator, closed).status_code == 302
    mailbox.deliver()
    told = sorted(message["To"] for message in mailbox.messages if "published" in message["Subject"]
                  or "publicó" in message["Subject"])
    assert told == ["lucia@sindicato.example", "maria@redmujeres.example"]  # not the waiting, not the withdrawn
    [english] = mailbox.to("maria@redmujeres.example")
    assert english["Subject"] == "“Protection for people who move” is published"
    body = mailbox.body(english).replace("\r\n", "\n")
    assert "which Red de Mujeres Migrantes signed, is published" in body
    assert "http://localhost/s/protection-for-people-who-move\n" in body
    assert "/s/protection-for-people-who-move/statement.pdf" in body and "/withdraw/" in body
    assert "Sindicato del Hogar" not in body  # one organization's mail names no other
    [spanish] = mailbox.to("lucia@sindicato.example")
    assert "publicó" in spanish["Subject"] and "Hola" in mailbox.body(spanish)


def test_a_statement_published_without_sign_on_mails_nobody(app, coordinator, world, mailbox):
    with app.app_context():
        from statements.drafts import services as drafts
        from statements.accounts.models import WorkingGroup

        person = db.session.get(User, world.user_ids["coordinator"])
        statement = drafts.create_statement(person, db.session.get(WorkingGroup, world.group_id), "Short note",
                                            "short-note", "en", "", "Some text.")
        drafts.transition(person, statement, "final")
        db.session.commit()
        statement_id = statement.id
    mailbox.deliver()
    mailbox.messages.clear()
    assert publish(coordinator, statement_id).status_code == 302
    mailbox.deliver()
    assert [m for m in mailbox.messages if "is published" in m["Subject"]] == []


def test_the_public_page_offers_the_pdf_and_the_word_file(app, client, coordinator, closed):
    slug = "protection-for-people-who-move"
    before = client.get(f"/s/{slug}").get_data(as_text=True)
    assert f"/s/{slug}/statement.docx" not in before  # not before it is published
    assert client.get(f"/s/{slug}/statement.docx").status_code == 404
    publish(coordinator, closed)
    page = client.get(f"/s/{slug}").get_data(as_text=True)
    assert f'href="/s/{slug}/statement.pdf"' in page and f'href="/s/{slug}/statement.docx"' in page
    assert "Word file" in plain(page)
    assert client.get(f"/s/{slug}/statement.docx").status_code == 202  # being made: a page says so
    wait_for_files()
    response = client.get(f"/s/{slug}/statement.docx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(response.data)).paragraphs)
    tables = " ".join(cell.text for table in Document(io.BytesIO(response.data)).tables
                      for row in table.rows for cell in row.cells)
    assert "Protection for people who move" in text
    assert "Red de Mujeres Migrantes" in text + tables
    assert "Sindicato del Hogar" not in text + tables  # counted, not named
    assert "private-mail.example" not in text + tables and "redmujeres.example" not in text + tables


def test_a_word_file_for_a_statement_that_does_not_exist_is_not_found(client):
    assert client.get("/s/no-such-statement/statement.docx").status_code == 404
    assert client.get("/s/" + "x" * 5000 + "/statement.docx").status_code == 404
