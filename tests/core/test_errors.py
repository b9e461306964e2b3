"""Error pages say what happened and what to do, and never show a crash for bad requests."""

from sqlalchemy import select

from statements.accounts.models import WorkingGroup
from statements.extensions import db
from tests.factories import PASSWORD

HOME_LINK = '<a href="/">Go to your working groups</a>'


def test_missing_page_is_friendly_and_links_home(client, world):
    for visitor in ("anonymous", "member"):
        if visitor == "member":
            client.login(world.emails["member"])
        response = client.get("/no/such/page")
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "<h1>Page not found</h1>" in page
        assert "Check the address" in page
        assert "working groups" not in page.split("<main", 1)[1].split("</main>")[0] or visitor == "member"
        # people with an account are offered their groups; a visitor from a public page is not
        assert (HOME_LINK in page) == (visitor == "member")
        assert "Traceback" not in page


def test_get_on_a_post_only_address_is_405_with_the_allowed_method(client, world):
    client.login(world.emails["admin"])
    for url in ("/logout", f"/groups/{world.group_id}/members/{world.membership_ids['member']}/remove",
                f"/admin/invitations/{world.invitation_id}/revoke"):
        response = client.get(url)
        assert response.status_code == 405, url
        page = response.get_data(as_text=True)
        assert "<h1>Not allowed here</h1>" in page
        assert "Go back and use the buttons on the page." in page
        assert HOME_LINK in page
        assert "POST" in response.headers.get("Allow", ""), url
    assert client.get("/groups").status_code == 200  # GET /logout did not log anyone out


def test_form_without_csrf_token_is_refused_as_expired(app, client, world):
    client.login(world.emails["admin"])
    response = client.post("/groups/new", data={"name": "Shadow group"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<h1>This form has expired</h1>" in page
    assert "Go back, reload the page and send it again." in page
    wrong = client.post("/groups/new", data={"name": "Shadow group", "csrf_token": "forged"})
    assert wrong.status_code == 400
    assert "This form has expired" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Shadow group")) is None


def test_csrf_token_from_another_session_is_refused(app, client, make_client, world):
    other_token = make_client().csrf_token()
    client.login(world.emails["member"])
    response = client.post("/account/password", data={"pw-current_password": PASSWORD,
                                                      "pw-password": "a brand new password",
                                                      "pw-confirm": "a brand new password",
                                                      "csrf_token": other_token})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert make_client().login(world.emails["member"], PASSWORD).status_code == 302


def padded_group_form(token: str, total_bytes: int) -> dict:
    """A group form padded to about total_bytes, in fields small enough to pass any per-field limit."""
    chunk = 400_000
    padding = {f"padding{n}": "x" * chunk for n in range(total_bytes // chunk + 1)}
    return {"name": "Big", "description": "", "csrf_token": token, **padding}


def test_request_body_over_the_limit_is_413_not_a_crash(app, client, world):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 4 * 1024 * 1024
    client.login(world.emails["admin"])
    response = client.post("/groups/new", data=padded_group_form(client.csrf_token(), limit))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "<h1>Too large</h1>" in page
    assert "Shorten it and try again." in page
    assert HOME_LINK in page
    with app.app_context():
        assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Big")) is None


def test_request_body_under_the_limit_is_accepted(app, client, world):
    client.login(world.emails["admin"])
    response = client.post("/groups/new", data=padded_group_form(client.csrf_token(), 3 * 1024 * 1024))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Big")) is not None


def test_one_big_field_under_the_limit_is_refused_by_the_field(app, client, world):
    client.login(world.emails["admin"])
    response = client.submit("/groups/new", {"name": "Big", "description": "x" * 1_000_000})
    assert response.status_code == 400
    assert "Use at most 2,000 characters." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Big")) is None


def test_unexpected_failure_shows_a_calm_page_and_changes_nothing(app, client, world, monkeypatch):
    from statements.accounts import services

    def failing_record(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record", failing_record)
    client.login(world.emails["admin"])
    response = client.submit("/groups/new", {"name": "Half made"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "<h1>Something went wrong on our side</h1>" in page
    assert "Nothing you did caused this" in page
    assert "disk full" not in page and "Traceback" not in page
    assert HOME_LINK in page
    with app.app_context():  # the group added before the failure was rolled back with it
        assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Half made")) is None

