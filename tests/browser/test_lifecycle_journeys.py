"""Journeys through the lifecycle's dates and guard rails, in a real browser: a comment period with an end
date and its countdown; a final text made with a thread still open; publishing after the preview; correcting
the published text. Each new page is checked with axe-core at phone and desktop width, in English, Spanish
and Arabic."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import services as signons
from tests.browser.conftest import check_page, log_in
from tests.export.build import open_statement, sign

pytestmark = pytest.mark.browser


def flash(page):
    return page.locator(".flash")


def _published(app, world, translated: bool = False) -> int:
    """A published statement with a named signatory (and a public Spanish version), through the services."""
    with app.app_context():
        statement = open_statement(world, title="Protection for people who move",
                                   slug="protection-for-people-who-move")
        sign(world, statement, "Red de Mujeres Migrantes", contact_email="maria.published@redmujeres.example")
        statement_id = statement.id
    if translated:
        _translate(app, world, statement_id)
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        signons.close_signon(coordinator, statement)
        drafts.transition(coordinator, statement, "published")
        db.session.commit()
        return statement.id


def _closed(app, world) -> int:
    with app.app_context():
        statement = open_statement(world, title="Protection for people who move", slug="protection-closed")
        sign(world, statement, "Red de Mujeres Migrantes", contact_email="maria@redmujeres.example")
        sign(world, statement, "Quiet Shelter", country="KE", visibility="country",
             contact_email="quiet@private-mail.example")
        signons.close_signon(db.session.get(User, world.user_ids["coordinator"]), statement)
        db.session.commit()
        return statement.id


def test_a_coordinator_opens_a_comment_period_with_an_end_date_and_sees_the_countdown(app, page, world):
    with app.app_context():
        db.session.get(User, world.user_ids["coordinator"]).time_zone = "Europe/Paris"
        db.session.commit()
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}")
    page.get_by_role("link", name="Open the comment period…").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Open the comment period")
    expect(page.get_by_label("Time zone of the end")).to_have_value("Europe/Paris")  # the coordinator's own

    # a day gone by is refused beside the field, the rest kept
    page.get_by_label("Ends on (optional)").fill("2020-03-08")
    page.get_by_label("End the comment period by itself").check()
    page.get_by_role("button", name="Open the comment period").click()
    expect(page.locator("#ends_date-error")).to_have_text(
        "This date and time has already passed. Choose a later one, or leave the date empty.")
    expect(page.get_by_label("End the comment period by itself")).to_be_checked()
    check_page(page, "comment period form with errors")

    day = (datetime.now(timezone.utc).astimezone(ZoneInfo("Europe/Paris")) + timedelta(days=3)).strftime("%Y-%m-%d")
    page.get_by_label("Ends on (optional)").fill(day)
    page.get_by_label("Time", exact=True).fill("17:00")
    page.get_by_label("Members of every group in the network may read the draft and comment").check()
    page.get_by_role("button", name="Open the comment period").click()
    expect(flash(page)).to_have_text("The comment period is open: members are invited to comment.")
    expect(page.locator(".title-row .state")).to_have_text("Comment period")
    expect(page.locator(".period-end")).to_contain_text("17:00, Paris time")
    expect(page.locator(".period-end .countdown")).to_have_text("3 days left")
    check_page(page, "statement with a comment period countdown")
    with app.app_context():
        statement = db.session.get(Statement, world.statement_id)
        assert statement.comment_period_ends_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d %H:%M") \
            == f"{day} 17:00"
        assert statement.comment_period_closes_itself and statement.open_to_network

    # the end can move, or go
    page.get_by_role("link", name="Change the end", exact=True).click()
    expect(page.get_by_label("Ends on (optional)")).to_have_value(day)
    page.get_by_label("Ends on (optional)").fill("")
    page.get_by_role("button", name="Save").click()
    expect(flash(page)).to_have_text("The comment period's settings are saved.")
    expect(page.locator(".period-end")).to_have_count(0)


def test_a_coordinator_makes_the_text_final_past_an_open_thread(app, page, world):
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}")
    page.get_by_role("button", name="Freeze the latest revision as final").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Freeze revision 2 as final?")
    expect(page.get_by_role("alert")).to_contain_text("1 comment thread is still open.")
    expect(page.locator(".thread-list li")).to_have_count(1)
    check_page(page, "freeze with open threads")
    page.get_by_role("link", name="Go back to the threads").click()
    expect(page.locator(".title-row .state")).to_have_text("Draft")  # nothing happened
    page.get_by_role("button", name="Freeze the latest revision as final").click()
    page.get_by_role("button", name="Freeze as final anyway").click()
    expect(flash(page)).to_have_text("Revision 2 is frozen as the final text.")
    expect(page.locator(".title-row .state")).to_have_text("Final")


def test_a_coordinator_publishes_after_the_preview(app, page, world):
    statement_id = _closed(app, world)
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}")
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Publish this statement?")
    preview = page.locator(".publish-preview")
    expect(preview).to_contain_text("Governments must guarantee legal protection")
    expect(page.locator(".signatory-preview")).to_contain_text("Red de Mujeres Migrantes")
    expect(page.locator(".signatory-preview")).to_contain_text("An organization in Kenya")
    expect(page.locator("main")).not_to_contain_text("Quiet Shelter")
    check_page(page, "publish preview")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(flash(page)).to_have_text("The statement is published.")
    expect(page.locator(".title-row .state")).to_have_text("Published")


def _translate(app, world, statement_id: int) -> tuple[int, str]:
    """Give a statement a final Spanish translation in step with its final text (a public version)."""
    from statements.translating import services as translating

    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        source = db.session.get(Statement, statement_id)
        spanish = translating.start_translation(coordinator, source, "es", "Protección para quienes se desplazan")
        drafts.save_revision(coordinator, spanish, spanish.latest_number, SPANISH, "Traducción")
        drafts.transition(coordinator, spanish, "final")
        db.session.commit()
        return spanish.id, spanish.slug


SPANISH = """# Protección para las personas desplazadas por el cambio climático

