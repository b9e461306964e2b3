"""Signing on through the public form, confirming by link or code, approval, resending, withdrawing."""

import re
import time

from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.audit.models import AuditEvent
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.signons.models import SignOn
from tests.factories import make_open_statement
from tests.signons.pages import (code_in, confirmation, decide, field_error, listed_names, plain, public_count,
                                 sign, signon_named, signons, statement_by_slug, text_of, typed)

ORG = "Asociación de Trabajadoras del Hogar"
EMAIL = "maria.lopez@trabajadoras.org.gt"


def open_without_approval(app, world, title="Decent work for care workers") -> str:
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = make_open_statement(coordinator, coordinator.memberships[0].group, title,
                                        requires_approval=False)
        db.session.commit()
        return statement.slug


def signed_and_confirmed(client, mailbox, slug, **fields):
    """Sign on and press the button behind the emailed link; return the confirmation email."""
    assert sign(client, slug, **fields).status_code == 302
    message = confirmation(mailbox, fields.get("contact_email", EMAIL))
    link = mailbox.link_in(message, "/confirm/")
    assert client.submit(link).status_code == 200
    return message


# --- signing and the confirmation email -------------------------------------------------------

def test_a_sign_on_waits_for_confirmation_uncounted_and_mails_a_link_a_code_and_a_withdraw_link(
        app, client, world, mailbox):
    response = sign(client, world.signon_slug, message="We stand with you.", consent_to_contact="y")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/s/{world.signon_slug}/check-email")
    page = plain(text_of(client.get(response.headers["Location"])))
    assert f"We sent a link to {EMAIL}" in page

    with app.app_context():
        [signon] = signons()
        statement = statement_by_slug(world.signon_slug)
        assert (signon.organization_name, signon.country, signon.org_type) == (ORG, "GT", "union")
        assert (signon.contact_name, signon.contact_email) == ("María López", EMAIL)
        assert (signon.website, signon.message) == ("https://trabajadoras.example.gt", "We stand with you.")
        assert signon.status == "pending" and signon.source == "form"
        assert signon.authorized and signon.consent_to_contact
        assert signon.revision_id == statement.final_revision_id  # the text it signed
        assert signon.revision.number == 1
    assert public_count(client, world.signon_slug) == 0

    message = confirmation(mailbox, EMAIL)
    body = mailbox.body(message)
    assert f"Thank you for signing \"Loss and damage for people who move\" for {ORG}." in body
    assert mailbox.link_in(message, f"/s/{world.signon_slug}/confirm/")
    assert mailbox.link_in(message, f"/s/{world.signon_slug}/withdraw/")
    assert mailbox.link_in(message, f"/s/{world.signon_slug}/confirm-code")
    code = code_in(mailbox, message)
    assert re.fullmatch(r"\d{6}", code)
    with app.app_context():
        assert code not in signons()[0].code_hash  # kept only as a keyed hash


def test_following_the_link_does_not_confirm_and_pressing_the_button_does(app, client, make_client, world,
                                                                            mailbox):
    sign(client, world.signon_slug)
    link = mailbox.link_in(confirmation(mailbox, EMAIL), "/confirm/")

    scanner = make_client()  # a mail scanner opens every link it finds
    for _ in range(3):
        page = scanner.get(link)
        assert page.status_code == 200
        assert "Confirm our signature" in text_of(page)
    with app.app_context():
        assert signons()[0].status == "pending"

    response = make_client().submit(link)
    assert response.status_code == 200
    assert "Thank you: your signature is confirmed" in text_of(response)
    assert "appears on the list once they approve it" in text_of(response)
    with app.app_context():
        signon = signons()[0]
        assert signon.status == "confirmed" and signon.confirmed_at is not None
    assert public_count(client, world.signon_slug) == 0  # approval is still needed
    assert listed_names(client, world.signon_slug) == []


