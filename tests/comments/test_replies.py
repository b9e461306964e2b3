"""Replying in a thread, resolving and reopening it, editing and deleting comments, and what each
role may do there."""

import re

import pytest

from statements.comments.models import BODY_MAX
from tests.comments.pages import comment_count, field_error, flashes, stored_thread, text_of, textarea


def thread_url(world) -> str:
    return f"/threads/{world.thread_id}"


def reply(client, world, body: str, thread_id: int | None = None):
    return client.submit(f"/threads/{thread_id or world.thread_id}/replies", {"body": body})


def open_general_thread(client, world, body: str) -> int:
    response = client.submit(f"/statements/{world.statement_id}/threads/new", {"body": body})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_reply_is_shown_under_the_first_comment_and_stored(app, client, world):
    client.login(world.emails["coordinator"])

    response = reply(client, world, "Yes: *legal* matters here.")

    assert response.status_code == 302
    assert re.fullmatch(rf"/threads/{world.thread_id}#comment-\d+", response.headers["Location"])
    page = client.get(thread_url(world)).get_data(as_text=True)
    assert "Your reply is posted." in flashes(page)
    assert page.index("Should this say <em>legal</em>?") < page.index("Yes: <em>legal</em> matters here.")
    assert "Coordinator Person" in page
    comments = stored_thread(app, world.thread_id)["comments"]
    assert [(author, body) for author, body, _, _ in comments] == [
        (world.user_ids["member"], "Should this say *legal*?"),
        (world.user_ids["coordinator"], "Yes: *legal* matters here."),
    ]


def test_an_observer_may_reply_but_not_resolve_someone_elses_thread(app, client, world):
    client.login(world.emails["observer"])

    assert reply(client, world, "An observer's view.").status_code == 302
    page = client.get(thread_url(world)).get_data(as_text=True)
    assert "An observer's view." in text_of(page)
    assert "Resolve the thread" not in page

    refused = client.submit(f"{thread_url(world)}/resolve")

    assert refused.status_code == 403
    assert "You do not have access to this" in refused.get_data(as_text=True)
    assert stored_thread(app, world.thread_id)["resolved_at"] is None


def test_a_member_who_did_not_open_the_thread_may_not_resolve_it(app, client, world, make_client):
    observer = make_client()
    observer.login(world.emails["observer"])
    thread_id = open_general_thread(observer, world, "Opened by the observer.")
    client.login(world.emails["member"])

    assert client.submit(f"/threads/{thread_id}/resolve").status_code == 403
    assert stored_thread(app, thread_id)["resolved_at"] is None
    # the observer opened it, so the observer may close it
    assert observer.submit(f"/threads/{thread_id}/resolve").status_code == 302
    assert stored_thread(app, thread_id)["resolved_by_id"] == world.user_ids["observer"]


@pytest.mark.parametrize("role", ["coordinator", "member"])  # the member opened the thread
def test_the_coordinator_and_the_threads_author_resolve_and_reopen(app, client, world, role):
    client.login(world.emails[role])

    resolved = client.submit(f"{thread_url(world)}/resolve")

    assert resolved.status_code == 302
    page = client.get(resolved.headers["Location"]).get_data(as_text=True)
    assert "The thread is resolved." in flashes(page)
    assert "Resolved by" in page and "Reopen the thread" in page
    stored = stored_thread(app, world.thread_id)
    assert stored["resolved_at"] is not None and stored["resolved_by_id"] == world.user_ids[role]

    reopened = client.submit(f"{thread_url(world)}/reopen")

    assert reopened.status_code == 302
    page = client.get(reopened.headers["Location"]).get_data(as_text=True)
    assert "The thread is open again." in flashes(page)
    assert "Resolve the thread" in page
    stored = stored_thread(app, world.thread_id)
    assert (stored["resolved_at"], stored["resolved_by_id"]) == (None, None)


