"""Logging out ends the login on the server: a copy of the cookies stops working, "log out
everywhere" ends every login of the person, and a form token from before login is refused after it."""

from datetime import timedelta

from sqlalchemy import select, update

from statements.accounts.models import LoginSession
from statements.audit.models import AuditEvent
from statements.core.db import utcnow
from statements.extensions import db
from tests.accounts.test_passwords import choose, reset_link
from tests.factories import PASSWORD

EXPIRED_FORM = "This form has expired"


def log_in(client, email: str, remember: bool = False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.submit("/login", data).status_code == 302
    return client


def copy_of_cookies(client) -> dict[str, str]:
    """What someone who copied this browser's cookies holds."""
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def logged_in_with(make_client, name: str, value: str) -> bool:
    """Whether a fresh browser holding only this one cookie gets the account page."""
    other = make_client()
    other.set_cookie(name, value)
    return other.get("/account").status_code == 200


def test_cookies_copied_before_logout_no_longer_log_anyone_in(make_client, world):
    browser = log_in(make_client(), world.emails["member"], remember=True)
    copied = copy_of_cookies(browser)
    assert set(copied) == {"session", "remember_token"}
    assert all(logged_in_with(make_client, name, value) for name, value in copied.items())  # the copies work now

    response = browser.submit("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You are logged out." in browser.get("/login").get_data(as_text=True)
    for name, value in copied.items():
        assert not logged_in_with(make_client, name, value), f"the {name} cookie still logs in after logout"


def test_logging_out_on_one_device_leaves_the_others_logged_in(make_client, world):
    laptop = log_in(make_client(), world.emails["member"])
    phone = log_in(make_client(), world.emails["member"], remember=True)
    laptop.submit("/logout")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200


def test_log_out_everywhere_ends_every_login_and_remember_me_cookie(app, make_client, world):
    laptop = log_in(make_client(), world.emails["member"])
    phone = log_in(make_client(), world.emails["member"], remember=True)
    phone_cookies = copy_of_cookies(phone)
    other_person = log_in(make_client(), world.emails["observer"])
    assert "Log out everywhere" in laptop.get("/account").get_data(as_text=True)

    response = laptop.submit("/account/logout-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You are logged out on every device, this one included." in laptop.get("/login").get_data(as_text=True)
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    for name, value in phone_cookies.items():
        assert not logged_in_with(make_client, name, value)
    assert other_person.get("/account").status_code == 200  # only this person's logins end
    assert log_in(make_client(), world.emails["member"]).get("/account").status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.logged_out_everywhere"))
        assert event.actor_id == world.user_ids["member"]


def test_log_out_everywhere_needs_the_form_token(make_client, world):
    laptop = log_in(make_client(), world.emails["member"])
    phone = log_in(make_client(), world.emails["member"])
    response = laptop.post("/account/logout-everywhere")
    assert response.status_code == 400 and EXPIRED_FORM in response.get_data(as_text=True)
    assert phone.get("/account").status_code == 200


def test_a_password_reset_logs_out_every_device(make_client, world, mailbox):
    phone = log_in(make_client(), world.emails["member"], remember=True)
    phone_cookies = copy_of_cookies(phone)
    visitor = make_client()
    assert choose(visitor, reset_link(visitor, mailbox, world.emails["member"])).status_code == 302
    assert phone.get("/account").status_code == 302
    for name, value in phone_cookies.items():
        assert not logged_in_with(make_client, name, value)


def test_a_login_ends_after_the_configured_days(app, make_client, world):
    phone = log_in(make_client(), world.emails["member"], remember=True)
    with app.app_context():
        too_old = utcnow() - timedelta(days=app.config["LOGIN_DAYS"], minutes=1)
        db.session.execute(update(LoginSession).values(created_at=too_old))
        db.session.commit()
    assert phone.get("/account").status_code == 302


def test_the_database_keeps_no_usable_session_key(app, make_client, world):
    browser = log_in(make_client(), world.emails["member"])
    with app.app_context():
        [stored] = db.session.scalars(select(LoginSession.key_hash))
    with browser.session_transaction() as session:
        key = session["_user_id"].partition(".")[2]
    assert key and key not in stored and len(stored) == 64


def test_a_form_token_from_before_login_is_refused_after_login(make_client, world):
    browser = make_client()
    before = browser.csrf_token()
    assert browser.post("/login", data={"email": world.emails["member"], "password": PASSWORD,
                                        "csrf_token": before}).status_code == 302
    stale = browser.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400 and EXPIRED_FORM in stale.get_data(as_text=True)
    assert browser.get("/account").status_code == 200  # the stale form did nothing
    fresh = browser.post("/logout", data={"csrf_token": browser.csrf_token()})
    assert fresh.status_code == 302
    assert browser.get("/account").status_code == 302