def test_the_six_digit_code_confirms_too(app, client, make_client, world, mailbox):
    sign(client, world.signon_slug)
    code = code_in(mailbox, confirmation(mailbox, EMAIL))
    visitor = make_client()
    assert visitor.get(f"/s/{world.signon_slug}/confirm-code").status_code == 200

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for email, typed_code in ((EMAIL, wrong), ("someone.else@trabajadoras.org.gt", code)):
        response = visitor.submit(f"/s/{world.signon_slug}/confirm-code",
                                  {"contact_email": email, "code": typed_code})
        assert response.status_code == 400
        assert "That code does not match a sign-on waiting for confirmation at this address" in \
            field_error(response, "code")
        assert typed(response, "contact_email") == email
    response = visitor.submit(f"/s/{world.signon_slug}/confirm-code", {"contact_email": "12345", "code": "12 34"})
    assert field_error(response, "code") == "The code is six digits, like 042917."
    with app.app_context():
        assert signons()[0].status == "pending"

    response = visitor.submit(f"/s/{world.signon_slug}/confirm-code",
                              {"contact_email": f" {EMAIL.upper()} ", "code": f" {code} "})
    assert response.status_code == 200
    assert "Thank you: your signature is confirmed" in text_of(response)
    with app.app_context():
        assert signons()[0].status == "confirmed"


def test_a_code_sent_before_codes_were_hashed_with_the_nonce_still_confirms(app, client, make_client, world):
    sign(client, world.signon_slug)
    with app.app_context():
        from statements.signons.services import _code_hash

        waiting = signons()[0]
        waiting.code_hash = _code_hash(waiting.id, "314159")  # as codes were stored before
        db.session.commit()
    response = make_client().submit(f"/s/{world.signon_slug}/confirm-code",
                                    {"contact_email": EMAIL, "code": "314159"})
    assert "Thank you: your signature is confirmed" in text_of(response)
    with app.app_context():
        assert signons()[0].status == "confirmed"


def test_with_approval_the_sign_on_counts_only_once_staff_approve_and_the_contact_is_told(
        app, client, world, mailbox, staff, statement_id):
    signed_and_confirmed(client, mailbox, world.signon_slug)
    with app.app_context():
        signon_id = signons()[0].id
    assert public_count(client, world.signon_slug) == 0

    response = decide(staff, statement_id, [signon_id], "approve", note="Known partner")
    assert response.status_code == 302
    assert public_count(client, world.signon_slug) == 1
    assert listed_names(client, world.signon_slug) == [ORG]
    with app.app_context():
        signon = db.session.get(SignOn, signon_id)
        assert signon.status == "approved" and signon.decided_by_id == world.user_ids["admin"]
        assert signon.approved_at is not None and signon.moderation_note == "Known partner"

    mailbox.deliver()
    [approved] = [m for m in mailbox.to(EMAIL) if "Your signature is on" in m["Subject"]]
    body = mailbox.body(approved)
    assert f"{ORG} is now on the list of signatories" in body
    assert mailbox.link_in(approved, f"/s/{world.signon_slug}/withdraw/")


def test_without_approval_confirming_puts_the_organization_on_the_list(app, client, world, mailbox):
    slug = open_without_approval(app, world)
    assert "network staff approve it" not in text_of(client.get(f"/s/{slug}"))
    sign(client, slug)
    assert public_count(client, slug) == 0
    link = mailbox.link_in(confirmation(mailbox, EMAIL), "/confirm/")
    response = client.submit(link)
    assert "Thank you: your signature is on the list" in text_of(response)
    assert public_count(client, slug) == 1
    assert listed_names(client, slug) == [ORG]
    with app.app_context():
        signon = signons()[0]
        assert signon.status == "approved" and signon.approved_at is not None and signon.decided_by_id is None


# --- sending the confirmation again --------------------------------------------------------------

