"""Opening comment threads, on the whole statement or on a passage, and passages that follow the
text through later revisions."""

import html
import re
from urllib.parse import urlencode

import pytest

from tests.comments.pages import (
    flashes, hidden, highlighted, highlights, stored_thread, text_of, textarea, thread_ids,
)

LATEST = "People displaced by climate change need legal protection now."
TWO_PARAGRAPHS = ("Climate change already forces people from their homes.\n\n"
                  "We demand **legal** protection for everyone displaced by disasters.")


def new_thread_url(world, **query) -> str:
    url = f"/statements/{world.statement_id}/threads/new"
    return f"{url}?{urlencode(query)}" if query else url


def save_text(client, world, text: str, note: str = "") -> None:
    """Save a new revision through the edit form, from the revision the form starts from."""
    page = client.get(f"/statements/{world.statement_id}/edit").get_data(as_text=True)
    response = client.submit(f"/statements/{world.statement_id}/edit",
                             {"base": hidden(page, "base"), "text": text, "note": note})
    assert response.status_code == 302, response.get_data(as_text=True)


def statement_page(client, world) -> str:
    return client.get(f"/statements/{world.statement_id}").get_data(as_text=True)


def open_thread_from(client, url: str, body: str):
    """Follow a link to the new-thread form and send it as the browser would, hidden fields and all."""
    page = client.get(url).get_data(as_text=True)
    return client.submit(url.split("?")[0], {"quote": hidden(page, "quote"), "revision": hidden(page, "revision"),
                                             "body": body})


def new_thread_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.fullmatch(r"/threads/(\d+)", response.headers["Location"]).group(1))


def test_a_general_thread_is_on_the_whole_statement(app, client, world):
    client.login(world.emails["member"])
    form = client.get(new_thread_url(world)).get_data(as_text=True)
    assert "Comment on the whole statement" in form

    response = client.submit(new_thread_url(world), {"body": "The title could be shorter."})

    thread_id = new_thread_id(response)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your comment is posted." in flashes(page)
    assert "Thread on the whole statement" in page
    assert "The title could be shorter." in page
    stored = stored_thread(app, thread_id)
    assert (stored["original_quote"], stored["anchor_status"], stored["author_id"]) \
        == (None, None, world.user_ids["member"])
    assert stored["comments"] == [(world.user_ids["member"], "The title could be shorter.", None, None)]
    listed = statement_page(client, world)
    assert f'id="thread-{thread_id}"' in listed
    assert thread_id not in highlighted(listed)


def test_a_paragraph_is_commented_on_through_its_link_without_javascript(app, client, world):
    client.login(world.emails["member"])
    save_text(client, world, TWO_PARAGRAPHS)
    links = re.findall(r'class="block-comment" href="([^"]+)"', statement_page(client, world))
    assert len(links) == 2
    second = html.unescape(links[1])

    form = client.get(second).get_data(as_text=True)
    assert "You are commenting on these words of revision 3" in form
    assert "We demand **legal** protection for everyone displaced by disasters." in text_of(form)

    thread_id = new_thread_id(open_thread_from(client, second, "Which disasters?"))

    stored = stored_thread(app, thread_id)
    assert stored["original_quote"] == "We demand **legal** protection for everyone displaced by disasters."
    assert (stored["anchor_status"], stored["original_revision"], stored["anchor_revision"]) == ("exact", 3, 3)
    page = statement_page(client, world)
    assert highlighted(page)[thread_id] == "We demand legal protection for everyone displaced by disasters."
    assert highlights(page).blocks[thread_id] == {"line-3"}
    assert highlights(page).statuses[thread_id] == {"exact"}


def test_selected_words_that_span_bold_formatting_are_found_and_highlighted_whole(app, client, world):
    client.login(world.emails["member"])
    save_text(client, world, TWO_PARAGRAPHS)

    # a browser's selection has the words as shown: no ** around "legal"
    url = new_thread_url(world, quote="legal protection for")
    form = client.get(url).get_data(as_text=True)
    assert "Comment on a passage" in form
    assert '<blockquote class="quote" lang="en" dir="ltr">legal protection for</blockquote>' in form

    thread_id = new_thread_id(open_thread_from(client, url, "Legal in which country?"))

    stored = stored_thread(app, thread_id)
    assert stored["original_quote"] == "legal** protection for"
    assert stored["anchor_status"] == "exact"
    page = statement_page(client, world)
    assert highlighted(page)[thread_id] == "legal protection for"
    assert "<strong>" in page.split('id="line-3"')[1].split("</div>")[0]  # still bold


