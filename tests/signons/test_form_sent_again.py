"""The same organization's form sent again from the same address before it is confirmed: one sign-on, with the
latest answers; a new link and code only once the first email is some minutes old; and when the earlier
sign-on was confirmed meanwhile, the same answer as for any repeat of a confirmed signature."""

import dataclasses
from datetime import timedelta

from statements.core.db import utcnow
from statements.extensions import db
from statements.signons import services
from tests.signons.pages import code_in, confirmation, sign, signons, text_of

NAME, EMAIL = "Sindicato de Trabajadoras del Hogar", "info@sindicato-hogar.example.org"


def mails_to(mailbox, email: str) -> list:
    mailbox.deliver()
    return mailbox.to(email)


def test_a_corrected_form_changes_the_waiting_sign_on_and_sends_no_second_email(app, client, world, mailbox):
    slug = world.signon_slug
    assert sign(client, slug, organization_name=NAME, contact_email=EMAIL, country="GT").status_code == 302
    first_link = mailbox.link_in(confirmation(mailbox, EMAIL), "/confirm/")

    corrected = client.submit(f"/s/{slug}/sign", {
        "organization_name": "  Sindicato de  Trabajadoras del Hogar ", "country": "MX", "org_type": "union",
        "contact_name": "Lucía   Pérez", "contact_email": EMAIL.upper(), "message": "Con solidaridad",
        "visibility": "country", "authorized": "y"})
    assert corrected.status_code == 302
    assert len(mails_to(mailbox, EMAIL)) == 1  # the first email's link still stands
    with app.app_context():
        [signon] = signons()
        assert (signon.organization_name, signon.country, signon.contact_name, signon.message, signon.visibility,
                signon.status) == (NAME, "MX", "Lucía Pérez", "Con solidaridad", "country", "pending")
        assert signon.country_sort == services.collation.stored_sort_key("Mexico", 80)
    assert client.submit(first_link).status_code == 200
    with app.app_context():
        assert signons()[0].status in ("confirmed", "approved")


def test_a_form_sent_again_later_gets_a_new_link_and_code_and_the_first_stop_working(app, client, make_client,
                                                                                      world, mailbox):
    slug = world.signon_slug
    sign(client, slug, organization_name=NAME, contact_email=EMAIL)
    first = confirmation(mailbox, EMAIL)
    with app.app_context():
        signons()[0].confirm_sent_at = utcnow() - services.RESEND_AFTER - timedelta(seconds=5)
        db.session.commit()

    assert sign(client, slug, organization_name=NAME, contact_email=EMAIL, message="Again").status_code == 302
    second = confirmation(mailbox, EMAIL)
    assert len(mails_to(mailbox, EMAIL)) == 2 and second["Message-ID"] != first["Message-ID"]
    with app.app_context():
        [signon] = signons()
        assert signon.message == "Again" and utcnow() - signon.confirm_sent_at < timedelta(minutes=1)
    old_link = mailbox.link_in(first, "/confirm/")
    assert "replaced by a newer one" in text_of(make_client().submit(old_link))
    answer = make_client().submit(f"/s/{slug}/confirm-code", {"contact_email": EMAIL, "code": code_in(mailbox, second)})
    assert answer.status_code == 200
    with app.app_context():
        assert signons()[0].status in ("confirmed", "approved")


def test_a_form_sent_again_as_the_first_is_confirmed_is_answered_as_a_repeat_of_a_confirmed_signature(
        app, client, make_client, world, mailbox, monkeypatch):
    slug = world.signon_slug
    sign(client, slug, organization_name=NAME, contact_email=EMAIL)
    link = mailbox.link_in(confirmation(mailbox, EMAIL), "/confirm/")
    assert make_client().submit(link).status_code == 200
    looked = []
    real_find_same_name = services.find_same_name

    def confirmed_meanwhile(connection, statement, signon):
        """The first look saw it waiting: its contact confirmed it just after."""
        found = real_find_same_name(connection, statement, signon)
        looked.append(found if looked else dataclasses.replace(found, status="pending"))
        return looked[-1]

    monkeypatch.setattr(services, "find_same_name", confirmed_meanwhile)
    again = sign(client, slug, organization_name=NAME, contact_email=EMAIL, message="Changed my mind")
    assert again.status_code == 302
    assert [found.unconfirmed for found in looked] == [True, False]
    told = [m for m in mails_to(mailbox, EMAIL) if "already signed" in m["Subject"]]
    assert len(told) == 1 and "from this address" in mailbox.body(told[0])
    with app.app_context():
        first, repeat = signons()
        assert first.status in ("confirmed", "approved") and first.message == ""  # the confirmed one is unchanged
        assert repeat.status == "rejected" and repeat.possible_duplicate_of_id == first.id
