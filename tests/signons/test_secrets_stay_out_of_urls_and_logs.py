"""A signer's email address never goes into a URL (logs, browser history, the Referer header would keep
it), and the tokens of confirmation and withdrawal links are never written to the request or error log;
a withdrawal link works for the life of the statement."""

import logging
import time

import pytest
from itsdangerous import TimestampSigner

from statements.signons import services
from tests.signons.pages import confirmation, plain, sign, text_of

EMAIL = "maria.lopez@trabajadoras.org.gt"


@pytest.fixture
def logged(caplog):
    """Everything the app logs (the request log and the error log), as one text."""
    caplog.set_level(logging.INFO, logger="statements")

    def text() -> str:
        return "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records) + caplog.text

    return text


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_the_address_is_kept_out_of_the_url_and_shown_to_the_signer_alone(client, make_client, world):
    signed = sign(client, world.signon_slug)
    assert signed.status_code == 302
    location = signed.headers["Location"]
    assert location == f"/s/{world.signon_slug}/check-email"
    assert "maria" not in location and "%40" not in location and "@" not in location
    assert f"We sent a link to {EMAIL}" in plain(text_of(client.get(location)))
    # another browser opening the same address learns nothing
    assert "We sent a link to the address you gave" in plain(text_of(make_client().get(location)))

    resent = client.submit(f"/s/{world.signon_slug}/resend", {"resend-contact_email": "other@trabajadoras.org.gt"})
    assert resent.headers["Location"] == f"/s/{world.signon_slug}/check-email"
    assert "We sent a link to other@trabajadoras.org.gt" in plain(text_of(client.get(resent.headers["Location"])))


def test_the_address_given_on_one_statement_is_not_shown_on_anothers_page(app, client, world):
    from statements.accounts.models import User
    from statements.extensions import db
    from tests.factories import make_open_statement

    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        other = make_open_statement(coordinator, coordinator.memberships[0].group, "Another statement").slug
        db.session.commit()
    sign(client, world.signon_slug)
    assert EMAIL not in text_of(client.get(f"/s/{other}/check-email"))


def test_confirm_and_withdraw_tokens_are_not_in_the_request_log(client, make_client, world, mailbox, logged):
    sign(client, world.signon_slug)
    message = confirmation(mailbox, EMAIL)
    confirm_link, withdraw_link = mailbox.link_in(message, "/confirm/"), mailbox.link_in(message, "/withdraw/")
    tokens = [token_of(confirm_link), token_of(withdraw_link)]
    visitor = make_client()
    assert visitor.get(confirm_link).status_code == 200
    assert visitor.submit(confirm_link).status_code == 200
    assert visitor.get(withdraw_link).status_code == 200
    assert visitor.submit(withdraw_link).status_code == 200
    assert visitor.put(withdraw_link).status_code == 405  # a route matched by path alone is masked too
    assert visitor.get(withdraw_link + "/more").status_code == 404  # and a path that matched no route

    text = logged()
    for token in tokens:
        assert token not in text
        assert token.split(".")[0] not in text and token.split(".")[-1] not in text
    slug = world.signon_slug
    for path in (f"path=/s/{slug}/confirm/(token) status=200", f"path=/s/{slug}/withdraw/(token) status=200",
                 f"path=/s/{slug}/withdraw/(token) status=405", f"path=/s/{slug}/withdraw/(token)/more status=404"):
        assert path in text, path


@pytest.mark.parametrize("path", ["/password/reset/{}", "/invitations/{}", "/account/email/confirm/{}",
                                  "/s/{slug}/confirm/{}", "/s/{slug}/withdraw/{}"])
def test_no_link_token_of_any_kind_is_logged(client, world, logged, path):
    made_up = "eyJzIjo0MiwibiI6ImFiY2RlZiJ9.aBcDeF.made-up-signature-0123456789abcd"
    client.get(path.format(made_up, slug=world.signon_slug))
    assert made_up not in logged() and "made-up-signature" not in logged()
    assert "(token)" in logged()


def test_a_crash_on_a_withdrawal_link_is_logged_without_its_token(app, client, make_client, world, mailbox,
                                                                  logged, monkeypatch):
    sign(client, world.signon_slug)
    withdraw_link = mailbox.link_in(confirmation(mailbox, EMAIL), "/withdraw/")

    def crash(signon):
        raise RuntimeError("the crash under test")

    monkeypatch.setattr(services, "withdraw", crash)
    assert make_client().submit(withdraw_link).status_code == 500
    text = logged()
    assert "Unhandled error" in text and "the crash under test" in text
    assert token_of(withdraw_link) not in text
    assert f"path=/s/{world.signon_slug}/withdraw/(token)" in text


def test_a_withdrawal_link_still_works_years_later(client, make_client, world, mailbox, monkeypatch):
    sign(client, world.signon_slug)
    withdraw_link = mailbox.link_in(confirmation(mailbox, EMAIL), "/withdraw/")
    five_years = 5 * 365 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + five_years)
    assert "Your signature is withdrawn" in text_of(make_client().submit(withdraw_link))
