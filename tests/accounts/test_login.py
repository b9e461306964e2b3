"""Logging in and out, as a person would through the pages."""

from sqlalchemy import select

from statements.accounts.models import User
from statements.extensions import db
from tests.factories import PASSWORD

WRONG = "That email and password do not match an account"


def test_login_with_right_password_shows_the_groups(client, world):
    response = client.login("Coordinator@Example.org")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Climate and Displacement" in page
    assert "You are coordinator here" in page


def test_wrong_password_and_unknown_email_get_the_same_answer(client, world):
    wrong_password = client.login(world.emails["member"], "not the password")
    unknown = client.login("nobody@example.org", PASSWORD)
    for response in (wrong_password, unknown):
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert WRONG in page
    assert 'value="nobody@example.org"' in unknown.get_data(as_text=True)  # what was typed is kept
    assert client.get("/").status_code == 302  # still logged out


def test_login_without_csrf_token_is_refused_with_a_clear_page(client, world):
    response = client.post("/login", data={"email": world.emails["member"], "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(client, world):
    client.login(world.emails["member"])
    response = client.submit("/logout")
    assert response.status_code == 302
    assert client.get("/groups").status_code == 302


def test_next_url_is_followed_only_within_the_site(client, world):
    token = client.csrf_token()
    data = {"email": world.emails["member"], "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"
    client.submit("/logout")
    response = client.submit(f"/login?next=/groups/{world.group_id}", {"email": world.emails["member"],
                                                                         "password": PASSWORD})
    assert response.headers["Location"] == f"/groups/{world.group_id}"


def test_over_long_email_is_refused_by_the_field(client, world):
    response = client.login("a" * 300 + "@example.org")
    assert response.status_code == 400
    assert "at most 254 characters" in response.get_data(as_text=True)


def test_last_login_is_recorded(app, client, world):
    client.login(world.emails["observer"])
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email_normalized == world.emails["observer"]))
        assert user.last_login_at is not None