def test_resolving_twice_or_reopening_an_open_thread_gets_a_clear_message(app, client, world):
    client.login(world.emails["coordinator"])
    client.submit(f"{thread_url(world)}/resolve")
    resolved_at = stored_thread(app, world.thread_id)["resolved_at"]

    again = client.submit(f"{thread_url(world)}/resolve")

    assert again.status_code == 400
    assert "This thread is already resolved." in text_of(again.get_data(as_text=True))
    assert stored_thread(app, world.thread_id)["resolved_at"] == resolved_at
    client.submit(f"{thread_url(world)}/reopen")
    not_resolved = client.submit(f"{thread_url(world)}/reopen")
    assert not_resolved.status_code == 400
    assert "This thread is already open." in text_of(not_resolved.get_data(as_text=True))


def test_a_reply_to_a_resolved_thread_leaves_it_resolved(app, client, world):
    client.login(world.emails["coordinator"])
    client.submit(f"{thread_url(world)}/resolve")

    assert reply(client, world, "One last word.").status_code == 302

    stored = stored_thread(app, world.thread_id)
    assert stored["resolved_at"] is not None
    assert stored["comments"][-1][1] == "One last word."


def test_editing_your_own_comment_marks_it_edited(app, client, world):
    client.login(world.emails["member"])
    form = client.get(f"/comments/{world.comment_id}/edit").get_data(as_text=True)
    assert textarea(form) == "Should this say *legal*?"
    assert " · edited" not in client.get(thread_url(world)).get_data(as_text=True)

    response = client.submit(f"/comments/{world.comment_id}/edit", {"body": "Should this say *lawful*?"})

    assert response.status_code == 302
    page = client.get(thread_url(world)).get_data(as_text=True)
    assert "Your comment is updated." in flashes(page)
    assert "Should this say <em>lawful</em>?" in page and "legal</em>" not in page
    assert " · edited" in page
    [(_, body, edited_at, _)] = stored_thread(app, world.thread_id)["comments"]
    assert body == "Should this say *lawful*?" and edited_at is not None


@pytest.mark.parametrize("role", ["coordinator", "observer"])
def test_someone_elses_comment_cannot_be_edited_or_deleted(app, client, world, role):
    client.login(world.emails[role])
    page = client.get(thread_url(world)).get_data(as_text=True)
    assert f"/comments/{world.comment_id}/edit" not in page

    assert client.get(f"/comments/{world.comment_id}/edit").status_code == 403
    assert client.submit(f"/comments/{world.comment_id}/edit", {"body": "Rewritten."}).status_code == 403
    assert client.submit(f"/comments/{world.comment_id}/delete").status_code == 403

    [(_, body, edited_at, deleted_at)] = stored_thread(app, world.thread_id)["comments"]
    assert (body, edited_at, deleted_at) == ("Should this say *legal*?", None, None)


def test_staff_may_delete_any_comment(app, client, world):
    client.login(world.emails["admin"])
    assert client.submit(f"/comments/{world.comment_id}/delete").status_code == 302
    assert stored_thread(app, world.thread_id)["comments"][0][3] is not None


def test_deleting_your_own_comment_leaves_a_trace(app, client, world, make_client):
    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    reply(coordinator, world, "Agreed.")
    client.login(world.emails["member"])

    response = client.submit(f"/comments/{world.comment_id}/delete")

    assert response.status_code == 302
    page = client.get(thread_url(world)).get_data(as_text=True)
    assert "Should this say" not in page
    assert "This comment was deleted" in page
    assert "Agreed." in page  # the thread and its other comments stay
    first, second = stored_thread(app, world.thread_id)["comments"]
    assert (first[1], first[3] is not None) == ("", True)
    assert second[1] == "Agreed."
    listed = client.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert "(deleted)" in listed.split(f'id="thread-{world.thread_id}"')[1].split("</li>")[0]
    # a deleted comment cannot be brought back by editing it
    refused = client.submit(f"/comments/{world.comment_id}/edit", {"body": "Back again."})
    assert refused.status_code == 400
    assert "This comment was deleted and cannot be edited." in text_of(refused.get_data(as_text=True))
    assert stored_thread(app, world.thread_id)["comments"][0][1] == ""


@pytest.mark.parametrize("body", ["", "   \r\n  "])
def test_an_empty_reply_is_refused_by_the_field(app, client, world, body):
    client.login(world.emails["member"])
    before = comment_count(app)

    response = reply(client, world, body)

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "body") == "Write a comment before sending it."
    assert comment_count(app) == before


