"""When the final text changes after organizations signed, they are shown the changes and asked to confirm again."""

import time

from itsdangerous import TimestampSigner

from statements.drafts import services as drafts_services
from statements.extensions import db
from statements.signons.models import SignOn
from tests.signons.pages import (confirmation, decide, flashes, listed_names, sign, signon_named, statement_by_slug,
                                 text_of)

NEW_TEXT = "# Loss and damage\n\nThe fund must reach people who move, and the communities that host them."
ASKED = "has changed: please confirm again"


def signed_through_the_form(client, coordinator, mailbox, slug, statement_id, name, email, approve=True):
    """Sign, confirm by the emailed link and (if asked) have it approved; return the confirmation email."""
    assert sign(client, slug, organization_name=name, contact_email=email).status_code == 302
    message = confirmation(mailbox, email)
    client.submit(mailbox.link_in(message, "/confirm/"))
    if approve:
        with app_context_of(client):
            signon_id = signon_named(name).id
        decide(coordinator, statement_id, [signon_id], "approve")
    return message


def app_context_of(client):
    return client.application.app_context()


def change_the_final_text(coordinator, statement_id, text=NEW_TEXT):
    """Reopen the draft, edit it, freeze it again, and reopen sign-on; return the moderation page."""
    assert coordinator.submit(f"/statements/{statement_id}/transition", {"to": "draft"}).status_code == 302
    saved = coordinator.submit(f"/statements/{statement_id}/edit", {"base": "1", "text": text, "note": "Hosts too"})
    assert saved.status_code == 302
    assert coordinator.submit(f"/statements/{statement_id}/transition", {"to": "final", "confirmed": "yes"}).status_code == 302
    opened = coordinator.submit(f"/statements/{statement_id}/signon/open",
                                {"deadline_date": "", "deadline_time": "23:59", "timezone": "UTC",
                                 "requires_approval": "y", "closing_message": ""})
    assert opened.status_code == 302
    return text_of(coordinator.get(opened.headers["Location"]))


def reconfirm_email(mailbox, email):
    mailbox.deliver()
    found = [m for m in mailbox.to(email) if ASKED in m["Subject"]]
    assert len(found) == 1, [m["Subject"] for m in mailbox.to(email)]
    return found[0]


def test_earlier_signatories_are_shown_the_changes_and_listed_with_the_revision_they_signed(
        app, client, coordinator, world, statement_id, mailbox):
    slug = world.signon_slug
    signed_through_the_form(client, coordinator, mailbox, slug, statement_id, "Red de Mujeres",
                            "ana@redmujeres.example.mx")
    signed_through_the_form(client, coordinator, mailbox, slug, statement_id, "Kenya Domestic Workers Union",
                            "grace@kdwu.example.net")
    sign(client, slug, organization_name="Waiting Union", contact_email="wait@waiting.example.net")  # pending

    moderation = change_the_final_text(coordinator, statement_id)
    assert any("2 earlier signatories were asked by email to confirm the new text." in f
               for f in flashes(moderation))
    message = reconfirm_email(mailbox, "ana@redmujeres.example.mx")
    body = mailbox.body(message)
    assert "The fund must reach people who move{+, and the communities that host them+}." in body
    assert mailbox.link_in(message, f"/s/{slug}/confirm/")
    assert mailbox.link_in(message, f"/s/{slug}/withdraw/")
    reconfirm_email(mailbox, "grace@kdwu.example.net")
    assert [m for m in mailbox.to("wait@waiting.example.net") if ASKED in m["Subject"]] == []

    page = text_of(client.get(f"/s/{slug}/signatories"))
    assert page.count("(signed revision 1; not yet confirmed the new text)") == 2
    assert listed_names(client, slug) == ["Kenya Domestic Workers Union", "Red de Mujeres"]  # still counted
    entries = client.get(f"/api/v1/statements/{slug}/signatories").get_json()["signatories"]
    assert [e["signed_revision"] for e in entries] == [1, 1]
    assert "Final text, revision 2." in text_of(client.get(f"/s/{slug}"))
    with app.app_context():
        statement = statement_by_slug(slug)
        red = signon_named("Red de Mujeres")
        assert red.revision.number == 1 and red.reconfirm_revision_id == statement.final_revision_id
        assert red.status == "approved"