def test_words_that_are_not_in_the_named_revision_are_refused_and_nothing_is_stored(app, client, world):
    client.login(world.emails["member"])
    before = thread_ids(app, world.statement_id)

    invented = client.submit(new_thread_url(world), {"quote": "open borders for all", "revision": "2",
                                                     "body": "Where is this?"})
    # "legal" was added in revision 2: revision 1 does not have these words
    too_early = client.submit(new_thread_url(world), {"quote": "legal protection", "revision": "1",
                                                      "body": "Was this here?"})

    assert invented.status_code == too_early.status_code == 400
    assert "The words you selected are not in revision 2." in text_of(invented.get_data(as_text=True))
    assert "The words you selected are not in revision 1." in text_of(too_early.get_data(as_text=True))
    assert textarea(too_early.get_data(as_text=True)) == "Was this here?"  # what was typed is kept
    assert thread_ids(app, world.statement_id) == before


@pytest.mark.parametrize("revision", ["7", "0"])
def test_a_revision_the_statement_does_not_have_is_refused_with_a_message(app, client, world, revision):
    client.login(world.emails["member"])
    before = thread_ids(app, world.statement_id)

    response = client.submit(new_thread_url(world), {"quote": "legal protection", "revision": revision,
                                                     "body": "Forged."})

    assert response.status_code == 404
    assert f"This statement has no revision {revision}. It has revisions 1 to 2." \
        in text_of(response.get_data(as_text=True))
    assert thread_ids(app, world.statement_id) == before


@pytest.mark.parametrize("revision", ["99999999999999999999", "²", "٢", "-1", "2.0", ""])
def test_a_revision_field_that_is_no_number_means_the_latest_revision(app, client, world, revision):
    client.login(world.emails["member"])
    before = thread_ids(app, world.statement_id)

    missing = client.submit(new_thread_url(world), {"quote": "open borders", "revision": revision, "body": "Forged."})
    assert missing.status_code == 400
    assert "The words you selected are not in revision 2." in text_of(missing.get_data(as_text=True))
    assert thread_ids(app, world.statement_id) == before

    thread_id = new_thread_id(client.submit(new_thread_url(world), {"quote": "legal protection",
                                                                    "revision": revision, "body": "Forged."}))
    stored = stored_thread(app, thread_id)
    assert (stored["original_quote"], stored["original_revision"], stored["anchor_status"]) \
        == ("legal protection", 2, "exact")


def test_a_thread_follows_its_passage_when_an_edit_moves_it(app, client, world):
    client.login(world.emails["member"])
    assert highlights(statement_page(client, world)).blocks[world.thread_id] == {"line-1"}

    save_text(client, world, "A paragraph written before the others.\n\n" + LATEST)

    stored = stored_thread(app, world.thread_id)
    assert (stored["anchor_status"], stored["anchor_revision"], stored["similarity"]) == ("exact", 3, 1.0)
    assert stored["position"] == len("A paragraph written before the others.\n\n") + LATEST.index("legal protection")
    page = statement_page(client, world)
    assert highlighted(page)[world.thread_id] == "legal protection"
    assert highlights(page).blocks[world.thread_id] == {"line-3"}


def test_an_edit_inside_the_passage_keeps_it_close_by_and_says_how_close(app, client, world):
    client.login(world.emails["member"])

    save_text(client, world, LATEST.replace("legal protection", "lawful protection"))

    stored = stored_thread(app, world.thread_id)
    assert stored["anchor_status"] == "fuzzy"
    assert stored["quote"] == "lawful protection"
    assert stored["original_quote"] == "legal protection"
    assert 0.6 <= stored["similarity"] < 1
    page = statement_page(client, world)
    assert highlighted(page)[world.thread_id] == "lawful protection"
    assert highlights(page).statuses[world.thread_id] == {"fuzzy"}
    thread = text_of(client.get(f"/threads/{world.thread_id}").get_data(as_text=True))
    assert f"({round(stored['similarity'] * 100)}% the same as the words first quoted in revision 2)" in thread
    assert "lawful protection" in thread


def test_an_edit_that_deletes_the_passage_marks_the_thread_removed_and_keeps_it_listed(app, client, world):
    client.login(world.emails["member"])

    save_text(client, world, "Climate displacement is a matter of justice.")
    save_text(client, world, "Climate displacement is a matter of justice for all.")  # later saves keep it removed

    stored = stored_thread(app, world.thread_id)
    assert (stored["anchor_status"], stored["anchor_revision"]) == ("removed", 3)
    thread = client.get(f"/threads/{world.thread_id}").get_data(as_text=True)
    assert '<blockquote class="quote" lang="en" dir="ltr">legal protection</blockquote>' in thread
    assert "The passage this is about was removed in revision 3." in text_of(thread)
    page = statement_page(client, world)
    assert world.thread_id not in highlighted(page)
    listed = page.split(f'id="thread-{world.thread_id}"')[1].split("</li>")[0]
    assert "legal protection" in listed and "was removed in revision 3" in listed
    open_list = client.get(f"/statements/{world.statement_id}/threads?status=open").get_data(as_text=True)
    assert f'id="thread-{world.thread_id}"' in open_list


