"""Staff moderate hundreds of sign-ons: all matching a filter across pages, one row with one click, undo their
last decision, see what another moderator decided meanwhile, and correct a signatory's typo."""

import re

import pytest
from sqlalchemy import func, select

from statements.audit.models import AuditEvent
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.signons.models import SignOn
from tests.signons.pages import add_signon, flashes, plain, signon_named, statement_by_slug, text_of


@pytest.fixture
def waiting(app, world):
    """120 confirmed sign-ons waiting for approval (three pages), 20 of them from Kenya; and a few others."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for number in range(120):
            add_signon(statement, f"Waiting Collective {number:03}", "KE" if number < 20 else "GT", "confirmed")
        add_signon(statement, "Still Unconfirmed Network", "GT", "pending")
        add_signon(statement, "Rejected Earlier Group", "GT", "rejected")
        db.session.commit()


def seen_at(page: str) -> str:
    return re.search(r'name="seen_at" value="(\d+)"', page).group(1)


def statuses() -> dict[str, int]:
    return dict(db.session.execute(select(SignOn.status, func.count()).group_by(SignOn.status)).all())


def decide_matching(client, statement_id: int, action: str, mark: str | None = None, **filters):
    data = {"scope": "matching", "action": action, "status": "confirmed", **filters}
    if mark is not None:
        data["seen_at"] = mark
    return client.submit(f"/statements/{statement_id}/signons/decide", data)


def flashed(client, response) -> list[str]:
    return flashes(text_of(client.get(response.headers["Location"])))


def test_all_sign_ons_matching_the_filter_are_approved_across_pages(app, staff, statement_id, waiting):
    page = text_of(staff.get(f"/statements/{statement_id}/signons"))
    assert "All 120 sign-ons matching this filter, on every page" in plain(page)
    assert "All 50 sign-ons on this page" in plain(page)
    response = decide_matching(staff, statement_id, "approve", seen_at(page))
    assert "120 sign-ons approved." in flashed(staff, response)
    with app.app_context():
        assert statuses() == {"approved": 120, "pending": 1, "rejected": 1}
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "signon.approved")) == 120
    assert "No sign-ons match these filters." in text_of(staff.get(f"/statements/{statement_id}/signons"))


def test_all_matching_is_the_filter_the_server_applies_not_ids_posted_from_the_page(app, staff, statement_id,
                                                                                   waiting):
    with app.app_context():
        outside = signon_named("Waiting Collective 100").id  # from Guatemala
    response = staff.submit(f"/statements/{statement_id}/signons/decide", {
        "scope": "matching", "action": "reject", "status": "confirmed", "country": "KE",
        "signon": [str(outside)], "page_signon": [str(outside)]})
    assert "20 sign-ons rejected." in flashed(staff, response)
    with app.app_context():
        assert statuses() == {"rejected": 21, "confirmed": 100, "pending": 1}
        assert db.session.get(SignOn, outside).status == "confirmed"


def test_all_on_this_page_decides_the_rows_shown_and_no_others(app, staff, statement_id, waiting):
    page = text_of(staff.get(f"/statements/{statement_id}/signons"))
    shown = re.findall(r'name="page_signon" value="(\d+)"', page)
    assert len(shown) == 50
    response = staff.submit(f"/statements/{statement_id}/signons/decide",
                            {"scope": "page", "action": "approve", "page_signon": shown})
    assert "50 sign-ons approved." in flashed(staff, response)
    with app.app_context():
        assert statuses()["confirmed"] == 70


def test_one_click_approves_or_rejects_a_single_row(app, staff, statement_id, waiting):
    page = text_of(staff.get(f"/statements/{statement_id}/signons?q=Collective+007"))
    row = re.search(r'<form method="post" action="[^"]*/decide" class="row-decision">.*?</form>', page,
                    re.DOTALL).group(0)
    assert "Approve<span class=\"visually-hidden\"> Waiting Collective 007</span>" in row
    signon_id = re.search(r'name="signon" value="(\d+)"', row).group(1)
    back = f"/statements/{statement_id}/signons?q=Collective+007"
    response = staff.submit(f"/statements/{statement_id}/signons/decide",
                            {"signon": signon_id, "action": "reject", "seen_at": seen_at(page), "back": back})
    assert response.headers["Location"] == back  # back to the same filter
    assert "1 sign-on rejected." in flashed(staff, response)
    with app.app_context():
        assert signon_named("Waiting Collective 007").status == "rejected"
        assert statuses()["confirmed"] == 119


def test_a_second_moderator_sees_what_the_first_decided_and_nothing_is_lost(app, staff, coordinator, statement_id,
                                                                           world, waiting):
    staff_page = text_of(staff.get(f"/statements/{statement_id}/signons?country=KE"))
    coordinator_page = text_of(coordinator.get(f"/statements/{statement_id}/signons?country=KE"))
    with app.app_context():
        kenyan = [signon_named(f"Waiting Collective {n:03}").id for n in range(20)]
    # the coordinator approves twelve of them, one by one and together, while the staff member reads the page
    coordinator.submit(f"/statements/{statement_id}/signons/decide",
                       {"signon": [str(i) for i in kenyan[:12]], "action": "approve",
                        "seen_at": seen_at(coordinator_page)})
    response = staff.submit(f"/statements/{statement_id}/signons/decide",
                            {"signon": [str(i) for i in kenyan], "action": "reject",
                             "seen_at": seen_at(staff_page)})
    messages = flashed(staff, response)
    assert "8 sign-ons rejected." in messages
    assert ("12 were already decided by Coordinator Person after this page was shown, and kept as they decided."
            in messages)
    with app.app_context():
        assert {db.session.get(SignOn, i).status for i in kenyan[:12]} == {"approved"}
        assert {db.session.get(SignOn, i).status for i in kenyan[12:]} == {"rejected"}


def test_all_matching_says_what_another_moderator_decided_meanwhile(app, staff, coordinator, statement_id, waiting):
    mark = seen_at(text_of(staff.get(f"/statements/{statement_id}/signons")))
    with app.app_context():
        first = [signon_named(f"Waiting Collective {n:03}").id for n in range(3)]
    coordinator.submit(f"/statements/{statement_id}/signons/decide",
                       {"signon": [str(i) for i in first], "action": "reject"})
    messages = flashed(staff, decide_matching(staff, statement_id, "approve", mark))
    assert "117 sign-ons approved." in messages
    assert "3 were already decided by Coordinator Person after this page was shown, and kept as they decided." \
        in messages
    with app.app_context():
        assert {db.session.get(SignOn, i).status for i in first} == {"rejected"}


def test_undo_puts_back_the_last_decision_once(app, staff, statement_id, world, waiting):
    decide_matching(staff, statement_id, "approve", country="KE")
    page = text_of(staff.get(f"/statements/{statement_id}/signons"))
    assert "Undo my last decision" in page
    response = staff.submit(f"/statements/{statement_id}/signons/undo")
    assert "Undone: 20 sign-ons are back as they were before you approved them." in flashed(staff, response)
    with app.app_context():
        kenyan = signon_named("Waiting Collective 005")
        assert kenyan.status == "confirmed" and kenyan.decided_by_id is None and kenyan.approved_at is None
        assert statuses()["confirmed"] == 120
        undone = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signon.decision_undone")).all()
        assert len(undone) == 20 and {event.actor_id for event in undone} == {world.user_ids["admin"]}
    assert "Undo my last decision" not in text_of(staff.get(f"/statements/{statement_id}/signons"))
    again = staff.submit(f"/statements/{statement_id}/signons/undo")
    assert ("There is no decision of yours to undo on this statement: only your last approve or reject can be "
            "undone, once.") in flashed(staff, again)
    with app.app_context():
        assert statuses()["confirmed"] == 120


def test_an_approval_undone_before_its_email_went_out_tells_nobody(app, staff, statement_id, waiting, mailbox):
    decide_matching(staff, statement_id, "approve", country="KE")
    staff.submit(f"/statements/{statement_id}/signons/undo")
    with app.app_context():
        again = signon_named("Waiting Collective 005")
        again_id, again_email = again.id, again.contact_email
    staff.submit(f"/statements/{statement_id}/signons/decide", {"signon": str(again_id), "action": "approve"})
    mailbox.deliver()
    approvals = [message for message in mailbox.messages if "Your signature is on" in message["Subject"]]
    assert [message["To"] for message in approvals] == [again_email]  # once, for the approval that stands
    assert "Waiting Collective 005 is now on the list of signatories" in mailbox.body(approvals[0])
    with app.app_context():
        assert dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
                    .all()) == {"sent": 1, "discarded": 20}  # the first approval's twenty, 005's among them


def test_undo_leaves_a_row_someone_else_changed_since_and_says_who(app, staff, coordinator, statement_id, waiting):
    with app.app_context():
        ids = [signon_named(f"Waiting Collective {n:03}").id for n in range(3)]
    staff.submit(f"/statements/{statement_id}/signons/decide", {"signon": [str(i) for i in ids], "action": "reject"})
    coordinator.submit(f"/statements/{statement_id}/signons/decide", {"signon": str(ids[0]), "action": "approve"})
    messages = flashed(staff, staff.submit(f"/statements/{statement_id}/signons/undo"))
    assert "Undone: 2 sign-ons are back as they were before you rejected them." in messages
    assert ("Not undone for Waiting Collective 000: Coordinator Person changed it since. It stays as they left it."
            in messages)
    with app.app_context():
        assert db.session.get(SignOn, ids[0]).status == "approved"
        assert {db.session.get(SignOn, i).status for i in ids[1:]} == {"confirmed"}


def test_undo_is_ones_own_and_of_this_statement(app, staff, coordinator, statement_id, waiting):
    staff.submit(f"/statements/{statement_id}/signons/decide", {"signon": [], "action": "approve"})
    decide_matching(coordinator, statement_id, "approve", country="KE")
    assert "There is no decision of yours to undo" in flashed(staff, staff.submit(
        f"/statements/{statement_id}/signons/undo"))[0]
    with app.app_context():
        assert statuses()["approved"] == 20


# --- correcting a signatory -------------------------------------------------------------------------

def edit(client, signon_id: int, **fields):
    data = {"organization_name": "Red de Mujeres Migrantes", "country": "GT", "org_type": "ngo", **fields}
    return client.submit(f"/signons/{signon_id}/edit", data)


def test_a_typo_in_a_name_is_corrected_and_the_audit_log_says_from_what_to_what(app, staff, statement_id, world):
    with app.app_context():
        signon = add_signon(statement_by_slug(world.signon_slug), "Red de Mujres Migrantes", "MX", "approved",
                            org_type="union")
        db.session.commit()
        signon_id = signon.id
    form = text_of(staff.get(f"/signons/{signon_id}/edit?back=/statements/{statement_id}/signons?status=approved"))
    assert 'value="Red de Mujres Migrantes"' in form
    response = edit(staff, signon_id, back=f"/statements/{statement_id}/signons?status=approved")
    assert response.headers["Location"] == f"/statements/{statement_id}/signons?status=approved"
    assert "Red de Mujeres Migrantes is corrected. The audit log keeps what it was." in flashed(staff, response)
    with app.app_context():
        signon = db.session.get(SignOn, signon_id)
        assert (signon.organization_name, signon.country, signon.org_type) == ("Red de Mujeres Migrantes", "GT", "ngo")
        assert signon.name_key == "red de mujeres migrantes" and signon.status == "approved"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signon.edited"))
        assert event.subject_id == signon_id and event.actor_id == world.user_ids["admin"]
        assert event.details["changes"] == {"organization_name": ["Red de Mujres Migrantes", "Red de Mujeres Migrantes"],
                                            "country": ["MX", "GT"], "org_type": ["union", "ngo"]}
    log = plain(text_of(staff.get("/admin/audit?action=signon.edited")))
    assert "Signatory's name, country or type corrected" in log
    assert "Corrected the sign-on of Red de Mujres Migrantes (now Red de Mujeres Migrantes)" in log
    assert "Red de Mujeres Migrantes" in text_of(staff.get(f"/s/{world.signon_slug}/signatories"))


def test_correcting_to_a_name_another_sign_on_holds_flags_it_as_a_likely_duplicate(app, staff, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        holder = add_signon(statement, "Casa del Migrante", "GT", "approved")
        typo = add_signon(statement, "Casa del Migrnte", "GT", "confirmed", email="luz@elsewhere.example.org")
        db.session.commit()
        holder_id, typo_id = holder.id, typo.id
    messages = flashed(staff, edit(staff, typo_id, organization_name="Casa del Migrante"))
    assert ("It now looks like another sign-on of this statement (Casa del Migrante): it is marked as a possible "
            "duplicate.") in messages
    with app.app_context():
        signon = db.session.get(SignOn, typo_id)
        assert signon.possible_duplicate_of_id == holder_id and signon.duplicate_reason == "the same name"


def test_two_approved_sign_ons_never_share_a_name_after_a_correction(app, staff, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        add_signon(statement, "Casa del Migrante", "GT", "approved")
        other = add_signon(statement, "Casa Migrante Tapachula", "MX", "approved")
        db.session.commit()
        other_id = other.id
    response = edit(staff, other_id, organization_name="Casa del Migrante", country="MX")
    assert response.status_code == 400
    assert "Another approved sign-on of this statement has this name." in plain(text_of(response))
    assert 'value="Casa del Migrante"' in text_of(response)  # what was typed stays
    with app.app_context():
        assert db.session.get(SignOn, other_id).organization_name == "Casa Migrante Tapachula"


def test_a_correction_is_refused_with_what_to_do(app, staff, world):
    with app.app_context():
        signon_id = add_signon(statement_by_slug(world.signon_slug), "Casa del Migrante", "GT", "confirmed").id
        db.session.commit()
    for fields, message in (({"organization_name": "  "}, "Enter the organization's name."),
                            ({"country": "XX"}, "Choose the country from the list."),
                            ({"org_type": "cult"}, "Choose the type of organization from the list."),
                            ({"organization_name": "x" * 201}, "at most 200")):
        response = edit(staff, signon_id, **fields)
        assert response.status_code == 400 and message in plain(text_of(response)), fields
    with app.app_context():
        assert db.session.get(SignOn, signon_id).organization_name == "Casa del Migrante"


# --- bad input ---------------------------------------------------------------------------------------

def test_bad_decisions_are_refused_with_what_to_do(app, staff, statement_id, waiting):
    for data in ({"scope": "everything", "action": "approve"}, {"scope": "matching", "action": "erase"},
                 {"scope": "page", "action": "approve", "page_signon": ["9" * 40]},
                 {"scope": "ticked", "action": "approve", "signon": ["99999999999999999999"], "seen_at": "9" * 40}):
        response = staff.submit(f"/statements/{statement_id}/signons/decide", data)
        assert response.status_code == 302
        assert "Tick at least one sign-on, then choose Approve, Reject or Delete." in flashed(staff, response)
    with app.app_context():
        assert statuses()["confirmed"] == 120


def test_a_stale_form_is_refused_and_changes_nothing(app, staff, statement_id, waiting):
    for path, data in (("decide", {"scope": "matching", "action": "approve", "status": "confirmed"}), ("undo", {})):
        response = staff.post(f"/statements/{statement_id}/signons/{path}", data={**data, "csrf_token": "stale"})
        assert response.status_code == 400 and "This form has expired" in text_of(response)
    with app.app_context():
        assert statuses()["confirmed"] == 120


def test_another_groups_statement_and_its_sign_ons_stay_out_of_reach(app, make_client, statement_id, world, waiting):
    outsider = make_client()
    outsider.login(world.emails["outsider"])
    with app.app_context():
        signon_id = signon_named("Waiting Collective 001").id
    assert outsider.submit(f"/statements/{statement_id}/signons/decide",
                           {"scope": "matching", "action": "approve"}).status_code == 404
    assert outsider.submit(f"/statements/{statement_id}/signons/undo").status_code == 404
    assert outsider.get(f"/signons/{signon_id}/edit").status_code == 404
    assert edit(outsider, signon_id, organization_name="Hijacked").status_code == 404
    assert outsider.get(f"/signons/{'9' * 30}/edit").status_code == 404
    with app.app_context():
        assert statuses()["confirmed"] == 120
        assert signon_named("Hijacked") is None


def test_the_keyboard_shortcuts_are_told_on_the_page_and_come_from_a_file(staff, statement_id, waiting):
    page = text_of(staff.get(f"/statements/{statement_id}/signons"))
    assert '<script src="/static/js/moderation.js' in page
    words = plain(page)
    for told in ("Keyboard shortcuts", "Next / previous sign-on", "Approve the sign-on", "Reject the sign-on"):
        assert told in words