def test_confirming_again_moves_the_signatory_to_the_new_revision(app, client, make_client, coordinator, world,
                                                                  statement_id, mailbox):
    slug = world.signon_slug
    for name, email in (("Red de Mujeres", "ana@redmujeres.example.mx"),
                        ("Kenya Domestic Workers Union", "grace@kdwu.example.net")):
        signed_through_the_form(client, coordinator, mailbox, slug, statement_id, name, email)
    change_the_final_text(coordinator, statement_id)
    link = mailbox.link_in(reconfirm_email(mailbox, "ana@redmujeres.example.mx"), "/confirm/")

    visitor = make_client()
    page = text_of(visitor.get(link))
    assert "Confirm the new text" in page and "Keep our signature on the new text" in page
    with app.app_context():
        assert signon_named("Red de Mujeres").revision.number == 1  # opening the link changes nothing
    response = visitor.submit(link)
    assert response.status_code == 200
    assert "Thank you: your signature stays" in text_of(response)
    with app.app_context():
        red = signon_named("Red de Mujeres")
        assert red.revision.number == 2 and red.reconfirm_revision_id is None and red.status == "approved"
        assert signon_named("Kenya Domestic Workers Union").revision.number == 1
    entries = {e["name"]: e["signed_revision"]
               for e in client.get(f"/api/v1/statements/{slug}/signatories").get_json()["signatories"]}
    assert entries == {"Red de Mujeres": None, "Kenya Domestic Workers Union": 1}
    page = text_of(client.get(f"/s/{slug}/signatories"))
    assert page.count("not yet confirmed the new text") == 1

    again = make_client().submit(link)
    assert "Already confirmed" in text_of(again)
    with app.app_context():
        assert signon_named("Red de Mujeres").revision.number == 2


def test_an_old_confirmation_link_does_not_agree_to_the_new_text(app, client, make_client, coordinator, world,
                                                                 statement_id, mailbox):
    slug = world.signon_slug
    first = signed_through_the_form(client, coordinator, mailbox, slug, statement_id, "Red de Mujeres",
                                    "ana@redmujeres.example.mx")
    change_the_final_text(coordinator, statement_id)
    old_link = mailbox.link_in(first, "/confirm/")  # from the email about the first text
    for response in (make_client().get(old_link), make_client().submit(old_link)):
        assert response.status_code == 400
        assert "This confirmation link was replaced by a newer one. Use the link in the latest email." in \
            text_of(response)
    with app.app_context():
        red = signon_named("Red de Mujeres")
        assert red.revision.number == 1 and red.reconfirm_revision_id is not None


def test_a_signatory_who_withdrew_is_not_told_the_signature_stays(app, client, make_client, coordinator, world,
                                                                 statement_id, mailbox):
    slug = world.signon_slug
    signed_through_the_form(client, coordinator, mailbox, slug, statement_id, "Red de Mujeres",
                            "ana@redmujeres.example.mx")
    change_the_final_text(coordinator, statement_id)
    message = reconfirm_email(mailbox, "ana@redmujeres.example.mx")
    assert "withdrawn" in text_of(make_client().submit(mailbox.link_in(message, "/withdraw/")))

    link = mailbox.link_in(message, "/confirm/")
    for response in (make_client().get(link), make_client().submit(link)):
        assert response.status_code == 400
        assert "your signature stays" not in text_of(response)
        assert "This signature was withdrawn" in text_of(response)
    with app.app_context():
        red = signon_named("Red de Mujeres")
        assert red.status == "withdrawn" and red.revision.number == 1
    assert listed_names(client, slug) == []


def test_reopening_again_does_not_ask_twice(app, client, coordinator, world, statement_id, mailbox):
    slug = world.signon_slug
    signed_through_the_form(client, coordinator, mailbox, slug, statement_id, "Red de Mujeres",
                            "ana@redmujeres.example.mx")
    change_the_final_text(coordinator, statement_id)
    reconfirm_email(mailbox, "ana@redmujeres.example.mx")
    coordinator.submit(f"/statements/{statement_id}/transition", {"to": "signon_closed"})
    coordinator.submit(f"/statements/{statement_id}/signon/open",
                       {"deadline_date": "", "deadline_time": "23:59", "timezone": "UTC", "closing_message": ""})
    reconfirm_email(mailbox, "ana@redmujeres.example.mx")  # still the one email
    with app.app_context():
        assert db.session.query(SignOn).count() == 1


def test_a_sign_on_confirmed_after_the_text_changed_is_shown_the_changes_and_listed_with_its_revision(
        app, client, make_client, coordinator, world, statement_id, mailbox):
    slug = world.signon_slug
    sign(client, slug, organization_name="Waiting Union", contact_email="wait@waiting.example.net")
    first_link = mailbox.link_in(confirmation(mailbox, "wait@waiting.example.net"), "/confirm/")
    change_the_final_text(coordinator, statement_id)

    confirmed = make_client().submit(first_link)  # the link of the first email, pressed after the change
    assert confirmed.status_code == 200
    page = text_of(confirmed)
    assert "Thank you: your signature is confirmed" in page
    assert "The text of the statement has changed since you signed." in page
    body = mailbox.body(reconfirm_email(mailbox, "wait@waiting.example.net"))
    assert "{+, and the communities that host them+}" in body
    with app.app_context():
        waiting = signon_named("Waiting Union")
        assert waiting.status == "confirmed" and waiting.revision.number == 1
        assert waiting.reconfirm_revision_id == statement_by_slug(slug).final_revision_id
        waiting_id = waiting.id
    decide(coordinator, statement_id, [waiting_id], "approve")
    assert text_of(client.get(f"/s/{slug}/signatories")).count("(signed revision 1; not yet confirmed the new text)") == 1
    assert listed_names(client, slug) == ["Waiting Union"]

    again = make_client().submit(mailbox.link_in(reconfirm_email(mailbox, "wait@waiting.example.net"), "/confirm/"))
    assert "Thank you: your signature stays" in text_of(again)
    with app.app_context():
        assert signon_named("Waiting Union").revision.number == 2