Los gobiernos deben **garantizar** protección legal a quienes se desplazan por inundaciones, sequías y la subida
del mar. Esto significa un estatus *regular*, trabajo digno y el derecho a traer a sus familias.

- Abrir vías regulares para las personas desplazadas por desastres.
- Contar el desplazamiento en cada plan nacional de adaptación."""


def test_a_coordinator_corrects_the_published_text_and_the_public_page_says_so(app, page, new_context, world):
    statement_id = _published(app, world, translated=True)
    with app.app_context():
        spanish = db.session.scalar(select(Statement).where(Statement.source_id == statement_id))
        spanish_id, spanish_slug = spanish.id, spanish.slug
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{statement_id}")
    page.get_by_role("link", name="Correct the published text").click()
    # the translation that leaves the public site once the correction is published, with a way to update it
    warning = page.locator(".correction-translations")
    expect(warning).to_contain_text("This statement has translations")
    expect(warning).to_contain_text("Protección para quienes se desplazan (Spanish) · on the public site now")
    expect(warning.get_by_role("link", name="Update the Spanish translation")).to_have_attribute(
        "href", f"/statements/{spanish_id}/paragraphs")
    expect(page.get_by_role("button", name="Send correction")).to_have_count(0)  # a preview comes first
    text = page.get_by_label("Corrected text (Markdown)")
    text.fill(text.input_value().replace("droughts and", "droughts, fires and"))
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#note-error")).to_have_text("Say what you corrected and why: readers see this note.")
    check_page(page, "correct the published text with errors")
    assert "fires" in page.get_by_label("Corrected text (Markdown)").input_value()
    page.get_by_label("What did you correct, and why?").fill("Added fires to the list of disasters")
    page.get_by_role("button", name="Preview", exact=True).click()
    # the differences, marked as on the compare page, and the email the signatory will get
    expect(page.locator(".correction-preview ins").first).to_contain_text("fires")
    expect(page.locator(".correction-preview").first).to_contain_text("1 word added, 0 words removed.")
    mail = page.locator(".mail-body")
    expect(mail).to_contain_text("What was corrected: Added fires to the list of disasters")
    expect(mail).to_contain_text("{+")
    expect(page.locator(".correction-preview").nth(1)).to_contain_text("It goes to 1 approved signatory")
    assert "fires" in page.get_by_label("Corrected text (Markdown)").input_value()  # the text as typed
    check_page(page, "correct the published text preview")
    page.get_by_role("button", name="Send correction").click()
    expect(flash(page)).to_have_text("The corrected text is published as revision 2. "
                                     "1 signatory was told by email.")

    public = new_context().new_page()
    public.goto("/s/protection-for-people-who-move")
    expect(public.locator(".correction-note")).to_contain_text("Corrected on")
    expect(public.locator(".correction-note")).to_contain_text("Added fires to the list of disasters")
    expect(public.locator(".statement-text")).to_contain_text("droughts, fires and rising seas")
    check_page(public, "public page of a corrected statement")
    public.get_by_role("link", name="See what changed").click()
    expect(public.locator("ins").first).to_contain_text("fires")
    check_page(public, "corrections of the published text")
    assert public.goto(f"/s/{spanish_slug}").status == 404  # off the public site until brought up to date


@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_new_pages_in_other_languages_have_no_accessibility_violations(app, page, new_context, world, language):
    published, closed = _published(app, world), _closed(app, world)
    with app.app_context():
        db.session.get(User, world.user_ids["coordinator"]).language = language
        statement = db.session.get(Statement, published)
        drafts.correct_published(db.session.get(User, world.user_ids["coordinator"]), statement,
                                 statement.latest_number, drafts.current_text(statement) + "\n\nOne more line.",
                                 "Una línea más")
        db.session.commit()
    log_in(page, world.emails["coordinator"])
    for name, path in [("comment period form", f"/statements/{world.statement_id}/comment-period"),
                       ("publish preview", f"/statements/{closed}/publish"),
                       ("correct the published text", f"/statements/{published}/correct")]:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        check_page(page, f"{name} {language}")
    text = page.locator("textarea[name=text]")  # the correction form is the last page opened
    text.fill(text.input_value() + "\n\nAnd one more.")
    page.locator("input[name=note]").fill("Una línea más")
    page.locator("button[name=preview]").click()
    expect(page.locator(".mail-body")).to_be_visible()
    check_page(page, f"correct the published text preview {language}")
    page.goto(f"/statements/{world.statement_id}")
    page.locator(f"form[action='/statements/{world.statement_id}/transition'] button").first.click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_page(page, f"freeze with open threads {language}")
    visitor = new_context().new_page()
    visitor.goto("/s/protection-for-people-who-move/corrections")
    visitor.locator("#interface-language").select_option(language)
    with visitor.expect_navigation():
        visitor.locator(".language-switcher button[type=submit]").click()
    expect(visitor.locator("html")).to_have_attribute("lang", language)
    check_page(visitor, f"corrections of the published text {language}")