def test_resending_makes_no_new_sign_on_and_only_the_newest_link_and_code_work(app, client, make_client, world,
                                                                              mailbox):
    sign(client, world.signon_slug)
    first = confirmation(mailbox, EMAIL)
    response = client.submit(f"/s/{world.signon_slug}/resend", {"resend-contact_email": EMAIL.upper()})
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "we sent a new link and code to it. Earlier links no longer work." in page
    second = confirmation(mailbox, EMAIL)
    assert len(mailbox.to(EMAIL)) == 2
    with app.app_context():
        assert len(signons()) == 1

    old_link, new_link = mailbox.link_in(first, "/confirm/"), mailbox.link_in(second, "/confirm/")
    assert old_link != new_link
    visitor = make_client()
    for response in (visitor.get(old_link), visitor.submit(old_link)):
        assert response.status_code == 400
        assert "This confirmation link was replaced by a newer one. Use the link in the latest email." in \
            text_of(response)
    if code_in(mailbox, first) != code_in(mailbox, second):
        refused = visitor.submit(f"/s/{world.signon_slug}/confirm-code",
                                 {"contact_email": EMAIL, "code": code_in(mailbox, first)})
        assert refused.status_code == 400
    with app.app_context():
        assert signons()[0].status == "pending"
    assert "your signature is confirmed" in text_of(visitor.submit(new_link))
    with app.app_context():
        assert signons()[0].status == "confirmed"


def test_resending_to_an_address_that_did_not_sign_says_the_same_and_sends_nothing(app, client, world, mailbox):
    response = client.submit(f"/s/{world.signon_slug}/resend", {"resend-contact_email": "nobody@example.net"})
    assert response.status_code == 302
    assert "If a signature from that address is waiting for confirmation" in \
        text_of(client.get(response.headers["Location"]))
    mailbox.deliver()
    assert mailbox.messages == []
    response = client.submit(f"/s/{world.signon_slug}/resend", {"resend-contact_email": "not an address"})
    assert "Enter the email address you signed with, like name@example.org." in \
        text_of(client.get(response.headers["Location"]))


# --- links used twice, expired, forged ------------------------------------------------------------

def test_a_confirmation_link_used_twice_says_it_is_already_confirmed(app, client, make_client, world, mailbox):
    message = signed_and_confirmed(client, mailbox, world.signon_slug)
    link = mailbox.link_in(message, "/confirm/")
    again = make_client()
    page = again.get(link)
    assert page.status_code == 200
    assert "Already confirmed" in text_of(page) and "Confirm our signature" not in text_of(page)
    response = again.submit(link)
    assert response.status_code == 200
    assert f"The signature of {ORG} was confirmed before. There is nothing more to do." in plain(text_of(response))
    with app.app_context():
        assert signons()[0].status == "confirmed"


def test_an_expired_confirmation_link_and_code_are_refused(app, client, make_client, world, mailbox, monkeypatch):
    sign(client, world.signon_slug)
    link = mailbox.link_in(confirmation(mailbox, EMAIL), "/confirm/")
    eight_days = 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + eight_days)
    visitor = make_client()
    for response in (visitor.get(link), visitor.submit(link)):
        assert response.status_code == 400
        assert "This link has expired. Ask for a new one." in text_of(response)
    with app.app_context():
        assert signons()[0].status == "pending"


def test_a_confirmation_link_that_was_tampered_with_or_forged_is_refused(app, client, make_client, world, mailbox):
    slug_b = open_without_approval(app, world)
    sign(client, world.signon_slug)
    message = confirmation(mailbox, EMAIL)
    link, withdraw_link = mailbox.link_in(message, "/confirm/"), mailbox.link_in(message, "/withdraw/")
    token = link.rsplit("/", 1)[1]
    payload, stamp, signature = token.split(".")
    tampered = f"{payload}.{stamp}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    forged = f"/s/{world.signon_slug}/confirm/eyJzIjoxLCJuIjoiMDAwMDAwMDAwMDAwMDAwMCJ9.aaaaaa.{signature}"
    visitor = make_client()
    for bad in (f"/s/{world.signon_slug}/confirm/{tampered}", forged,
                f"/s/{world.signon_slug}/confirm/{withdraw_link.rsplit('/', 1)[1]}",  # a token for another use
                f"/s/{slug_b}/confirm/{token}"):  # the link of another statement's sign-on
        for response in (visitor.get(bad), visitor.submit(bad)):
            assert response.status_code == 400, bad
            assert "not valid" in text_of(response)
            assert "Check that you copied the whole address" in text_of(response)
    with app.app_context():
        assert signons()[0].status == "pending"


# --- withdrawing --------------------------------------------------------------------------------

