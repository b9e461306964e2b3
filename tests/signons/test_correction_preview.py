"""Before a correction is sent, its form shows the word differences and the email signatories will get; only a
correction as previewed is sent. The form warns that translations leave the public site until brought up to date."""

import pytest
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.drafts.models import Correction, Statement
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.translating import services as translating
from tests.export.build import open_statement, publish, sign
from tests.signons.pages import plain
from tests.signons.test_corrections import (CORRECTED, NOTE, coordinator, correct, hidden_value, preview,  # noqa: F401
                                            published, stored)

SOURCE = "# Loss and damage\n\nThe fund must reach people who move."
SPANISH = "# Pérdidas y daños\n\nEl fondo debe llegar a las personas que se desplazan."


def outbox_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_form_first_offers_a_preview_and_nothing_else(coordinator, published):
    page = coordinator.get(f"/statements/{published}/correct").get_data(as_text=True)
    assert 'name="preview"' in page and 'name="send"' not in page
    assert "Nothing is published or sent yet" in plain(page)


def test_the_preview_shows_the_differences_and_the_email_and_stores_nothing(app, coordinator, published):
    before = outbox_count(app)
    response = preview(coordinator, published)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    words = plain(page)
    # the word differences, marked as on the compare page
    assert "<ins>fires</ins>" in page.replace("<ins>, fires</ins>", "<ins>fires</ins>") \
        or "fires" in page.split('class="diff diff-inline"', 1)[1].split("<ins>", 1)[1].split("</ins>", 1)[0]
    assert "1 word added" in words and "0 words removed" in words
    # the email, in the coordinator's language, with stand-ins for each signatory's own details
    assert "It goes to 2 approved signatories, each in the language they signed in" in words
    assert "Subject: The published statement “Protection for people who move” was corrected" in words
    mail = plain(page.split('class="mail-body"', 1)[1].split("</section>", 1)[0])
    assert "Hello [the contact person's name]," in mail and f"What was corrected: {NOTE}" in mail
    assert "{+fires+}" in mail.replace("{+, fires+}", "{+fires+}").replace("{+fires, +}", "{+fires+}")
    assert "/s/protection-for-people-who-move/corrections" in mail and "[a link of their own]" in mail
    # the text and note as typed, and the button that sends them
    assert "droughts, fires and" in page.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert f'value="{NOTE}"' in page and 'name="send"' in page and "Send correction" in words
    assert stored(app, published)["corrections"] == 0 and outbox_count(app) == before


def test_text_changed_after_the_preview_is_shown_again_not_sent(app, coordinator, published):
    page = preview(coordinator, published).get_data(as_text=True)
    changed = CORRECTED.replace("fires", "wildfires")
    response = coordinator.submit(f"/statements/{published}/correct", {
        "base": hidden_value(page, "base"), "text": changed, "note": NOTE,
        "previewed": hidden_value(page, "previewed"), "send": "1"})
    assert response.status_code == 200
    assert "The text or the note changed after the preview." in plain(response.get_data(as_text=True))
    assert "wildfires" in response.get_data(as_text=True).split('class="diff diff-inline"', 1)[1]
    assert stored(app, published)["corrections"] == 0


@pytest.mark.parametrize("previewed", ["", "made-up", "x" * 5000])
def test_a_send_without_its_preview_is_previewed_first(app, coordinator, published, previewed):
    response = coordinator.submit(f"/statements/{published}/correct", {
        "base": "1", "text": CORRECTED, "note": NOTE, "previewed": previewed, "send": "1"})
    assert response.status_code == 200 and 'name="send"' in response.get_data(as_text=True)
    assert stored(app, published)["corrections"] == 0


def test_the_note_is_shown_as_text_in_the_preview(coordinator, published):
    page = preview(coordinator, published, note="<script>alert(1)</script> & more").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_a_statement_without_signatories_to_tell_says_nobody_is_emailed(app, world, coordinator):
    with app.app_context():
        statement = open_statement(world, slug="nobody-signed")
        publish(world, statement)
        statement_id = statement.id
    words = plain(preview(coordinator, statement_id).get_data(as_text=True))
    assert "No approved signatory has an address to write to: nobody is emailed." in words


# --- translations ---------------------------------------------------------------------------------

@pytest.fixture
def translated(app, world):
    """A published statement with a final Spanish translation in step with it (public), and a French draft."""
    with app.app_context():
        person = db.session.get(User, world.user_ids["coordinator"])
        statement = open_statement(world, text=SOURCE, slug="loss-and-damage")
        for language, title, text, final in (("es", "Pérdidas y daños", SPANISH, True),
                                              ("fr", "Pertes et préjudices", "# Pertes", False)):
            version = translating.start_translation(person, statement, language, title)
            drafts.save_revision(person, version, version.latest_number, text, "Traduction")
            if final:
                drafts.transition(person, version, "final")
        sign(world, statement, "Red de Mujeres Migrantes")
        db.session.commit()
        publish(world, statement)
        spanish = translating.translation_in(statement, "es")
        return statement.id, spanish.id, spanish.slug, translating.translation_in(statement, "fr").id


def test_the_form_warns_that_translations_leave_the_public_site(client, coordinator, translated):
    statement_id, spanish_id, spanish_slug, french_id = translated
    assert client.get(f"/s/{spanish_slug}").status_code == 200
    page = coordinator.get(f"/statements/{statement_id}/correct").get_data(as_text=True)
    words = plain(page)
    assert "This statement has translations" in words
    assert "the translation leaves the public site until its draft is reopened" in words
    assert "Pérdidas y daños (Spanish) · on the public site now · Update the Spanish translation" in words
    assert "Pertes et préjudices (French) · not on the public site" in words
    assert f'href="/statements/{spanish_id}/paragraphs"' in page
    assert f'href="/statements/{french_id}/paragraphs"' in page
    # and it is so: once corrected, the Spanish version is off the public site, its paragraph behind
    assert correct(coordinator, statement_id, text=SOURCE + " Now.", note="Said when").status_code == 302
    assert client.get(f"/s/{spanish_slug}").status_code == 404
    behind = plain(coordinator.get(f"/statements/{spanish_id}/paragraphs").get_data(as_text=True))
    assert "behind" in behind.lower()


def test_a_statement_without_translations_has_no_warning(coordinator, published):
    assert "This statement has translations" not in plain(
        coordinator.get(f"/statements/{published}/correct").get_data(as_text=True))


def test_only_the_source_is_corrected_not_a_translation(app, coordinator, translated):
    _statement_id, spanish_id, _slug, _french = translated
    assert coordinator.get(f"/statements/{spanish_id}/correct").status_code == 302
    sent = coordinator.submit(f"/statements/{spanish_id}/correct", {
        "base": "2", "text": "Otro texto", "note": "Nota", "preview": "1"})
    assert sent.status_code == 302
    with app.app_context():
        assert db.session.get(Statement, spanish_id).latest_number == 2
        assert db.session.scalar(select(func.count()).select_from(Correction)) == 0
