"""A statement's French version kept in step in a real browser: the source changes, the right French
paragraph falls behind, the translator brings it back; the pages in English, Spanish and Arabic pass axe."""

import re

import pytest
from playwright.sync_api import expect

from statements.accounts.models import User, WorkingGroup
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from tests.browser.conftest import check_page, log_in

SOURCE = ("# Loss and damage\n\nThe fund must reach people who move.\n\n"
          "Governments must count displacement in their plans.")
FRENCH = ("# Pertes et préjudices\n\nLe fonds doit atteindre les personnes qui se déplacent.\n\n"
          "Les gouvernements doivent compter les déplacements dans leurs plans.")

pytestmark = pytest.mark.browser


def _statement(app, world) -> int:
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = drafts.create_statement(coordinator, db.session.get(WorkingGroup, world.group_id),
                                            "Loss and damage for all", "", "en", "", SOURCE)
        db.session.commit()
        return statement.id


def _edit(page, statement_id: int, text: str) -> None:
    page.goto(f"/statements/{statement_id}/edit")
    page.get_by_label("Text (Markdown)").fill(text)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved as revision")


def test_a_source_edit_puts_the_right_french_paragraph_behind_and_the_translator_brings_it_back(app, page, world,
                                                                                               new_context):
    source_id = _statement(app, world)
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{source_id}/translations")
    page.get_by_label("Language of the translation").select_option(label="Français")
    page.get_by_label("Title in that language").fill("Pertes et préjudices pour tous")
    page.get_by_role("button", name="Start the translation").click()
    expect(page.get_by_role("heading", name="Paragraph by paragraph")).to_be_visible()
    french_id = int(re.search(r"/statements/(\d+)/paragraphs", page.url).group(1))
    _edit(page, french_id, FRENCH)

    coordinator = new_context().new_page()
    log_in(coordinator, world.emails["coordinator"])
    _edit(coordinator, source_id, SOURCE.replace("people who move", "people forced to move"))
    coordinator.goto(f"/statements/{source_id}/translations")
    expect(coordinator.locator("tbody tr")).to_contain_text("1 paragraph behind")

    page.goto(f"/statements/{french_id}/paragraphs")
    behind = page.locator("li.paragraph-behind")
    expect(behind).to_have_count(1)
    expect(behind.get_by_role("heading")).to_contain_text("Paragraph 2")
    expect(behind.locator(".source-changes ins")).to_contain_text("forced to")
    check_page(page, "translation paragraphs behind")
    page.get_by_role("link", name="Edit the translation").click()
    page.get_by_label("Text (Markdown)").fill(FRENCH.replace("qui se déplacent", "contraintes de se déplacer"))
    page.get_by_role("button", name="Save").click()
    page.goto(f"/statements/{french_id}/paragraphs")
    expect(page.locator("li.paragraph-behind")).to_have_count(0)
    coordinator.goto(f"/statements/{source_id}/translations")
    expect(coordinator.locator("tbody tr")).to_contain_text("Up to date")


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_the_translation_pages_pass_axe_in_each_language(app, page, world, language):
    source_id = _statement(app, world)
    with app.test_request_context():
        from statements.translating import services as translating

        member = db.session.get(User, world.user_ids["member"])
        member.language = language
        french = translating.start_translation(member, db.session.get(Statement, source_id), "fr",
                                               "Pertes et préjudices pour tous")
        drafts.save_revision(member, french, 1, FRENCH, "")
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        source = french.source
        drafts.save_revision(coordinator, source, 1, SOURCE.replace("people who move", "people forced to move"), "")
        db.session.commit()
        french_id = french.id
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{source_id}/translations")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    check_page(page, f"translations table {language}")
    page.goto(f"/statements/{french_id}/paragraphs")
    check_page(page, f"translation paragraphs {language}")
