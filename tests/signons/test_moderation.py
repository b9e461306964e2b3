"""Staff moderate sign-ons: filter the queue, approve or reject the ticked ones, and export with contacts."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import select

from statements.audit.models import AuditEvent
from statements.extensions import db
from statements.signons.models import SignOn
from tests.signons.pages import add_signon, decide, flashes, public_count, signon_named, statement_by_slug, text_of


@pytest.fixture
def queue(app, world, statement_id):
    """Sign-ons in every state, from a few countries; one flagged as a likely duplicate."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        ids = {}
        for name, country, status, email in (
                ("Kenya Domestic Workers Union", "KE", "confirmed", "info@kdwu.example.net"),
                ("Red de Mujeres", "MX", "confirmed", "ana@redmujeres.example.mx"),
                ("Casa del Migrante", "GT", "confirmed", "luz@casamigrante.example.org"),
                ("Uganda Land Alliance", "UG", "pending", "office@ula.example.net"),
                ("Approved Alliance", "KE", "approved", "hi@approved.example.net"),
                ("Withdrawn Network", "GT", "withdrawn", "bye@withdrawn.example.net")):
            ids[name] = add_signon(statement, name, country, status, email=email).id
        flagged = add_signon(statement, "Kenya Domestic Worker Union", "KE", "confirmed", email="x@gmail.com")
        flagged.possible_duplicate_of_id, flagged.duplicate_reason = ids["Kenya Domestic Workers Union"], \
            "very similar names"
        ids[flagged.organization_name] = flagged.id
        db.session.commit()
        return ids


def queue_names(client, statement_id, **args) -> list[str]:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    page = text_of(client.get(f"/statements/{statement_id}/signons?{query}"))
    return sorted(html.unescape(n) for n in re.findall(r'<label for="signon-\d+"><strong>(.*?)</strong>', page))


def test_the_queue_shows_confirmed_sign_ons_and_filters_by_status_country_flag_and_text(staff, statement_id,
                                                                                       queue):
    confirmed = ["Casa del Migrante", "Kenya Domestic Worker Union", "Kenya Domestic Workers Union",
                 "Red de Mujeres"]
    assert queue_names(staff, statement_id) == confirmed
    assert queue_names(staff, statement_id, status="confirmed") == confirmed
    assert queue_names(staff, statement_id, status="pending") == ["Uganda Land Alliance"]
    assert queue_names(staff, statement_id, status="withdrawn") == ["Withdrawn Network"]
    assert len(queue_names(staff, statement_id, status="all")) == 7
    assert queue_names(staff, statement_id, status="all", country="KE") == [
        "Approved Alliance", "Kenya Domestic Worker Union", "Kenya Domestic Workers Union"]
    assert queue_names(staff, statement_id, status="all", flagged="1") == ["Kenya Domestic Worker Union"]
    assert queue_names(staff, statement_id, status="all", q="mujeres") == ["Red de Mujeres"]
    assert queue_names(staff, statement_id, status="all", q="casamigrante.example") == ["Casa del Migrante"]
    assert queue_names(staff, statement_id, status="all", q="100%_") == []  # wildcards are plain text
    assert queue_names(staff, statement_id, status="approved", country="MX") == []


def test_the_queue_shows_contacts_to_staff_and_the_revision_signed(staff, statement_id, queue):
    page = text_of(staff.get(f"/statements/{statement_id}/signons"))
    assert '<bdi>Private Contact</bdi> <bdi dir="ltr">&lt;info@kdwu.example.net&gt;</bdi>' in page
    assert "revision 1" in page


