"""A consent round in a real browser: a coordinator asks three organizations for their position by a date;
two answer (one supports with concerns); the one that did not is reminded by email on the SMTP test server;
the table shows every position; once the date passes the coordinator is told, and their home page leads to
the decision; making the text final shows the result. Pages are checked with axe-core at
phone and desktop width."""

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts.models import User
from statements.consent.models import ConsentRound
from statements.core.policy import Role
from statements.drafts.models import Statement
from statements.extensions import db
from statements.notifications.services import tick
from tests.browser.conftest import check_page, log_in, log_out
from tests.factories import make_membership, make_organization, make_user

pytestmark = pytest.mark.browser

ORGANIZATIONS = ("Red de Mujeres Rurales", "Sindicato del Hogar", "Coastal Migrants Network")


def _three_organizations(app, world) -> None:
    """The member speaks for the first organization, the observer for the second, a third person for the third."""
    with app.app_context():
        made = [make_organization(name) for name in ORGANIZATIONS]
        group = db.session.get(Statement, world.statement_id).group
        db.session.get(User, world.user_ids["member"]).organization_id = made[0].id
        db.session.get(User, world.user_ids["observer"]).organization_id = made[1].id
        third = make_user("coastal@example.org", "Kofi Coastal")
        third.organization_id = made[2].id
        make_membership(third, group, Role.MEMBER)
        db.session.commit()


def _answer(page, world, email, position, comment=""):
    log_in(page, email)
    page.goto(f"/statements/{world.statement_id}/consent")
    page.get_by_label(position, exact=True).check()
    if comment:
        page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Record the position").click()
    expect(page.locator(".flash")).to_contain_text("Your organization's position is recorded")
    log_out(page)


def test_a_consent_round_with_three_organizations_one_with_concerns(app, page, world, mailbox):
    _three_organizations(app, world)
    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}")
    page.get_by_role("link", name="Open a consent round").click()
    for name in ORGANIZATIONS:
        expect(page.get_by_label(name)).to_be_checked()
    page.get_by_label("Answers by").fill("2020-01-01")
    page.get_by_role("button", name="Ask for positions").click()
    expect(page.locator("#ends_date-error")).to_contain_text("has already passed")
    check_page(page, "consent round form with errors")
    day = (datetime.now(timezone.utc) + timedelta(days=4)).strftime("%Y-%m-%d")
    page.get_by_label("Answers by").fill(day)
    page.get_by_role("button", name="Ask for positions").click()
    expect(page.locator(".flash")).to_contain_text("The consent round is open")
    expect(page.locator(".consent-counts")).to_contain_text("3 have not answered")
    log_out(page)

    _answer(page, world, world.emails["member"], "Support")
    _answer(page, world, world.emails["observer"], "Support with concerns",
            "Name domestic workers in the second paragraph.")

    # two days before the date, the organization that has not answered is reminded, and only it
    mailbox.messages.clear()
    with app.app_context():
        ends = db.session.scalar(select(ConsentRound)).ends_at
        assert tick(ends - timedelta(hours=47))["consent_ending"] == 1
        db.session.commit()
    mailbox.deliver()
    reminders = [m for m in mailbox.messages if "still awaited" in m["Subject"]]
    assert [m["To"] for m in reminders] == ["coastal@example.org"]
    link = mailbox.link_in(reminders[0], "/consent")

    log_in(page, "coastal@example.org")
    page.goto(link)
    expect(page.get_by_role("heading", name="Consent round", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Your organization's position")).to_be_visible()
    log_out(page)

    # the round's date passes: its coordinator is told, and their home page says what is theirs to decide
    with app.app_context():
        db.session.scalar(select(ConsentRound)).ends_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
        assert tick()["consent_ended"] == 1
        db.session.commit()
    log_in(page, world.emails["coordinator"])
    page.goto("/")
    result = page.locator(".todo-consent_result")
    expect(result).to_contain_text("2 of 3 organizations answered")
    check_page(page, "home with a consent round's result to decide")
    result.get_by_role("link", name="Consent round ended: make the text final or revise it").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name="Red de Mujeres Rurales")).to_contain_text("Support")
    expect(table.get_by_role("row", name="Sindicato del Hogar")).to_contain_text(
        "Support with concerns Name domestic workers in the second paragraph. Observer Person")
    expect(table.get_by_role("row", name="Coastal Migrants Network")).to_contain_text("Not answered yet")
    check_page(page, "consent round")

    page.get_by_role("link", name="Decide the next step: make the text final or revise it").click()
    page.get_by_role("button", name="Freeze the latest revision as final").click()
    expect(page.get_by_role("heading", name="Result of the consent round")).to_be_visible()
    expect(page.locator(".consent-counts")).to_contain_text("1 organization supports")
    expect(page.locator("main")).to_contain_text("Support with concerns: Sindicato del Hogar")
    check_page(page, "freeze as final with a consent round")
    page.get_by_role("button", name="Freeze as final anyway").click()
    expect(page.locator(".flash")).to_contain_text("frozen as the final text")
    expect(page.locator("#lifecycle-heading + ol")).to_contain_text(
        "consent round recorded with revision 2: 1 support, 1 with concerns, 0 cannot support, 1 did not answer")