def test_resolved_threads_are_not_moved_along_by_edits(app, client, world):
    client.login(world.emails["coordinator"])
    assert client.submit(f"/threads/{world.thread_id}/resolve").status_code == 302

    save_text(client, world, "A paragraph written before the others.\n\n"
              + LATEST.replace("legal protection", "lawful protection"))

    stored = stored_thread(app, world.thread_id)
    assert (stored["anchor_status"], stored["anchor_revision"], stored["quote"]) == ("exact", 2, "legal protection")
    assert world.thread_id not in highlighted(statement_page(client, world))


def test_a_reopened_thread_is_found_again_in_the_latest_text(app, client, world):
    client.login(world.emails["coordinator"])
    client.submit(f"/threads/{world.thread_id}/resolve")
    save_text(client, world, "A paragraph written before the others.\n\n" + LATEST)

    assert client.submit(f"/threads/{world.thread_id}/reopen").status_code == 302

    stored = stored_thread(app, world.thread_id)
    assert (stored["anchor_status"], stored["anchor_revision"]) == ("exact", 3)
    page = statement_page(client, world)
    assert highlighted(page)[world.thread_id] == "legal protection"
    assert highlights(page).blocks[world.thread_id] == {"line-3"}


def test_an_observer_may_open_a_thread(app, client, world):
    client.login(world.emails["observer"])
    assert "block-comment" in statement_page(client, world)

    thread_id = new_thread_id(client.submit(new_thread_url(world), {"quote": "climate change", "revision": "2",
                                                                    "body": "Observers notice this."}))

    assert stored_thread(app, thread_id)["author_id"] == world.user_ids["observer"]


def test_an_outsider_cannot_see_or_open_threads_of_another_group(app, client, world):
    client.login(world.emails["outsider"])
    before = thread_ids(app, world.statement_id)

    assert client.get(f"/threads/{world.thread_id}").status_code == 404
    assert client.get(new_thread_url(world)).status_code == 404
    assert client.get(f"/statements/{world.statement_id}/threads").status_code == 404
    assert client.submit(new_thread_url(world), {"body": "Let me in."}).status_code == 404
    assert thread_ids(app, world.statement_id) == before


def test_the_list_filters_open_resolved_and_all_threads_with_counts(app, client, world):
    client.login(world.emails["member"])
    general = new_thread_id(client.submit(new_thread_url(world), {"body": "A general remark."}))
    client.submit(f"/threads/{world.thread_id}/resolve")  # the member opened it, so may resolve it

    def listed(status):
        page = client.get(f"/statements/{world.statement_id}/threads?status={status}").get_data(as_text=True)
        return page, {int(i) for i in re.findall(r'id="thread-(\d+)"', page)}

    page, open_ids = listed("open")
    assert open_ids == {general}
    assert "Open (1)" in page and "Resolved (1)" in page and "All (2)" in page
    assert listed("resolved")[1] == {world.thread_id}
    assert listed("all")[1] == {general, world.thread_id}
    assert listed("nonsense")[1] == {general}  # an unknown filter shows the open ones
    assert "· resolved" in listed("resolved")[0]


def test_a_passage_quoted_from_a_revision_someone_has_since_replaced_is_placed_in_the_latest(
        app, client, world, make_client):
    client.login(world.emails["observer"])
    form = client.get(new_thread_url(world, quote="climate change")).get_data(as_text=True)
    assert hidden(form, "revision") == "2"
    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    save_text(coordinator, world, "A paragraph written before the others.\n\n" + LATEST)

    thread_id = new_thread_id(client.submit(new_thread_url(world), {
        "quote": hidden(form, "quote"), "revision": hidden(form, "revision"), "body": "Which change?"}))

    stored = stored_thread(app, thread_id)
    assert (stored["original_quote"], stored["original_revision"]) == ("climate change", 2)
    assert (stored["anchor_status"], stored["anchor_revision"]) == ("exact", 3)
    page = statement_page(client, world)
    assert highlighted(page)[thread_id] == "climate change"
    assert highlights(page).blocks[thread_id] == {"line-3"}
