"""The comment period: while it is open, the statement page invites everyone to comment."""

from tests.comments.pages import flashes

BANNER = "The comment period is open: read the draft and comment on it."


def move(client, world, to: str):
    response = client.submit(f"/statements/{world.statement_id}/transition", {"to": to, "confirmed": "yes"})
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_comment_period_shows_a_banner_until_it_ends(client, world, make_client):
    observer = make_client()
    observer.login(world.emails["observer"])
    assert BANNER not in observer.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    client.login(world.emails["coordinator"])

    page = move(client, world, "comment_period")

    assert "The comment period is open: members are invited to comment." in flashes(page)
    assert BANNER in page
    assert BANNER in observer.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    # comments can be made during the period
    assert observer.submit(f"/threads/{world.thread_id}/replies", {"body": "Reading now."}).status_code == 302

    page = move(client, world, "draft")

    assert BANNER not in page
    assert BANNER not in observer.get(f"/statements/{world.statement_id}").get_data(as_text=True)


def test_the_banner_is_gone_once_the_text_is_frozen_as_final(client, world):
    client.login(world.emails["coordinator"])
    move(client, world, "comment_period")

    page = move(client, world, "final")

    assert BANNER not in page