def test_a_signatory_whose_link_to_confirm_the_new_text_expired_can_ask_for_a_new_one(
        app, client, make_client, coordinator, world, statement_id, mailbox, monkeypatch):
    slug, email = world.signon_slug, "ana@redmujeres.example.mx"
    signed_through_the_form(client, coordinator, mailbox, slug, statement_id, "Red de Mujeres", email)
    change_the_final_text(coordinator, statement_id)
    expired = mailbox.link_in(reconfirm_email(mailbox, email), "/confirm/")
    eight_days = 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + eight_days)
    visitor = make_client()
    refused = visitor.get(expired)
    assert refused.status_code == 400
    assert "This link has expired. Ask for a new one." in text_of(refused)
    assert "Get a new link" in text_of(refused)  # the way on is on the same page
    assert f'action="/s/{slug}/resend"' in refused.get_data(as_text=True)
    asked = visitor.submit(f"/s/{slug}/resend", {"resend-contact_email": email.upper()})
    assert asked.status_code == 302
    mailbox.deliver()
    again = [m for m in mailbox.to(email) if ASKED in m["Subject"]]
    assert len(again) == 2
    assert "{+, and the communities that host them+}" in mailbox.body(again[-1])
    fresh = mailbox.link_in(again[-1], "/confirm/")
    assert fresh != expired
    assert "Thank you: your signature stays" in text_of(visitor.submit(fresh))
    with app.app_context():
        red = signon_named("Red de Mujeres")
        assert red.revision.number == 2 and red.reconfirm_revision_id is None and red.status == "approved"
        assert db.session.query(SignOn).count() == 1


def test_a_small_change_to_a_long_text_is_mailed_as_the_words_around_it_worked_out_once(
        app, coordinator, world, mailbox, monkeypatch):
    from statements.signons import services
    from tests.export.build import open_statement
    from tests.export.build import sign as signed_and_approved

    filler = " ".join(f"word{number}" for number in range(80))
    long_text = "# Decent work\n\n" + "\n\n".join(f"Paragraph {number}: {filler}." for number in range(200))
    with app.app_context():
        statement = open_statement(world, title="Decent work everywhere", text=long_text, slug="decent-work")
        for number in range(3):
            signed_and_approved(world, statement, f"Union number {number}", contact_email=f"office@union{number}.example")
        db.session.commit()
        statement_id = statement.id
    worked_out = []
    changes_in_context = services.changes_in_context
    monkeypatch.setattr(services, "changes_in_context",
                        lambda ops: worked_out.append(ops) or changes_in_context(ops))

    change_the_final_text(coordinator, statement_id, long_text.replace("Paragraph 150:", "Paragraph 150 (amended):"))
    assert len(worked_out) == 1  # the three signed the same text: what changed since is worked out once
    for number in range(3):
        body = mailbox.body(reconfirm_email(mailbox, f"office@union{number}.example"))
        assert "Paragraph 150{+ (amended)+}: word0 word1" in body.replace("150 {+(amended) +}", "150{+ (amended)+} ")
        assert "Paragraph 149" not in body and "word79" not in body and len(body) < 3000
        assert "These are the first" not in body


def test_a_final_text_worded_as_the_one_signed_says_so(app, client, coordinator, world, statement_id, mailbox):
    slug = world.signon_slug
    signed_through_the_form(client, coordinator, mailbox, slug, statement_id, "Red de Mujeres",
                            "ana@redmujeres.example.mx")
    with app.app_context():
        signed_text = drafts_services.revision_text(signon_named("Red de Mujeres").revision)
    assert coordinator.submit(f"/statements/{statement_id}/transition", {"to": "draft"}).status_code == 302
    for base, text in (("1", NEW_TEXT), ("2", signed_text)):  # changed, then changed back
        assert coordinator.submit(f"/statements/{statement_id}/edit",
                                  {"base": base, "text": text, "note": "Back and forth"}).status_code == 302
    change_the_final_text_back = coordinator.submit(f"/statements/{statement_id}/transition",
                                                    {"to": "final", "confirmed": "yes"})
    assert change_the_final_text_back.status_code == 302
    assert coordinator.submit(f"/statements/{statement_id}/signon/open",
                              {"deadline_date": "", "deadline_time": "23:59", "timezone": "UTC",
                               "requires_approval": "y", "closing_message": ""}).status_code == 302
    body = mailbox.body(reconfirm_email(mailbox, "ana@redmujeres.example.mx"))
    assert "Sign-on has reopened on a new final version of the text, worded as the one you signed." in body
    assert "{+" not in body and "[-" not in body