def test_ticked_confirmed_sign_ons_are_approved_together_with_a_note(app, client, staff, statement_id, queue,
                                                                     world, mailbox):
    ticked = [queue["Kenya Domestic Workers Union"], queue["Red de Mujeres"]]
    response = decide(staff, statement_id, ticked, "approve", note="Both known to the Kenya office")
    assert response.status_code == 302
    assert "2 sign-ons approved." in flashes(text_of(staff.get(response.headers["Location"])))
    assert public_count(client, world.signon_slug) == 3
    with app.app_context():
        assert signon_named("Casa del Migrante").status == "confirmed"  # not ticked
        for signon_id in ticked:
            signon = db.session.get(SignOn, signon_id)
            assert signon.status == "approved" and signon.decided_by_id == world.user_ids["admin"]
            assert signon.moderation_note == "Both known to the Kenya office"
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signon.approved")
                                    .order_by(AuditEvent.id)).all()
        assert sorted(e.subject_id for e in events) == sorted(ticked)
        assert {e.actor_id for e in events} == {world.user_ids["admin"]}
        assert {e.details["note"] for e in events} == {"Both known to the Kenya office"}
        assert "Approved the sign-on of Kenya Domestic Workers Union" in [e.summary for e in events]
    mailbox.deliver()
    assert len(mailbox.to("info@kdwu.example.net")) == 1 and len(mailbox.to("ana@redmujeres.example.mx")) == 1
    assert mailbox.to("luz@casamigrante.example.org") == []
    moderation = text_of(staff.get(f"/statements/{statement_id}/signons?status=approved"))
    assert "Note: Both known to the Kenya office" in moderation


def test_ticked_sign_ons_are_rejected_without_an_email(app, client, staff, statement_id, queue, world, mailbox):
    ticked = [queue["Casa del Migrante"], queue["Kenya Domestic Worker Union"]]
    response = decide(staff, statement_id, ticked, "reject", note="Not a real organization")
    assert "2 sign-ons rejected." in flashes(text_of(staff.get(response.headers["Location"])))
    with app.app_context():
        assert {db.session.get(SignOn, i).status for i in ticked} == {"rejected"}
        assert signon_named("Casa del Migrante").moderation_note == "Not a real organization"
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signon.rejected")).all()
        assert sorted(e.subject_id for e in events) == sorted(ticked)
    mailbox.deliver()
    assert mailbox.messages == []
    assert public_count(client, world.signon_slug) == 1


def test_only_confirmed_sign_ons_are_decided_and_the_others_ticked_are_left_as_they_were(app, staff, statement_id,
                                                                                       queue):
    ticked = [queue["Uganda Land Alliance"], queue["Withdrawn Network"], queue["Red de Mujeres"]]
    response = decide(staff, statement_id, ticked, "approve")
    assert "1 sign-on approved." in flashes(text_of(staff.get(response.headers["Location"])))
    with app.app_context():
        assert signon_named("Uganda Land Alliance").status == "pending"
        assert signon_named("Withdrawn Network").status == "withdrawn"
        assert signon_named("Red de Mujeres").status == "approved"
    response = decide(staff, statement_id, [queue["Withdrawn Network"]], "reject")
    assert "Nothing changed: these sign-ons cannot be rejected in their present state." in \
        flashes(text_of(staff.get(response.headers["Location"])))
    with app.app_context():
        assert signon_named("Withdrawn Network").status == "withdrawn"
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signon.rejected")).all() == []


def test_deciding_with_nothing_ticked_says_what_to_do(staff, statement_id, queue):
    for data in ({"action": "approve"}, {"signon": [str(queue["Red de Mujeres"])], "action": "erase"},
                 {"signon": ["x", "-1", "99999999999"], "action": "approve"}):
        response = staff.submit(f"/statements/{statement_id}/signons/decide", data)
        assert response.status_code == 302
        assert "Tick at least one sign-on, then choose Approve, Reject or Delete." in \
            flashes(text_of(staff.get(f"/statements/{statement_id}/signons")))


def test_a_sign_on_of_another_statement_cannot_be_decided_from_this_one(app, staff, statement_id, queue, world):
    with app.app_context():
        from statements.accounts.models import User
        from tests.factories import make_open_statement

        coordinator = db.session.get(User, world.user_ids["coordinator"])
        other = make_open_statement(coordinator, coordinator.memberships[0].group, "Care work is work")
        elsewhere = add_signon(other, "Elsewhere Union", status="confirmed")
        db.session.commit()
        elsewhere_id = elsewhere.id
    decide(staff, statement_id, [elsewhere_id], "approve")
    with app.app_context():
        assert db.session.get(SignOn, elsewhere_id).status == "confirmed"


