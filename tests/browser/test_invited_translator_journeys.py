"""A coordinator invites a translator by email; the translator accepts, writes the Spanish translation, and
finds the rest of the working group closed. The pages involved pass axe in Spanish and Arabic."""

import pytest
from playwright.sync_api import expect

from statements.accounts.models import TranslatorGrant, User
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.translating import services as translating
from tests.browser.conftest import check_page, log_in, shot

pytestmark = pytest.mark.browser

SPANISH = "Las personas desplazadas por el clima necesitan protección.\n\nY protección legal, ya."


def _spanish_translation(app, world) -> int:
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        translation = translating.start_translation(coordinator, db.session.get(Statement, world.statement_id), "es",
                                                    "El desplazamiento climático")
        db.session.commit()
        return translation.id


def test_a_coordinator_invites_a_translator_who_writes_the_spanish_translation_and_nothing_else(
        app, page, new_context, world, mailbox, live_server):
    spanish_id = _spanish_translation(app, world)
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}/translations")
    page.get_by_label("Email address of the translator").fill("lucia@example.org")
    page.get_by_label("Language to translate into").select_option(label="Español")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(
        "Invitation sent to lucia@example.org to translate into Spanish. The link works for 7 days.")
    listed = page.locator("li.translator")
    expect(listed).to_contain_text("lucia@example.org")
    expect(listed).to_contain_text("Invitation sent, not accepted yet")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "invited translators on the translations page")

    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    [message] = mailbox.to("lucia@example.org")
    assert message["Subject"] == "You are invited to translate “Climate displacement needs protection”"
    link = mailbox.link_in(message, "/invitations/")

    theirs = new_context().new_page()
    theirs.goto(link)
    expect(theirs.locator("main")).to_contain_text(
        "Coordinator Person invited you to translate Climate displacement needs protection into Spanish.")
    theirs.get_by_label("Your name").fill("Lucía Romero")
    theirs.get_by_label("Choose a password").fill("rivers and bridges")
    theirs.get_by_label("Type the password again").fill("rivers and bridges")
    theirs.get_by_role("button", name="Create my account").click()
    expect(theirs).to_have_url(f"{live_server}/statements/{spanish_id}/paragraphs")

    theirs.get_by_role("link", name="Edit the translation").click()
    theirs.get_by_label("Text (Markdown)").fill(SPANISH)
    theirs.get_by_role("button", name="Save").click()
    expect(theirs.locator(".flash-success")).to_contain_text("Saved as revision")
    theirs.get_by_role("link", name="Source text").click()
    expect(theirs.locator("article")).to_contain_text("People displaced by climate change need legal protection now.")
    with app.app_context():
        assert drafts.current_text(db.session.get(Statement, spanish_id)) == SPANISH

    answer = theirs.goto(f"/groups/{world.group_id}")
    assert answer.status == 404
    assert theirs.goto(f"/statements/{world.statement_id}").status == 404
    theirs.goto("/")
    expect(theirs.locator("main")).to_contain_text("El desplazamiento climático")

    # the coordinator removes the translator: the next page they open is closed to them
    page.reload()
    page.get_by_role("button", name="Remove Lucía Romero").click()
    expect(page.locator(".flash-success")).to_contain_text("Lucía Romero can no longer work")
    assert theirs.goto(f"/statements/{spanish_id}/edit").status == 404


@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_invited_translator_pages_pass_axe(app, page, new_context, world, language):
    spanish_id = _spanish_translation(app, world)
    with app.app_context():
        from tests.factories import make_user

        db.session.get(User, world.user_ids["coordinator"]).language = language
        translator = make_user("lucia@example.org", "Lucía Romero")
        translator.language = language
        db.session.add_all([TranslatorGrant(statement_id=world.statement_id, language="es", user=translator),
                            TranslatorGrant(statement_id=world.statement_id, language="fr", user=translator)])
        db.session.commit()
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}/translations")
    page.locator("#translator-email").fill("not an address")
    page.locator("#translator-email").press("Enter")
    expect(page.locator("#translator-email-error")).to_be_visible()
    check_page(page, f"translations with invited translators and an error {language}")

    theirs = new_context().new_page()
    log_in(theirs, "lucia@example.org")
    for path, name in (("/", "translator home"), (f"/statements/{spanish_id}/paragraphs", "translator paragraphs"),
                       (f"/statements/{spanish_id}/source", "translator source text"),
                       (f"/statements/{spanish_id}", "translator statement page"),
                       (f"/statements/{world.statement_id}/translate/fr", "translator starts french")):
        theirs.goto(path)
        check_page(theirs, f"{name} {language}")
    expect(theirs.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
