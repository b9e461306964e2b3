"""Every page type, at phone and desktop width: axe-core finds no violation, and a screenshot is kept."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts import services
from statements.accounts.models import Membership, Organization, User, WorkingGroup
from statements.comments import services as comments
from statements.comments.models import Thread
from statements.core.policy import Role
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.talking_points import services as points
from statements.talking_points.models import TalkingPoint
from tests.browser.conftest import check_page, log_in
from tests.factories import add_failed_mail, make_organization, make_statement


def _link_in_outbox(address: str, path_part: str) -> str:
    """The link in the newest message queued for an address (no SMTP needed to read it)."""
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                 .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"https?://\S*" + re.escape(path_part) + r"\S*", message.body_text).group(0)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email_normalized == email))


def _some_history(app, world) -> None:
    """Staff work that leaves invitations in each state, organizations and audit events behind."""
    with app.test_request_context():
        admin = _user(world.emails["admin"])
        group = db.session.get(WorkingGroup, world.group_id)
        services.invite(admin, "Tran.Thi.Mai@example.org", group, Role.COORDINATOR)
        revoked = services.invite(admin, "kwame.mensah@example.org", None, None, None, make_admin=True)
        services.revoke_invitation(admin, revoked)
        services.change_role(admin, db.session.get(Membership, world.membership_ids["observer"]), Role.MEMBER)
        services.save_organization(admin, None, name="Red de Mujeres Migrantes del Cono Sur y los Andes",
                                   country="AR", org_type="migrant",
                                   website="https://example.org/red-de-mujeres-migrantes/publicaciones")
        db.session.commit()


# name -> (who logs in, what to do to reach the page, the heading the page must show)
PAGES = {}


def page_type(name, who=None, heading=None):
    def register(reach):
        PAGES[name] = (who, reach, heading)
        return reach
    return register


@page_type("login", heading="Log in")
def _(page, app, world):
    page.goto("/login")


@page_type("login with errors", heading="Log in")
def _(page, app, world):
    page.goto("/login")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".field-error").first).to_be_visible()


@page_type("forgot password", heading="Reset your password")
def _(page, app, world):
    page.goto("/password/forgot")


@page_type("reset password", heading="Choose a new password")
def _(page, app, world):
    with app.test_request_context():
        services.request_password_reset(world.emails["member"])
        db.session.commit()
        link = _link_in_outbox(world.emails["member"], "/password/reset/")
    page.goto(link)


@page_type("accept invitation", heading="Welcome to Statements")
def _(page, app, world):
    with app.test_request_context():
        services.invite(_user(world.emails["admin"]), "Amara.Diallo@example.org",
                        db.session.get(WorkingGroup, world.group_id), Role.MEMBER)
        db.session.commit()
        link = _link_in_outbox("Amara.Diallo@example.org", "/invitations/")
    page.goto(link)


@page_type("accept invitation with errors", heading="Welcome to Statements")
def _(page, app, world):
    PAGES["accept invitation"][1](page, app, world)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".field-error").first).to_be_visible()


@page_type("home", who="coordinator", heading="Hello, Coordinator Person")
def _(page, app, world):
    page.goto("/")


@page_type("groups", who="admin", heading="Working groups")
def _(page, app, world):
    page.goto("/groups")


@page_type("group as coordinator", who="coordinator", heading="Climate and Displacement")
def _(page, app, world):
    page.goto(f"/groups/{world.group_id}")
    expect(page.get_by_role("button", name="Save role").first).to_be_visible()


@page_type("group with errors", who="coordinator", heading="Climate and Displacement")
def _(page, app, world):
    page.goto(f"/groups/{world.group_id}")
    page.get_by_label("Email address of an existing account").fill("nobody@example.org")
    page.get_by_role("button", name="Add to group").click()
    expect(page.locator(".field-error")).to_contain_text("No account uses this address.")


@page_type("group as observer", who="observer", heading="Climate and Displacement")
def _(page, app, world):
    page.goto(f"/groups/{world.group_id}")
    expect(page.get_by_role("button", name="Save role")).to_have_count(0)


@page_type("new group", who="admin", heading="New working group")
def _(page, app, world):
    page.goto("/groups/new")


@page_type("invitations", who="admin", heading="Invite people")
def _(page, app, world):
    _some_history(app, world)
    page.goto("/admin/invitations")
    expect(page.locator(".badge-revoked")).to_have_count(1)


@page_type("invitations with errors", who="admin", heading="Invite people")
def _(page, app, world):
    page.goto("/admin/invitations")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".field-error")).to_have_text("Enter an email address.")


@page_type("organizations", who="admin", heading="Member organizations")
def _(page, app, world):
    _some_history(app, world)
    page.goto("/admin/organizations")


@page_type("organization form", who="admin", heading="Add an organization")
def _(page, app, world):
    page.goto("/admin/organizations/new")


@page_type("organization form with errors", who="admin", heading="Add an organization")
def _(page, app, world):
    page.goto("/admin/organizations/new")
    page.get_by_label("Website").fill("example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error")).to_have_count(4)  # name, country, type and website
    expect(page.locator("#website-error")).to_have_text("Enter a full web address starting with https://")


@page_type("people", who="admin", heading="People")
def _(page, app, world):
    _some_history(app, world)
    page.goto("/admin/users")


@page_type("outbox", who="admin", heading="Outgoing mail")
def _(page, app, world):
    with app.app_context():
        add_failed_mail("maria.confirm@redmujeres.example", "Confirm the sign-on of Red de Mujeres Migrantes")
        add_failed_mail("old-contact@example.net", "A comment mentions you", attempts=3, status="pending",
                        error="SMTPRecipientsRefused: {'old-contact@example.net': (550, b'No such user')}")
    page.goto("/admin/mail")
    expect(page.locator(".outbox-message")).to_have_count(2)


@page_type("audit log", who="admin", heading="Audit log")
def _(page, app, world):
    _some_history(app, world)
    page.goto("/admin/audit")
    rows = page.locator("table.audit tbody tr")
    expect(rows.filter(has_text="Revoked the invitation for kwame.mensah@example.org")).to_have_count(1)
    expect(rows.filter(has_text="Changed Observer Person's role")).to_have_count(1)


@page_type("account", who="member", heading="Your account")
def _(page, app, world):
    page.goto("/account")


@page_type("account with errors", who="member", heading="Your account")
def _(page, app, world):
    page.goto("/account")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill("short")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".field-error").first).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").locator("[aria-current=page]")).to_have_text("Account")


@page_type("not found", who="member", heading="Page not found")
def _(page, app, world):
    response = page.goto("/groups/999999")
    assert response.status == 404


@page_type("not found logged out", heading="Page not found")
def _(page, app, world):
    response = page.goto("/no-such-page")
    assert response.status == 404


# --- drafting, talking points and comments ------------------------------------------------------

DRAFT = [
    "# Protection for people displaced by climate change\n\n"
    "Every year floods, droughts and rising seas force millions of people from their homes. "
    "Most stay in their own country. Many cross borders with no legal status at all.\n\n"
    "We call on governments to:\n\n"
    "- recognise climate displacement in national law;\n"
    "- open regular pathways for people who cannot return;\n"
    "- fund adaptation where people leave.\n\n"
    "Sources: https://example.org/reports/2025/climate-displacement-and-the-law-a-global-review\n",
]
DRAFT.append(DRAFT[0].replace("Every year floods", "Every year storms, floods").replace(
    "- fund adaptation where people leave.\n", "- fund adaptation where people leave;\n"
    "- count displaced women and girls in every response.\n"))
DRAFT.append(DRAFT[1].replace("Most stay in their own country. ", "").replace(
    "in every response", "in every humanitarian response")
             + "\n**No one should lose their rights because the climate changed around them.**\n")
TITLE = "Climate displacement: a call for protection"


def _drafted_statement(app, world) -> int:
    """A statement with three revisions and threads of every kind: on a passage (with a reply), on a
    passage since changed, on one since removed, on the whole text, and one resolved."""
    with app.test_request_context():
        coordinator, member = _user(world.emails["coordinator"]), _user(world.emails["member"])
        statement = make_statement(coordinator, db.session.get(WorkingGroup, world.group_id), TITLE, DRAFT[:2])
        text = drafts.current_text(statement)
        on_seas = comments.open_thread(member, statement, "Name the regions most affected?", "rising seas", 2, text)
        comments.reply(coordinator, on_seas, "Yes, @MemberPerson: the Pacific and the Sahel first.")
        comments.open_thread(coordinator, statement, "Does this cover people who move inside their country?",
                             "Most stay in their own country.", 2, text)
        comments.open_thread(member, statement, "A strong line. Keep it.", "open regular pathways for people", 2,
                             text)
        comments.open_thread(member, statement, "Do we have the numbers for this?",
                             "count displaced women and girls in every response", 2, text)
        comments.open_thread(member, statement, "Should the title name women and girls too?")
        resolved = comments.open_thread(coordinator, statement, "Typo in the first line?", "storms, floods", 2, text)
        comments.resolve(coordinator, resolved)
        drafts.save_revision(member, statement, 2, DRAFT[2], "Took out the country line; added a closing line")
        db.session.commit()
        return statement.id


def _thread_ids(app, statement_id: int) -> list[int]:
    with app.app_context():
        return db.session.scalars(select(Thread.id).where(Thread.statement_id == statement_id)
                                  .order_by(Thread.id)).all()


@page_type("statement with comments", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}")
    expect(page.locator("mark.passage-exact")).to_have_count(2)
    expect(page.locator("mark.passage-fuzzy")).to_have_count(1)
    expect(page.locator(".threads-panel .anchor-removed")).to_have_count(1)


@page_type("statement as coordinator", who="coordinator", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}")
    expect(page.get_by_role("button", name="Freeze the latest revision as final")).to_be_visible()


@page_type("statement frozen as final", who="coordinator", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}")
    page.get_by_role("button", name="Freeze the latest revision as final").click()
    page.get_by_role("button", name="Freeze as final anyway").click()  # past the open threads it lists
    expect(page.get_by_role("button", name="Reopen the draft")).to_be_visible()


@page_type("edit statement", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/edit")
    expect(page.locator("#preview")).to_contain_text("No one should lose their rights")  # the live preview


@page_type("conflict", who="member", heading=TITLE)
def _(page, app, world):

    statement_id = _drafted_statement(app, world)
    page.goto(f"/statements/{statement_id}/edit")
    with app.test_request_context():
        statement = db.session.get(Statement, statement_id)
        drafts.save_revision(_user(world.emails["coordinator"]), statement, 3,
                             DRAFT[2].replace("national law", "national and regional law"), "Regional law too")
        db.session.commit()
    editor = page.get_by_label("Text (Markdown)")
    editor.fill(editor.input_value().replace("national law", "the law of every country"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Your changes were not saved yet")


@page_type("history", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/history")
    expect(page.get_by_role("row")).to_have_count(4)


@page_type("revision", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/revisions/1")
    expect(page.get_by_role("button", name="Restore this revision")).to_be_visible()


@page_type("revision with its changes marked", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/revisions/3")
    expect(page.locator(".diff-rendered ins").first).to_be_visible()


@page_type("compare as readers see it", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/compare?from=1&to=3")
    expect(page.locator(".diff-rendered ins").first).to_be_visible()


@page_type("compare inline", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/compare?from=1&to=3&view=inline")
    expect(page.locator(".diff-inline ins").first).to_be_visible()


@page_type("compare side by side", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/compare?from=3&to=1&view=side")
    expect(page.locator(".diff-side del").first).to_be_visible()


@page_type("statement details", who="coordinator", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/details")


@page_type("new statement", who="coordinator", heading="New statement")
def _(page, app, world):
    page.goto(f"/groups/{world.group_id}/statements/new")


@page_type("new statement with errors", who="coordinator", heading="New statement")
def _(page, app, world):
    page.goto(f"/groups/{world.group_id}/statements/new")
    page.get_by_label("Short address").fill("Not An Address!")
    page.get_by_role("button", name="Open the statement").click()
    expect(page.locator(".field-error")).to_have_count(1)  # the title; the address is checked once there is one
    page.get_by_label("Title").fill("Labour rights on the move")
    page.get_by_role("button", name="Open the statement").click()
    expect(page.locator("#slug-error")).to_contain_text("Use only lower-case letters")


@page_type("talking points", who="member", heading="Talking points")
def _(page, app, world):

    with app.test_request_context():
        group, member = db.session.get(WorkingGroup, world.group_id), _user(world.emails["member"])
        points.create_point(member, group, "Climate displacement is already here",
                            "Floods and droughts displace millions of people every year, most of them women.",
                            "Global report | https://example.org/reports/global-displacement-2025",
                            "climate and displacement, gender")
        agreed = points.create_point(member, group, "Decent work for people on the move",
                                     "Every worker has rights, whatever their status.", "", "labour rights")
        points.set_status(_user(world.emails["coordinator"]), agreed, "agreed")
        db.session.commit()
    page.goto(f"/groups/{world.group_id}/points")
    expect(page.locator(".points > li")).to_have_count(3)


@page_type("talking point form", who="member", heading="Propose a talking point")
def _(page, app, world):
    page.goto(f"/groups/{world.group_id}/points/new")


@page_type("talking point form with errors", who="member", heading="Propose a talking point")
def _(page, app, world):
    page.goto(f"/groups/{world.group_id}/points/new")
    page.get_by_label("Sources").fill("A report without a link")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error")).to_have_count(2)  # title and the point; sources wait for them
    page.get_by_label("Title").fill("Regularization protects everyone")
    page.get_by_label("The point (Markdown)").fill("People with papers can report abuse.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#sources-error")).to_have_text(
        "Line 1 of the sources needs a web address starting with https:// (write “Title | https://…”).")


@page_type("talking point", who="coordinator", heading="Regularization works")
def _(page, app, world):

    with app.test_request_context():
        coordinator = _user(world.emails["coordinator"])
        point = db.session.get(TalkingPoint, world.point_id)
        points.update_point(coordinator, point, point.title, point.body,
                            "ILO report | https://example.org/ilo/regularization-and-decent-work-2024",
                            "regularization, labour rights")
        points.insert_into_statement(coordinator, point, db.session.get(Statement, world.statement_id))
        db.session.commit()
    page.goto(f"/points/{world.point_id}")
    expect(page.get_by_role("button", name="Mark as agreed")).to_be_visible()


@page_type("threads", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/threads?status=all")
    expect(page.locator(".thread-item")).to_have_count(6)


@page_type("thread", who="coordinator", heading=TITLE)
def _(page, app, world):
    thread_id = _thread_ids(app, _drafted_statement(app, world))[0]
    page.goto(f"/threads/{thread_id}")
    expect(page.locator(".comment")).to_have_count(2)


@page_type("thread on a removed passage", who="member", heading=TITLE)
def _(page, app, world):
    thread_id = _thread_ids(app, _drafted_statement(app, world))[1]
    page.goto(f"/threads/{thread_id}")
    expect(page.locator(".anchor-removed")).to_be_visible()


@page_type("new thread on a paragraph", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}")
    page.locator(".block").nth(1).get_by_role("link", name="Comment").click()
    expect(page.get_by_role("heading", name="Comment on a passage")).to_be_visible()


@page_type("new thread with errors", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/threads/new")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#body-error")).to_have_text("Write a comment before sending it.")


@page_type("edit comment", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/threads/{_thread_ids(app, _drafted_statement(app, world))[0]}")
    page.locator(".comment").first.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit your comment")).to_be_visible()


def _consent_round(app, world) -> int:
    """The drafted statement with a consent round of three organizations: one supports, one with concerns
    (and changed its mind once), one has not answered; the member represents the one not answered yet."""
    from datetime import timedelta

    from statements.consent import services as consent
    from statements.core.db import utcnow

    statement_id = _drafted_statement(app, world)
    with app.test_request_context():
        statement = db.session.get(Statement, statement_id)
        names = ("Red de Mujeres Migrantes del Cono Sur y los Andes", "Sindicato del Hogar", "Coastal Network")
        made = [make_organization(name) for name in names]
        coordinator, observer = _user(world.emails["coordinator"]), _user(world.emails["observer"])
        coordinator.organization_id, observer.organization_id = made[0].id, made[1].id
        _user(world.emails["member"]).organization_id = made[2].id
        round_ = consent.open_round(coordinator, statement, [o.id for o in made], utcnow() + timedelta(days=4))
        consent.record_position(coordinator, round_, "support", "")
        consent.record_position(observer, round_, "cannot_support", "Too vague on finance.")
        consent.record_position(observer, round_, "concerns",
                                "Better, but name who pays for adaptation: the fund, not the displaced.")
        db.session.commit()
    return statement_id


@page_type("consent round", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_consent_round(app, world)}/consent")
    expect(page.get_by_role("heading", name="Your organization's position")).to_be_visible()


@page_type("open a consent round", who="coordinator", heading=TITLE)
def _(page, app, world):
    with app.app_context():
        _user(world.emails["member"]).organization_id = make_organization("Sindicato del Hogar").id
        db.session.commit()
    page.goto(f"/statements/{_drafted_statement(app, world)}/consent/open")
    expect(page.get_by_label("Sindicato del Hogar")).to_be_checked()


def _statement_with_suggestions(app, world) -> tuple[int, list[int]]:
    """The drafted statement with suggestions: two competing on the same words (one supported), one out of
    date, one rejected."""
    from statements.suggestions import services as suggestions

    statement_id = _drafted_statement(app, world)
    with app.test_request_context():
        coordinator, member = _user(world.emails["coordinator"]), _user(world.emails["member"])
        observer = _user(world.emails["observer"])
        statement = db.session.get(Statement, statement_id)
        text, number = drafts.current_text(statement), statement.latest_number
        first = suggestions.propose(member, statement, "rising seas", number, text, "rising seas and storms",
                                    "Storms displace more people than floods in the Pacific.")
        suggestions.support(observer, first)
        second = suggestions.propose(observer, statement, "rising seas", number, text, "sea-level rise",
                                     "The term the reports use.")
        rejected = suggestions.propose(member, statement, "open regular pathways", number, text, "open pathways",
                                       "Shorter.")
        suggestions.reject(coordinator, rejected, "“Regular” is the word governments recognize.")
        db.session.commit()
        return statement_id, [first.id, second.id, rejected.id]


@page_type("new suggestion on a paragraph", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}")
    page.locator(".block").nth(1).get_by_role("link", name=re.compile("^Suggest")).click()
    expect(page.get_by_role("heading", name="Suggest a change")).to_be_visible()


@page_type("new suggestion with errors", who="member", heading=TITLE)
def _(page, app, world):
    page.goto(f"/statements/{_drafted_statement(app, world)}/suggestions/new?quote=rising+seas")
    page.get_by_role("button", name="Post suggestion").click()
    expect(page.locator("#reason-error")).to_have_text("Say why, so that the group can weigh it.")


@page_type("suggestion list", who="member", heading=TITLE)
def _(page, app, world):
    statement_id, _ids = _statement_with_suggestions(app, world)
    page.goto(f"/statements/{statement_id}/suggestions?status=all")
    expect(page.locator(".suggestion")).to_have_count(3)


@page_type("suggestions to accept together", who="coordinator", heading=TITLE)
def _(page, app, world):
    from statements.suggestions import services as suggestions

    statement_id, _ids = _statement_with_suggestions(app, world)
    with app.test_request_context():
        statement = db.session.get(Statement, statement_id)
        suggestions.propose(_user(world.emails["member"]), statement, "fund adaptation", statement.latest_number,
                            drafts.current_text(statement), "pay for adaptation", "Plainer words.")
        db.session.commit()
    page.goto(f"/statements/{statement_id}/suggestions")
    expect(page.locator("input[name=suggestion]")).to_have_count(3)


@page_type("draft with suggestions in place", who="member", heading=TITLE)
def _(page, app, world):
    statement_id, _ids = _statement_with_suggestions(app, world)
    page.goto(f"/statements/{statement_id}/suggestions/tracked")
    expect(page.locator(".diff-rendered del").first).to_be_visible()
    expect(page.locator(".tracked-list li")).to_have_count(1)


@page_type("draft with suggestions in place, its source", who="member", heading=TITLE)
def _(page, app, world):
    statement_id, _ids = _statement_with_suggestions(app, world)
    page.goto(f"/statements/{statement_id}/suggestions/tracked?view=source")
    expect(page.locator(".tracked-change")).to_have_count(1)


@page_type("suggestion to decide", who="coordinator", heading=TITLE)
def _(page, app, world):
    _statement_id, ids = _statement_with_suggestions(app, world)
    page.goto(f"/suggestions/{ids[0]}")
    # found by place, not by words: the page is also checked in Arabic
    expect(page.locator("form[action$='/accept'] button")).to_be_visible()
    expect(page.locator("#competing-heading")).to_be_visible()


@page_type("rejected suggestion", who="member", heading=TITLE)
def _(page, app, world):
    _statement_id, ids = _statement_with_suggestions(app, world)
    page.goto(f"/suggestions/{ids[2]}")
    expect(page.locator(".badge-rejected")).to_be_visible()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_accessibility_violations(name, app, page, world):
    who, reach, heading = PAGES[name]
    if who:
        log_in(page, world.emails[who])
    reach(page, app, world)
    # the page's own title comes first; a statement's text may have headings of its own
    expect(page.locator("main h1").first).to_have_text(heading)
    check_page(page, name)


#: page types again in Spanish and Arabic: (name, language, the heading in that language). People with
#: an account read their account's language; visitors, their browser's.
IN_OTHER_LANGUAGES = [
    ("login", "es", "Iniciar sesión"),
    ("login", "ar", "تسجيل الدخول"),
    ("forgot password", "ar", "إعادة تعيين كلمة المرور"),
    ("accept invitation", "ar", "مرحبًا بك في Statements"),
    ("home", "ar", "مرحبًا، Coordinator Person"),
    ("groups", "es", "Grupos de trabajo"),
    ("account", "es", "Su cuenta"),
    ("account", "ar", "حسابك"),
    ("invitations", "ar", "دعوة أشخاص"),
    ("organizations", "ar", "المنظمات الأعضاء"),
    ("people", "es", "Personas"),
    ("audit log", "ar", "سجل التدقيق"),
    ("outbox", "ar", "البريد الصادر"),
    ("outbox", "es", "Correo saliente"),
    ("not found", "ar", "الصفحة غير موجودة"),
    ("not found logged out", "es", "Página no encontrada"),
    ("suggestion to decide", "ar", "Climate displacement: a call for protection"),
]


@pytest.mark.parametrize("name, language, heading", IN_OTHER_LANGUAGES)
def test_page_in_another_language_has_no_accessibility_violations(name, language, heading, app, page, world):
    who, reach, _english_heading = PAGES[name]
    if who:
        with app.app_context():
            _user(world.emails[who]).language = language
            db.session.commit()
        log_in(page, world.emails[who])
    else:  # the switcher in the footer, as a visitor would
        page.goto("/login")
        page.locator("#interface-language").select_option(language)
        with page.expect_navigation():
            page.locator(".language-switcher button[type=submit]").click()
    reach(page, app, world)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("main h1").first).to_have_text(heading)
    check_page(page, f"{name} {language}")