def test_an_empty_first_comment_opens_no_thread(app, client, world):
    client.login(world.emails["member"])
    before = comment_count(app)

    response = client.submit(f"/statements/{world.statement_id}/threads/new",
                             {"quote": "legal protection", "revision": "2", "body": ""})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "body") == "Write a comment before sending it."
    assert "legal protection" in text_of(page)  # the words commented on are still there
    assert comment_count(app) == before


def test_an_over_long_comment_is_refused_and_kept_in_the_textarea(app, client, world):
    client.login(world.emails["member"])
    before = comment_count(app)
    body = ("We need more time. " * (BODY_MAX // 19 + 1)).strip()
    assert len(body) > BODY_MAX

    response = reply(client, world, body)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"A comment can be at most {BODY_MAX:,} characters; this one has {len(body):,}." \
        in field_error(page, "body")
    assert textarea(page) == body
    assert comment_count(app) == before
    # the limit itself is fine
    assert reply(client, world, body[:BODY_MAX - 1] + ".").status_code == 302


def test_the_same_over_long_text_is_refused_when_editing(app, client, world):
    client.login(world.emails["member"])
    body = "x" * (BODY_MAX + 1)

    response = client.submit(f"/comments/{world.comment_id}/edit", {"body": body})

    assert response.status_code == 400
    assert textarea(response.get_data(as_text=True)) == body
    assert stored_thread(app, world.thread_id)["comments"][0][1] == "Should this say *legal*?"


def test_markdown_in_comments_renders_and_markup_never_runs(app, client, world):
    client.login(world.emails["member"])
    body = ("**Bold** and a [source](https://example.org/report).\n\n"
            "<script>alert('x')</script>\n\n"
            '<img src=x onerror="alert(1)">\n\n'
            "[click me](javascript:alert(1)) and [me too](JaVaScRiPt:alert(2))\n\n"
            '<a href="javascript:alert(3)">raw link</a>')

    assert reply(client, world, body).status_code == 302

    page = client.get(thread_url(world)).get_data(as_text=True)
    comment = page.split('class="comment-body"')[2].split("</li>")[0]
    assert "<strong>Bold</strong>" in comment
    assert '<a href="https://example.org/report" rel="nofollow noopener noreferrer">source</a>' in comment
    assert "<script" not in comment and "<img" not in comment
    assert not re.search(r"<[^>]*onerror", comment)
    assert not re.search(r"<[^>]*href=\"javascript:", comment, re.IGNORECASE)
    assert "&lt;script&gt;" in comment  # shown as the text that was typed
    stored = stored_thread(app, world.thread_id)["comments"][-1][1]
    assert stored == body  # stored as typed; made safe when shown


def test_a_reply_to_a_thread_that_does_not_exist_is_not_found(app, client, world):
    client.login(world.emails["member"])
    before = comment_count(app)

    assert reply(client, world, "Hello?", thread_id=world.thread_id + 1000).status_code == 404
    assert client.get(f"/threads/{world.thread_id + 1000}").status_code == 404
    assert client.submit(f"/threads/{world.thread_id + 1000}/resolve").status_code == 404
    assert client.submit(f"/comments/{world.comment_id + 1000}/delete").status_code == 404
    assert comment_count(app) == before


def test_an_outsider_gets_not_found_for_another_groups_thread(app, client, world):
    client.login(world.emails["outsider"])  # coordinator of another group
    before = comment_count(app)

    assert reply(client, world, "Let me in.").status_code == 404
    assert client.submit(f"{thread_url(world)}/resolve").status_code == 404
    assert client.get(f"/comments/{world.comment_id}/edit").status_code == 404
    assert client.submit(f"/comments/{world.comment_id}/delete").status_code == 404

    assert comment_count(app) == before
    stored = stored_thread(app, world.thread_id)
    assert stored["resolved_at"] is None and stored["comments"][0][3] is None


def test_a_reply_without_its_form_token_is_refused(app, client, world):
    client.login(world.emails["member"])
    before = comment_count(app)

    response = client.post(f"{thread_url(world)}/replies", data={"body": "No token."})

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert comment_count(app) == before
