"""What one person can make the service render: texts up to their field's limit, each rendered at a bounded
cost per kilobyte (see test_markdown.py), previews and posts at a bounded rate per person."""

import html

import pytest
from sqlalchemy import func, select

from statements.comments.models import Comment
from statements.core.markdown import AS_TYPED_NOTICE
from statements.extensions import db
from statements.talking_points.models import TalkingPoint

TOO_MANY = "You have tried this too many times in a short while. Wait a minute and try again."


def text_of(response) -> str:
    return response.get_data(as_text=True)


def logged_in(make_client, world, role: str):
    client = make_client()
    client.login(world.emails[role])
    return client


def preview(client, world, text="*Protection* now"):
    return client.submit(f"/statements/{world.statement_id}/preview", {"text": text})


def reply(client, world, body="I agree."):
    return client.submit(f"/threads/{world.thread_id}/replies", {"body": body})


def comments(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Comment))


def test_previews_are_limited_per_person_and_the_preview_button_counts_too(app, make_client, world, monkeypatch):
    monkeypatch.setitem(app.config, "PREVIEW_LIMIT_PER_PERSON", "3 per minute")
    member = logged_in(make_client, world, "member")
    assert [preview(member, world).status_code for _ in range(2)] == [200, 200]
    edit = f"/statements/{world.statement_id}/edit"
    assert member.submit(edit, {"base": "2", "text": "x", "note": "", "action": "preview"}).status_code == 200
    refused = preview(member, world)
    assert refused.status_code == 429
    assert TOO_MANY in text_of(refused)
    refused = member.submit(edit, {"base": "2", "text": "x", "note": "", "action": "preview"})
    assert refused.status_code == 429
    # saving is not a preview, and a colleague at the same address previews as usual
    assert member.submit(edit, {"base": "2", "text": "Saved text", "note": ""}).status_code == 302
    assert preview(logged_in(make_client, world, "coordinator"), world).status_code == 200


def test_posting_comments_and_points_is_limited_per_person(app, make_client, world, monkeypatch):
    monkeypatch.setitem(app.config, "POSTING_LIMIT_PER_PERSON", "3 per minute")
    member = logged_in(make_client, world, "member")
    with app.app_context():
        points = db.session.scalar(select(func.count()).select_from(TalkingPoint))
    assert [reply(member, world).status_code for _ in range(2)] == [302, 302]
    point = member.submit(f"/groups/{world.group_id}/points/new",
                          {"title": "Decent work", "body": "Everyone", "sources": "", "tags": ""})
    assert point.status_code == 302
    before = comments(app)
    refused = reply(member, world, "One too many.")
    assert refused.status_code == 429 and TOO_MANY in text_of(refused)
    assert comments(app) == before
    refused = member.submit(f"/groups/{world.group_id}/points/new",
                            {"title": "Again", "body": "Again", "sources": "", "tags": ""})
    assert refused.status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TalkingPoint)) == points + 1
    assert reply(logged_in(make_client, world, "coordinator"), world).status_code == 302
    assert member.get(f"/threads/{world.thread_id}").status_code == 200  # reading is not limited


def test_nothing_longer_than_a_statement_text_is_previewed(app, client, world):
    client.login(world.emails["member"])
    too_long = "x" * 200_001
    assert preview(client, world, too_long).status_code == 413
    response = client.submit(f"/statements/{world.statement_id}/edit",
                             {"base": "2", "text": too_long, "note": "", "action": "preview"})
    assert response.status_code == 400
    page = text_of(response)
    assert "The text is 200,001 characters long; the limit is 200,000. Split it or shorten it." in page
    assert "Preview (not saved yet)" in page and 'id="preview-section" hidden' in page


@pytest.mark.parametrize("body", ["[" * 19_000, "*_" * 9_500, "> " * 9_500 + "deep"])
def test_a_comment_full_of_marks_is_posted_and_shown_as_typed(app, client, world, body):
    client.login(world.emails["member"])
    response = reply(client, world, body)
    assert response.status_code == 302
    page = client.get(f"/threads/{world.thread_id}")
    assert page.status_code == 200
    assert str(AS_TYPED_NOTICE) in html.unescape(text_of(page))
    assert body[-4:] in text_of(page)
