"""What an outsider can learn or block through the public sign-on form: the same answer whatever is
stored, names that unconfirmed sign-ons cannot hold, and a code that expires and locks."""

import difflib
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from statements.accounts.models import User
from statements.core.db import utcnow
from statements.extensions import db
from statements.signons import services
from statements.signons.models import SignOn
from tests.factories import make_open_statement
from tests.signons.pages import (add_signon, code_in, confirmation, decide, flashes, form, plain, public_count,
                                 sign, signons, statement_by_slug, text_of)

SECRET_ORG = "Defensoras Sin Nombre"
ATTACKER = "curious@attacker.example.com"
CSRF = re.compile(r'(name="(?:\w+-)?csrf_token"[^>]*value=")[^"]+|(name="csrf-token" content=")[^"]+')


def open_statement(app, world, requires_approval: bool, title: str) -> str:
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = make_open_statement(coordinator, coordinator.memberships[0].group, title,
                                        requires_approval=requires_approval)
        db.session.commit()
        return statement.slug


def stored_signature(app, slug: str, visibility: str, status: str = "approved", name: str = SECRET_ORG,
                     email: str = "private@defensoras.example.org", days_ago: int = 0) -> int:
    with app.app_context():
        signon = add_signon(statement_by_slug(slug), name, visibility=visibility, status=status, email=email)
        signon.confirm_sent_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return signon.id


def answer(client, slug: str, name: str, email: str = ATTACKER):
    """What the person sending the form sees: the status, where it leads, and that page without tokens."""
    response = sign(client, slug, organization_name=name, contact_email=email)
    page = client.get(response.headers["Location"]) if response.status_code == 302 else response
    return response.status_code, response.headers.get("Location"), CSRF.sub(r"\1\2", text_of(page))


def mail_words(mailbox, email: str) -> list[str]:
    mailbox.deliver()
    return [f"{m['Subject']} {mailbox.body(m)}" for m in mailbox.to(email)]


# --- the form is not an oracle ----------------------------------------------------------------------

@pytest.mark.parametrize("visibility", ["count", "country", "named"])
def test_the_form_answers_alike_whether_or_not_an_organization_signed(app, client, world, mailbox, visibility):
    slug = open_statement(app, world, requires_approval=False, title=f"Answer alike {visibility}")
    stored_signature(app, slug, visibility)
    signed = answer(client, slug, SECRET_ORG)
    never_signed = answer(client, slug, "Colectivo Que Nunca Firmó")
    assert signed[0] == never_signed[0] == 302
    assert signed == never_signed, "\n".join(difflib.unified_diff(signed[2].splitlines(), never_signed[2].splitlines()))
    assert "already signed" not in signed[2]


def test_only_the_mailbox_learns_that_a_named_organization_signed(app, client, world, mailbox):
    slug = open_statement(app, world, requires_approval=False, title="Named already")
    stored_signature(app, slug, "named")
    sign(client, slug, organization_name=f"The {SECRET_ORG}", contact_email=ATTACKER)
    mails = mail_words(mailbox, ATTACKER)
    assert len(mails) == 1
    assert "An organization of this name has already signed this statement" in mails[0]
    assert "/confirm/" not in mails[0]
    with app.app_context():
        repeat = signons()[-1]
        assert repeat.status == "rejected" and repeat.duplicate_reason == "the same name"
        assert repeat.possible_duplicate_of.organization_name == SECRET_ORG


@pytest.mark.parametrize("visibility", ["count", "country"])
def test_an_unnamed_signature_is_not_revealed_even_by_mail(app, client, make_client, world, mailbox, visibility):
    slug = open_statement(app, world, requires_approval=False, title=f"Unnamed by mail {visibility}")
    stored_signature(app, slug, visibility)
    sign(client, slug, organization_name=SECRET_ORG, contact_email=ATTACKER)
    mails = mail_words(mailbox, ATTACKER)
    assert len(mails) == 1 and "already signed" not in mails[0] and "/confirm/" in mails[0]
    # confirming it does not put a second signature of the name on the list: staff see it flagged
    link = mailbox.link_in(confirmation(mailbox, ATTACKER), "/confirm/")
    assert client.submit(link).status_code == 200
    with app.app_context():
        repeat = db.session.scalar(select(SignOn).where(SignOn.contact_email == ATTACKER))
        assert repeat.status == "confirmed" and repeat.possible_duplicate_of.organization_name == SECRET_ORG
    staff = make_client()
    staff.login(world.emails["admin"])
    with app.app_context():
        statement_id = statement_by_slug(slug).id
    assert "the same name, confirmed first" in plain(text_of(
        staff.get(f"/statements/{statement_id}/signons?status=all&flagged=1")))