@pytest.mark.parametrize("role, status", [("member", 403), ("observer", 403), ("outsider", 404)])
def test_only_coordinators_and_staff_moderate_and_export(app, make_client, statement_id, queue, world, role, status):
    person = make_client()
    person.login(world.emails[role])
    for path in ("signons", "signons.csv", "signons/add"):
        assert person.get(f"/statements/{statement_id}/{path}").status_code == status, path
    assert decide(person, statement_id, [queue["Red de Mujeres"]], "approve").status_code == status
    with app.app_context():
        assert signon_named("Red de Mujeres").status == "confirmed"
    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    assert coordinator.get(f"/statements/{statement_id}/signons").status_code == 200
    assert decide(coordinator, statement_id, [queue["Red de Mujeres"]], "approve").status_code == 302
    with app.app_context():
        assert signon_named("Red de Mujeres").status == "approved"


def test_the_public_cannot_reach_moderation(client, statement_id, queue):
    for path in ("signons", "signons.csv"):
        response = client.get(f"/statements/{statement_id}/{path}")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- export with contacts -------------------------------------------------------------------------

def read_csv(response) -> list[dict]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # spreadsheet programs read the file as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_export_has_every_sign_on_with_contacts_and_no_formulas(app, staff, statement_id, world):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for name, contact, email in (
                ("=HYPERLINK(\"http://evil.example\",\"click\")", "+Ana", "ana@formula.example.net"),
                ("-2+3", "@SUM(A1:A9)", "luz@formula.example.net"),
                ("Ñandutí Red de Mujeres", "José Pérez", "jose@nanduti.example.py")):
            signon = add_signon(statement, name, "PY", "confirmed", email=email, contact_name=contact)
            signon.message = "=1+1" if name.startswith("-") else "Saludos"
            signon.consent_to_contact = True
        db.session.commit()
    response = staff.get(f"/statements/{statement_id}/signons.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="{world.signon_slug}-signons-with-contacts.csv"'
    rows = read_csv(response)
    assert [r["organization"] for r in rows] == ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'-2+3",
                                                 "Ñandutí Red de Mujeres"]
    assert [r["contact_name"] for r in rows] == ["'+Ana", "'@SUM(A1:A9)", "José Pérez"]
    assert [r["contact_email"] for r in rows] == ["ana@formula.example.net", "luz@formula.example.net",
                                                  "jose@nanduti.example.py"]
    assert rows[1]["message"] == "'=1+1"
    assert {r["country"] for r in rows} == {"PY"} and {r["status"] for r in rows} == {"confirmed"}
    assert {r["signed_revision"] for r in rows} == {"1"} and {r["consent_to_contact"] for r in rows} == {"yes"}
    for row in rows:
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_the_public_download_neutralizes_formulas_too(app, client, world):
    with app.app_context():
        add_signon(statement_by_slug(world.signon_slug), "=cmd|' /C calc'!A0", "GT", "approved",
                   website="https://calc.example.org")
        db.session.commit()
    rows = read_csv(client.get(f"/s/{world.signon_slug}/signatories.csv"))
    assert rows == [{"name": "'=cmd|' /C calc'!A0", "country": "GT", "country_name": "Guatemala",
                     "type": "ngo", "website": "https://calc.example.org"}]


def test_the_notes_the_service_wrote_are_read_in_the_reader_s_language(app, staff, statement_id, world):
    from statements.signons import services

    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for name, note in (("Red de Mujeres", services.REFUSED_AS_ALREADY_SIGNED.format(name="Red de Mujeres MX")),
                           ("Casa del Migrante", services.REPLACED_BY_STAFF_ENTRY),
                           ("Uganda Land Alliance", "Same union as the Asociación")):
            add_signon(statement, name, "MX", "rejected").moderation_note = note
        db.session.commit()
    staff.submit("/language", {"language": "es", "next": "/groups"})
    page = html.unescape(text_of(staff.get(f"/statements/{statement_id}/signons?status=rejected")))
    assert "Nota: Rechazada automáticamente: Red de Mujeres MX ya había firmado." in page
    assert "Nota: Sustituida por una adhesión introducida por el equipo." in page
    assert "Nota: Same union as the Asociación" in page  # what staff typed stays as typed
    with app.app_context():  # and is stored as it always was
        assert signon_named("Casa del Migrante").moderation_note == "Replaced by a sign-on entered by staff."
