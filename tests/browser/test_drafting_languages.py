"""Drafting in another language, in a real browser: a coordinator switches the interface to Spanish
with the footer switcher, edits and saves, and reads the flash and the history in Spanish; the
statement, edit and comment pages pass axe-core in Spanish and in Arabic at phone and desktop width."""

import re

import pytest
from playwright.sync_api import expect

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from tests.browser.conftest import check_page, log_in


def test_a_coordinator_switches_to_spanish_and_drafts_there(app, page, world):
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}")
    expect(page.get_by_role("heading", name="Next steps")).to_be_visible()

    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page).to_have_url(re.compile(rf"/statements/{world.statement_id}$"))  # the same page, in Spanish
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Próximos pasos")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Declaración")

    tabs.get_by_role("link", name="Editar").click()
    editor = page.get_by_label("Texto (Markdown)")
    expect(editor).to_have_attribute("lang", "en")  # the statement's own language
    editor.fill(editor.input_value() + "\n\nGovernments must act this year.")
    page.get_by_label("¿Qué cambiaste?").fill("Plazo añadido")
    page.get_by_role("button", name="Guardar", exact=True).click()

    expect(page.locator(".flash")).to_have_text("Guardado como versión 3.")
    expect(page.locator("#statement-text")).to_contain_text("Governments must act this year.")
    tabs.get_by_role("link", name="Historial").click()
    history = page.locator("table.history")
    expect(history.get_by_role("columnheader")).to_have_text(["Versión", "Quién y cuándo", "Nota", "Palabras",
                                                               "Comparar"])
    newest = history.locator("tbody tr").first
    expect(newest).to_contain_text("Versión 3")
    expect(newest).to_contain_text("Plazo añadido")
    with app.app_context():
        statement = db.session.get(Statement, world.statement_id)
        assert drafts.current_text(statement).endswith("Governments must act this year.")
        assert db.session.get(User, world.user_ids["coordinator"]).language == "es"  # kept on the account


@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_statement_edit_and_comment_pages_pass_axe_in_spanish_and_arabic(app, page, world, language):
    with app.app_context():
        db.session.get(User, world.user_ids["coordinator"]).language = language
        db.session.commit()
    log_in(page, world.emails["coordinator"])
    direction = "rtl" if language == "ar" else "ltr"

    page.goto(f"/statements/{world.statement_id}")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("#statement-text")).to_have_attribute("dir", "ltr")
    check_page(page, f"statement {language}")
    page.goto(f"/statements/{world.statement_id}/edit")
    check_page(page, f"edit {language}")
    page.goto(f"/statements/{world.statement_id}/history")
    check_page(page, f"history {language}")
    page.goto(f"/statements/{world.statement_id}/threads")
    check_page(page, f"comments {language}")
    page.goto(f"/threads/{world.thread_id}")
    expect(page.locator("blockquote.quote")).to_have_attribute("lang", "en")
    check_page(page, f"comment thread {language}")