def test_withdrawing_takes_the_organization_off_every_public_list_at_once(app, client, make_client, world,
                                                                          mailbox, staff, statement_id):
    message = signed_and_confirmed(client, mailbox, world.signon_slug)
    with app.app_context():
        signon_id = signons()[0].id
    decide(staff, statement_id, [signon_id], "approve")
    reader = make_client()
    assert public_count(reader, world.signon_slug) == 1  # the count is now kept for a few seconds
    assert reader.get(f"/s/{world.signon_slug}/signatories.json").get_json()["count"] == 1
    assert listed_names(reader, world.signon_slug) == [ORG]

    withdraw_link = mailbox.link_in(message, "/withdraw/")
    page = make_client().get(withdraw_link)
    assert page.status_code == 200 and "Withdraw our signature" in text_of(page)
    assert public_count(reader, world.signon_slug) == 1  # opening the link changes nothing

    response = make_client().submit(withdraw_link)
    assert response.status_code == 200
    assert "Your signature is withdrawn" in text_of(response)
    assert public_count(reader, world.signon_slug) == 0
    assert listed_names(reader, world.signon_slug) == []
    data = reader.get(f"/s/{world.signon_slug}/signatories.json").get_json()
    assert data == {"count": 0, "signatories": []}
    api = reader.get(f"/api/v1/statements/{world.signon_slug}").get_json()
    assert api["count"] == 0 and api["by_country"] == []
    assert ORG not in reader.get(f"/s/{world.signon_slug}/signatories.csv").get_data(as_text=True)
    assert ">0<" in reader.get(f"/s/{world.signon_slug}/badge.svg").get_data(as_text=True)
    with app.app_context():
        signon = db.session.get(SignOn, signon_id)
        assert signon.status == "withdrawn" and signon.withdrawn_at is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signon.withdrawn"))
        assert event.actor_id is None and ORG in event.summary

    again = make_client().get(withdraw_link)
    assert "Already withdrawn" in text_of(again)
    assert "Already withdrawn" in text_of(make_client().submit(withdraw_link))


def test_a_pending_sign_on_can_be_withdrawn_and_the_name_signed_again(app, client, world, mailbox):
    sign(client, world.signon_slug)
    withdraw_link = mailbox.link_in(confirmation(mailbox, EMAIL), "/withdraw/")
    assert "Your signature is withdrawn" in text_of(client.submit(withdraw_link))
    assert sign(client, world.signon_slug).status_code == 302  # a withdrawn signature does not block a new one
    with app.app_context():
        assert [s.status for s in signons()] == ["withdrawn", "pending"]


def test_a_withdrawal_link_that_was_tampered_with_or_belongs_elsewhere_is_refused(app, client, make_client,
                                                                                  world, mailbox):
    slug_b = open_without_approval(app, world)
    sign(client, world.signon_slug)
    sign(client, world.signon_slug, organization_name="Red de Mujeres Migrantes",
         contact_email="contacto@redmujeres.example.mx", country="MX")
    mine = confirmation(mailbox, EMAIL)
    theirs = confirmation(mailbox, "contacto@redmujeres.example.mx")
    token = mailbox.link_in(mine, "/withdraw/").rsplit("/", 1)[1]
    payload, stamp, signature = token.split(".")
    other_payload = mailbox.link_in(theirs, "/withdraw/").rsplit("/", 1)[1].split(".")[0]
    confirm_token = mailbox.link_in(mine, "/confirm/").rsplit("/", 1)[1]
    visitor = make_client()
    for bad in (f"{payload}.{stamp}.{signature[::-1]}",  # tampered
                f"{other_payload}.{stamp}.{signature}",  # another sign-on's id under this signature
                confirm_token):  # the confirmation link is not a withdrawal link
        for response in (visitor.get(f"/s/{world.signon_slug}/withdraw/{bad}"),
                         visitor.submit(f"/s/{world.signon_slug}/withdraw/{bad}")):
            assert response.status_code == 400
            assert "not valid" in text_of(response)
    for response in (visitor.get(f"/s/{slug_b}/withdraw/{token}"), visitor.submit(f"/s/{slug_b}/withdraw/{token}")):
        assert response.status_code == 400
        assert "This withdrawal link is not valid. Use the link from your confirmation email." in text_of(response)
    with app.app_context():
        assert [s.status for s in signons()] == ["pending", "pending"]
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
