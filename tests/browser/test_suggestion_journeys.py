"""Journeys through suggested changes, in a real browser: a member suggests wording from a phone, another
supports it, the coordinator accepts it into a new revision that credits the author; two suggestions compete
for the same words."""

import re

from playwright.sync_api import expect

from statements.extensions import db
from statements.suggestions.models import Suggestion
from tests.browser.conftest import PHONE, check_page, log_in, shot
from tests.browser.test_comment_journeys import PARAGRAPHS, current_text, flash, new_statement, select_words


def suggestion_id_in(url: str) -> int:
    return int(re.search(r"/suggestions/(\d+)", url).group(1))


def stored_suggestion(app, suggestion_id: int) -> dict:
    with app.app_context():
        s = db.session.get(Suggestion, suggestion_id)
        return {"quote": s.original_quote, "replacement": s.replacement, "reason": s.reason, "status": s.status,
                "out_of_date": s.out_of_date, "supporters": [p.user.display_name for p in s.supports],
                "accepted_in": s.accepted_revision_number}


def suggest_on_selection(page, words: str, replacement: str, reason: str) -> int:
    select_words(page, words)
    button = page.get_by_role("link", name="Suggest a change", exact=True)
    expect(button).to_be_visible()
    shot(page, "words selected to suggest a change")
    button.click(delay=120)
    expect(page.get_by_role("heading", name="Suggest a change")).to_be_visible()
    expect(page.locator("blockquote.quote")).to_have_text(words)
    expect(page.get_by_label("New wording")).to_have_value(words)  # starts from the words, to be changed
    page.get_by_label("New wording").fill(replacement)
    page.get_by_label("Why this change?").fill(reason)
    page.get_by_role("button", name="Post suggestion").click()
    expect(flash(page)).to_have_text("Your suggestion is posted. The group can discuss and support it.")
    return suggestion_id_in(page.url)


def test_a_suggestion_from_a_phone_is_supported_and_accepted_with_its_author_credited(app, page, new_context,
                                                                                        world):
    statement_id = new_statement(app, world, ["\n\n".join(PARAGRAPHS)])
    page.set_viewport_size(PHONE)
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    suggestion_id = suggest_on_selection(page, "regular pathways", "safe and regular pathways",
                                         "“Safe and regular” is the Global Compact's wording.")
    expect(page.locator(".suggested-change del")).to_contain_text("regular pathways")
    expect(page.locator(".suggested-change ins")).to_contain_text("safe and regular pathways")
    check_page(page, "suggestion posted")

    supporter = new_context().new_page()
    log_in(supporter, world.emails["observer"])
    supporter.goto(f"/statements/{statement_id}/suggestions")
    supporter.get_by_role("link", name="Suggestion by Member Person").click()
    supporter.get_by_role("button", name="Support").click()
    expect(flash(supporter)).to_have_text("Your support is counted.")
    expect(supporter.get_by_role("heading", name="1 supporter")).to_be_visible()
    expect(supporter.get_by_role("button", name="Withdraw my support")).to_be_visible()

    coordinator = new_context().new_page()
    log_in(coordinator, world.emails["coordinator"])
    coordinator.goto(f"/suggestions/{suggestion_id}")
    expect(coordinator.get_by_label("Wording to take in")).to_have_value("safe and regular pathways")
    coordinator.get_by_role("button", name="Accept into a new revision").click()
    expect(flash(coordinator)).to_have_text("The suggestion is accepted, in revision 2.")
    expect(coordinator.locator(".badge-accepted")).to_have_text("Accepted")

    assert "Governments must open safe and regular pathways" in current_text(app, statement_id)
    assert stored_suggestion(app, suggestion_id) | {"reason": None} == {
        "quote": "regular pathways", "replacement": "safe and regular pathways", "reason": None,
        "status": "accepted", "out_of_date": False, "supporters": ["Observer Person"], "accepted_in": 2}
    coordinator.get_by_role("link", name="See revision 2").click()
    expect(coordinator.locator("main")).to_contain_text("Suggestion by Member Person accepted")
    expect(coordinator.locator("main")).to_contain_text("safe and regular pathways")
    coordinator.goto(f"/statements/{statement_id}/history")
    expect(coordinator.locator("main")).to_contain_text("Suggestion by Member Person accepted")


def test_two_suggestions_compete_for_one_passage_and_accepting_one_outdates_the_other(app, page, new_context,
                                                                                       world):
    statement_id = new_statement(app, world, ["\n\n".join(PARAGRAPHS)])
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    first = suggest_on_selection(page, "with no protection at all", "without legal protection",
                                 "Protection is a legal matter.")
    other = new_context().new_page()
    log_in(other, world.emails["observer"])
    other.goto(f"/statements/{statement_id}")
    second = suggest_on_selection(other, "no protection at all", "no protection whatsoever", "Stronger.")

    page.goto(f"/statements/{statement_id}/suggestions")
    expect(page.locator(".suggestion")).to_have_count(2)
    expect(page.locator(".suggestion").first).to_contain_text("Competing: 1 other suggestion changes the same words.")
    expect(page.locator(".suggestion").nth(1)).to_contain_text("Competing: 1 other suggestion changes the same words.")

    coordinator = new_context().new_page()
    log_in(coordinator, world.emails["coordinator"])
    coordinator.goto(f"/suggestions/{second}")
    expect(coordinator.get_by_role("heading", name="Competing suggestions on the same words")).to_be_visible()
    coordinator.get_by_role("button", name="Accept into a new revision").click()
    expect(flash(coordinator)).to_have_text("The suggestion is accepted, in revision 2.")

    page.goto(f"/suggestions/{first}")
    expect(page.locator(".badge-expired")).to_have_text("Out of date")
    expect(page.locator("main")).to_contain_text("Out of date:")
    assert stored_suggestion(app, first)["out_of_date"]
    coordinator.goto(f"/suggestions/{first}")
    coordinator.get_by_role("button", name="Accept into a new revision").click()
    expect(coordinator.locator(".error-summary")).to_contain_text("The passage changed since this suggestion was made")
    assert "no protection whatsoever" in current_text(app, statement_id)