def test_the_signatory_s_own_address_is_told_it_signed_already(app, client, world, mailbox):
    slug = open_statement(app, world, requires_approval=False, title="Own address")
    stored_signature(app, slug, "count", email="info@defensoras.example.org")
    sign(client, slug, organization_name=SECRET_ORG, contact_email="info@defensoras.example.org")
    mails = mail_words(mailbox, "info@defensoras.example.org")
    assert len(mails) == 1 and "has already signed this statement from this address" in mails[0]


def test_resending_answers_alike_whatever_is_stored(app, client, world, mailbox):
    slug = open_statement(app, world, requires_approval=True, title="Resend alike")
    stored_signature(app, slug, "count", status="pending", email="waiting@defensoras.example.org")
    answers = []
    for email in ("waiting@defensoras.example.org", "nobody@nowhere.example.org"):
        response = client.submit(f"/s/{slug}/resend", {"resend-contact_email": email})
        page = client.get(response.headers["Location"])
        answers.append((response.status_code, flashes(text_of(page))))
    assert answers[0] == answers[1]
    assert len(mail_words(mailbox, "waiting@defensoras.example.org")) == 1
    assert mail_words(mailbox, "nobody@nowhere.example.org") == []


def statements_run_by_the_form(app, client, slug: str, name: str, email: str) -> list[str]:
    """The SQL statements one POST of the form runs, by their first word, sent from the page just read as a
    visitor sends it: what the answer's time is made of."""
    client.get(f"/s/{slug}")
    data = form(organization_name=name, contact_email=email, csrf_token=client.csrf_token())
    run = []

    def before(connection, cursor, statement, *args):
        run.append(statement.split(None, 1)[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.post(f"/s/{slug}/sign", data=data).status_code == 302
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return run


def test_on_postgresql_each_write_of_a_sign_on_commits_by_itself(app, client, world):
    """A sign-on, a refused one and a repeat's change are each one statement with its mail: no transaction is
    opened around them, which would cost two more round trips to the database for every sign-on."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("on SQLite a sign-on and its mail are two statements, written in one transaction")
        engine = db.engine
    slug = open_statement(app, world, requires_approval=True, title="One statement each")
    stored_signature(app, slug, "count", status="confirmed", email="info@defensoras.example.org")
    stored_signature(app, slug, "count", status="pending", name="Colectivo en Espera", email="espera@example.org")
    committing = []

    def before(connection, cursor, statement, *args):
        committing.append((statement.split(None, 1)[0].upper(), connection.connection.driver_connection.autocommit))

    def sign_on(name: str, email: str) -> None:
        client.get(f"/s/{slug}")
        data = form(organization_name=name, contact_email=email, csrf_token=client.csrf_token())
        assert client.post(f"/s/{slug}/sign", data=data).status_code == 302

    sign_on("Primera Organización", "primera@example.org")  # (the first at an address goes through the whole app)
    event.listen(engine, "before_cursor_execute", before)
    try:
        for name, email in (("Colectivo Que Nunca Firmó", ATTACKER), (SECRET_ORG, "info@defensoras.example.org"),
                            ("Colectivo en Espera", "espera@example.org")):
            sign_on(name, email)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert committing == [("SELECT", True), ("WITH", True)] * 3
    with app.app_context():
        assert [(s.organization_name, s.status) for s in signons()] == [
            (SECRET_ORG, "confirmed"), ("Colectivo en Espera", "pending"), ("Primera Organización", "pending"),
            ("Colectivo Que Nunca Firmó", "pending"), (SECRET_ORG, "rejected")]


def test_a_repeat_from_a_signatory_s_own_address_does_the_work_of_a_new_sign_on(app, client, world, mailbox):
    """Its answer takes as long as a new name's: the same statements, so that its timing does not tell that an
    organization not named signed (a wider test of time: benchmarks/bench_signon_answers.py)."""
    slug = open_statement(app, world, requires_approval=True, title="Same work")
    stored_signature(app, slug, "count", status="confirmed", email="info@defensoras.example.org")
    stored_signature(app, slug, "count", status="pending", name="Colectivo en Espera", email="espera@example.org")
    new = statements_run_by_the_form(app, client, slug, "Colectivo Que Nunca Firmó", ATTACKER)
    refused = statements_run_by_the_form(app, client, slug, SECRET_ORG, "info@defensoras.example.org")
    changed = statements_run_by_the_form(app, client, slug, "Colectivo en Espera", "espera@example.org")
    assert refused == new and len(new) <= 3
    with app.app_context():  # (on PostgreSQL the change is one statement with its mail, as a new sign-on is)
        one_change = ["WITH"] if db.engine.dialect.name == "postgresql" else ["UPDATE"]
    assert changed[0] == new[0] and changed[1:] == one_change
    with app.app_context():
        assert [(s.organization_name, s.status) for s in signons()] == [
            (SECRET_ORG, "confirmed"), ("Colectivo en Espera", "pending"), ("Colectivo Que Nunca Firmó", "pending"),
            (SECRET_ORG, "rejected")]
    assert "has already signed this statement from this address" in mail_words(mailbox, "info@defensoras.example.org")[0]


def test_a_name_listed_while_the_list_is_kept_private_costs_the_form_no_more_work(app, client, world, mailbox):
    """Until publication a hidden list names nobody: finding that a name signed, named, must not cost the form a
    query of its own (whether the list is public is read with the name itself)."""
    with app.app_context():
        statement = statement_by_slug(open_statement(app, world, requires_approval=True, title="Hidden list"))
        statement.signon_list_hidden = True
        db.session.commit()
        slug = statement.slug
    stored_signature(app, slug, "named")
    new = statements_run_by_the_form(app, client, slug, "Colectivo Que Nunca Firmó", ATTACKER)
    held = statements_run_by_the_form(app, client, slug, SECRET_ORG, "another@attacker.example.com")
    assert held == new
    assert "already signed" not in " ".join(mail_words(mailbox, "another@attacker.example.com"))


# --- names that unconfirmed sign-ons cannot hold ---------------------------------------------------

def test_an_unconfirmed_squatter_does_not_keep_the_real_organization_out(app, client, make_client, world, mailbox):
    slug = open_statement(app, world, requires_approval=False, title="Squatted name")
    sign(client, slug, organization_name=SECRET_ORG, contact_email="squatter@attacker.example.com")
    real = make_client()
    assert sign(real, slug, organization_name=SECRET_ORG, contact_email="info@defensoras.example.org"
                ).status_code == 302
    link = mailbox.link_in(confirmation(mailbox, "info@defensoras.example.org"), "/confirm/")
    assert "your signature is on the list" in text_of(real.submit(link))
    # the first to confirm wins; the squatter confirming later is held for staff, flagged
    squatter_link = mailbox.link_in(confirmation(mailbox, "squatter@attacker.example.com"), "/confirm/")
    assert client.submit(squatter_link).status_code == 200
    with app.app_context():
        by_email = {s.contact_email: s for s in signons()}
        assert by_email["info@defensoras.example.org"].status == "approved"
        squatter = by_email["squatter@attacker.example.com"]
        assert squatter.status == "confirmed"
        assert squatter.possible_duplicate_of_id == by_email["info@defensoras.example.org"].id
    assert public_count(client, slug) == 1


def test_a_sign_on_never_confirmed_expires_with_its_link_and_holds_nothing(app, client, make_client, world):
    slug = open_statement(app, world, requires_approval=True, title="Expired holder")
    old = stored_signature(app, slug, "named", status="pending", days_ago=services.CONFIRM_DAYS + 1)
    assert sign(client, slug, organization_name=SECRET_ORG, contact_email="info@defensoras.example.org"
                ).status_code == 302
    with app.app_context():
        newer = signons()[-1]
        assert newer.status == "pending" and newer.possible_duplicate_of_id is None
        statement_id = statement_by_slug(slug).id
    staff = make_client()
    staff.login(world.emails["admin"])
    page = plain(text_of(staff.get(f"/statements/{statement_id}/signons?status=pending")))
    assert page.count("Expired: never confirmed") == 1
    with app.app_context():
        assert services.is_expired(db.session.get(SignOn, old))


def test_staff_reject_or_delete_sign_ons_never_confirmed(app, world, staff):
    slug = open_statement(app, world, requires_approval=True, title="Staff clear squatters")
    first = stored_signature(app, slug, "named", status="pending", name="Squatted One")
    second = stored_signature(app, slug, "named", status="pending", name="Squatted Two")
    with app.app_context():
        statement_id = statement_by_slug(slug).id
    response = decide(staff, statement_id, [first], "reject", note="Not them")
    assert "1 sign-on rejected." in flashes(text_of(staff.get(response.headers["Location"])))
    response = decide(staff, statement_id, [second], "delete")
    assert "1 unconfirmed sign-on deleted." in flashes(text_of(staff.get(response.headers["Location"])))
    with app.app_context():
        assert db.session.get(SignOn, first).status == "rejected"
        assert db.session.get(SignOn, second) is None


def test_staff_entering_a_name_held_by_an_unconfirmed_sign_on_are_offered_to_replace_it(app, world, staff):
    slug = open_statement(app, world, requires_approval=True, title="Staff replace")
    held = stored_signature(app, slug, "named", status="pending")
    with app.app_context():
        statement_id = statement_by_slug(slug).id
    line = f"{SECRET_ORG}; GT; ngo; Lucía Real; lucia@defensoras.example.org"
    url = f"/statements/{statement_id}/signons/add"
    preview = plain(text_of(staff.submit(url, {"rows": line, "default_visibility": "named"})))
    assert "Replace the 1 sign-on of the same name that was never confirmed" in preview
    assert "Not added unless you replace the sign-on of" in preview
    kept = staff.submit(url, {"rows": line, "default_visibility": "named", "confirm": "1"})
    assert "0 sign-ons added and approved." in flashes(text_of(staff.get(kept.headers["Location"])))
    replaced = staff.submit(url, {"rows": line, "default_visibility": "named", "confirm": "1",
                                  "replace_unconfirmed": "1"})
    assert replaced.status_code == 302
    with app.app_context():
        assert db.session.get(SignOn, held).status == "rejected"
        added = db.session.scalar(select(SignOn).where(SignOn.contact_email == "lucia@defensoras.example.org"))
        assert added.status == "approved" and added.source == "staff"


def test_a_second_approval_of_the_same_name_is_refused_with_a_reason(app, world, staff):
    slug = open_statement(app, world, requires_approval=True, title="Approve twice")
    stored_signature(app, slug, "named", status="approved")
    held = stored_signature(app, slug, "named", status="confirmed", email="other@defensoras.example.org")
    with app.app_context():
        statement_id = statement_by_slug(slug).id
    response = decide(staff, statement_id, [held], "approve")
    messages = flashes(text_of(staff.get(response.headers["Location"])))
    assert any("a sign-on of the same name is approved already: " + SECRET_ORG in m for m in messages)
    with app.app_context():
        assert db.session.get(SignOn, held).status == "confirmed"


# --- the six-digit code ------------------------------------------------------------------------------

def code_try(client, slug, email, code, address="203.0.113.9"):
    client.environ_base["REMOTE_ADDR"] = address
    return client.submit(f"/s/{slug}/confirm-code", {"contact_email": email, "code": code})


def test_the_code_expires_with_the_link(app, client, world, mailbox):
    slug = open_statement(app, world, requires_approval=False, title="Code expires")
    sign(client, slug, organization_name=SECRET_ORG, contact_email="info@defensoras.example.org")
    code = code_in(mailbox, confirmation(mailbox, "info@defensoras.example.org"))
    with app.app_context():
        signons()[-1].confirm_sent_at = utcnow() - timedelta(days=services.CONFIRM_DAYS, minutes=1)
        db.session.commit()
    response = code_try(client, slug, "info@defensoras.example.org", code)
    assert response.status_code == 400 and "codes work for 7 days" in text_of(response)
    with app.app_context():
        assert signons()[-1].status == "pending"


def test_the_code_locks_after_a_few_wrong_tries_from_any_address(app, client, make_client, world, mailbox):
    slug = open_statement(app, world, requires_approval=False, title="Code locks")
    sign(client, slug, organization_name=SECRET_ORG, contact_email="info@defensoras.example.org")
    message = confirmation(mailbox, "info@defensoras.example.org")
    code = code_in(mailbox, message)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for attempt in range(services.CODE_ATTEMPTS):
        guesser = make_client()
        response = code_try(guesser, slug, "info@defensoras.example.org", wrong, address=f"198.51.100.{attempt + 1}")
        assert response.status_code == 400
    refused = code_try(make_client(), slug, "info@defensoras.example.org", code, address="192.0.2.77")
    assert refused.status_code == 400 and "After 5 wrong tries a code stops working" in text_of(refused)
    with app.app_context():
        assert signons()[-1].status == "pending" and signons()[-1].code_attempts == services.CODE_ATTEMPTS + 1
    # the emailed link still confirms
    assert "your signature is on the list" in text_of(client.submit(mailbox.link_in(message, "/confirm/")))
