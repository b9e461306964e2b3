"""Every page type, at phone and desktop width: axe-core finds no violation, and a screenshot is kept."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts import services
from statements.accounts.models import Membership, Organization, User, WorkingGroup
from statements.core.policy import Role
from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.browser.conftest import check_page, log_in


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


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_accessibility_violations(name, app, page, world):
    who, reach, heading = PAGES[name]
    if who:
        log_in(page, world.emails[who])
    reach(page, app, world)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_page(page, name)
