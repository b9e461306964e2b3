"""Suggested changes: proposing wording on a passage, following it through revisions, support, and the
coordinator's decision (a new revision crediting the author, or a rejection with a reason)."""

import re
from urllib.parse import urlencode

from sqlalchemy import select

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.notifications.models import Notification
from statements.suggestions.models import REPLACEMENT_MAX, Suggestion
from tests.comments.pages import field_error, flashes, hidden, text_of, textarea
from tests.drafts.pages import stored_text
from tests.factories import make_organization

LATEST = "People displaced by climate change need legal protection now."
PARAGRAPHS = ("Climate change already forces people from their homes.\n\n"
              "We demand legal protection for everyone displaced by disasters.")


def new_url(world, **query) -> str:
    url = f"/statements/{world.statement_id}/suggestions/new"
    return f"{url}?{urlencode(query)}" if query else url


def suggest(client, world, quote: str, replacement: str, reason: str = "It is clearer.", **fields):
    """Follow a link to the suggestion form and send it as the browser would, hidden fields and all."""
    page = client.get(new_url(world, quote=quote)).get_data(as_text=True)
    data = {"quote": hidden(page, "quote"), "revision": hidden(page, "revision"), "replacement": replacement,
            "reason": reason} | fields
    return client.submit(new_url(world), data)


def suggestion_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.fullmatch(r"/suggestions/(\d+)", response.headers["Location"]).group(1))


def stored(app, suggestion_id: int) -> Suggestion:
    with app.app_context():
        suggestion = db.session.get(Suggestion, suggestion_id)
        suggestion.supports, suggestion.thread  # loaded for the test to read
        db.session.expunge_all()
        return suggestion


def save_text(app, world, text: str, role: str = "coordinator") -> None:
    with app.app_context():
        statement = db.session.get(Statement, world.statement_id)
        author = db.session.get(User, world.user_ids[role])
        drafts.save_revision(author, statement, statement.latest_number, text, "An edit")
        db.session.commit()


def kinds_told(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user_id)))


def logged_in(make_client, email):
    client = make_client()
    assert client.login(email).status_code == 302
    return client


# --- proposing --------------------------------------------------------------------------------------

def test_a_member_suggests_new_wording_for_selected_words(app, client, world):
    client.login(world.emails["member"])
    form = client.get(new_url(world, quote="legal protection")).get_data(as_text=True)
    assert "legal protection" in text_of(form) and textarea(form, "replacement") == "legal protection"

    response = suggest(client, world, "legal protection", "legal and social protection", "Housing matters too.")

    suggestion = stored(app, suggestion_id(response))
    assert (suggestion.revision_number, suggestion.original_quote) == (2, "legal protection")
    assert LATEST[suggestion.original_start:suggestion.original_end] == "legal protection"
    assert (suggestion.status, suggestion.replacement, suggestion.reason) == \
        ("pending", "legal and social protection", "Housing matters too.")
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Your suggestion is posted" in page and "legal and social protection" in page
    assert "suggestion_new" in kinds_told(app, world.user_ids["coordinator"])


def test_the_suggestion_has_a_thread_on_the_same_passage_linked_both_ways(app, client, world):
    client.login(world.emails["member"])
    suggestion = stored(app, suggestion_id(suggest(client, world, "legal protection", "rights", "Broader.")))
    thread_page = client.get(f"/threads/{suggestion.thread_id}").get_data(as_text=True)
    assert f'href="/suggestions/{suggestion.id}"' in thread_page and "Broader." in text_of(thread_page)
    assert "legal protection" in text_of(thread_page)
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert f'href="/threads/{suggestion.thread_id}"' in page


def test_without_javascript_each_paragraph_has_a_suggest_link(app, client, world):
    save_text(app, world, PARAGRAPHS)
    client.login(world.emails["member"])
    page = client.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    links = re.findall(r'href="(/statements/\d+/suggestions/new\?block=[^"]+)"', page)
    assert len(links) == 2
    form = client.get(links[1].replace("&amp;", "&")).get_data(as_text=True)
    assert hidden(form, "quote") == "We demand legal protection for everyone displaced by disasters."
    assert 'data-suggestion-label="Suggest a change"' in page  # the selection script's translated label


def test_an_empty_replacement_suggests_deleting_the_passage(app, client, world):
    client.login(world.emails["member"])
    suggestion = stored(app, suggestion_id(suggest(client, world, " now", "", "Say it without a time.")))
    assert suggestion.replacement == ""
    assert "Suggests deleting the passage." in text_of(client.get(f"/suggestions/{suggestion.id}").get_data(True))


def test_a_suggestion_without_a_reason_comes_back_with_the_wording_kept(app, client, world):
    client.login(world.emails["member"])
    response = suggest(client, world, "legal protection", "full protection", reason="   ")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Say why" in field_error(page, "reason")
    assert textarea(page, "replacement") == "full protection" and hidden(page, "quote") == "legal protection"
    with app.app_context():
        assert db.session.scalars(select(Suggestion)).all() == []


def test_a_huge_replacement_is_refused_with_the_limit(app, client, world):
    client.login(world.emails["member"])
    response = suggest(client, world, "legal protection", "word " * (REPLACEMENT_MAX // 4))
    assert response.status_code == 400
    assert "at most 10,000 characters" in field_error(response.get_data(as_text=True), "replacement")


def test_words_changed_since_the_page_was_opened_are_refused_with_the_wording_kept(app, client, world):
    client.login(world.emails["member"])
    form = client.get(new_url(world, quote="legal protection")).get_data(as_text=True)
    save_text(app, world, "People displaced by climate change need protection now.")
    response = client.submit(new_url(world), {"quote": hidden(form, "quote"), "revision": hidden(form, "revision"),
                                              "replacement": "legal aid", "reason": "Clearer."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "changed in a revision saved since you opened the page" in text_of(page)
    assert textarea(page, "replacement") == "legal aid"


def test_an_expired_form_comes_back_with_the_wording_kept(app, client, world):
    client.login(world.emails["member"])
    form = client.get(new_url(world, quote="legal protection")).get_data(as_text=True)
    response = client.post(new_url(world), data={"csrf_token": "stale", "quote": hidden(form, "quote"),
                                                 "revision": "2", "replacement": "legal aid", "reason": "Clearer."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "send it again" in text_of(page) and textarea(page, "replacement") == "legal aid"


def test_someone_outside_the_group_cannot_see_or_suggest(app, make_client, world):
    outsider = logged_in(make_client, world.emails["outsider"])
    assert outsider.get(new_url(world, quote="legal protection")).status_code == 404
    assert outsider.get(f"/statements/{world.statement_id}/suggestions").status_code == 404


# --- following the text -----------------------------------------------------------------------------

def test_a_suggestion_follows_its_passage_into_later_revisions(app, client, world):
    client.login(world.emails["member"])
    number = suggestion_id(suggest(client, world, "legal protection", "rights"))
    save_text(app, world, "A new first sentence. " + LATEST)
    moved = stored(app, number)
    assert (moved.anchor_status, moved.anchor_revision, moved.out_of_date) == ("exact", 3, False)
    assert moved.position == LATEST.index("legal protection") + len("A new first sentence. ")


def test_a_suggestion_whose_passage_changed_is_shown_out_of_date_with_the_new_words(app, client, world):
    client.login(world.emails["member"])
    number = suggestion_id(suggest(client, world, "need legal protection now", "deserve protection"))
    save_text(app, world, "People displaced by climate change need full legal protection now.")
    assert stored(app, number).out_of_date
    page = text_of(client.get(f"/suggestions/{number}").get_data(as_text=True))
    assert "Out of date: the passage now reads (revision 3):" in page and "need full legal protection now" in page


# --- support ----------------------------------------------------------------------------------------

def test_members_support_a_suggestion_counted_by_organization(app, make_client, world):
    with app.app_context():
        organization = make_organization("Red de Mujeres Migrantes")
        for role in ("observer", "coordinator"):
            db.session.get(User, world.user_ids[role]).organization_id = organization.id
        db.session.commit()
    author = logged_in(make_client, world.emails["member"])
    number = suggestion_id(suggest(author, world, "legal protection", "rights"))
    for role in ("observer", "coordinator", "observer"):  # supporting twice counts once
        assert logged_in(make_client, world.emails[role]).submit(f"/suggestions/{number}/support").status_code == 302
    page = text_of(author.get(f"/suggestions/{number}").get_data(as_text=True))
    assert "2 supporters" in page and "Red de Mujeres Migrantes: 2" in page
    own = author.submit(f"/suggestions/{number}/support")
    assert own.status_code == 400 and "your own suggestion" in text_of(own.get_data(as_text=True))
    observer = logged_in(make_client, world.emails["observer"])
    observer.submit(f"/suggestions/{number}/support", {"action": "withdraw"})
    assert len(stored(app, number).supports) == 1


# --- deciding ---------------------------------------------------------------------------------------

def test_accepting_makes_a_new_revision_crediting_the_author(app, make_client, world):
    author = logged_in(make_client, world.emails["member"])
    number = suggestion_id(suggest(author, world, "legal protection", "legal and social protection"))
    coordinator = logged_in(make_client, world.emails["coordinator"])
    response = coordinator.submit(f"/suggestions/{number}/accept",
                                  {"replacement": "legal and social protection"}, follow_redirects=True)
    assert "The suggestion is accepted, in revision 3." in flashes(response.get_data(as_text=True))
    assert stored_text(app, world.statement_id) == LATEST.replace("legal protection", "legal and social protection")
    history = text_of(author.get(f"/statements/{world.statement_id}/history").get_data(as_text=True))
    assert "Suggestion by Member Person accepted" in history
    accepted = stored(app, number)
    assert (accepted.status, accepted.accepted_revision_number) == ("accepted", 3)
    assert "suggestion_accepted" in kinds_told(app, world.user_ids["member"])


def test_a_coordinator_may_accept_with_an_edit(app, make_client, world):
    author = logged_in(make_client, world.emails["member"])
    number = suggestion_id(suggest(author, world, "legal protection", "legal and social protection"))
    coordinator = logged_in(make_client, world.emails["coordinator"])
    coordinator.submit(f"/suggestions/{number}/accept", {"replacement": "social protection"})
    assert stored_text(app, world.statement_id) == LATEST.replace("legal protection", "social protection")
    assert "Accepted with an edit" in text_of(author.get(f"/suggestions/{number}").get_data(as_text=True))


def test_the_second_coordinator_to_accept_is_told_who_did_first(app, make_client, world):
    author = logged_in(make_client, world.emails["member"])
    number = suggestion_id(suggest(author, world, "legal protection", "rights"))
    first = logged_in(make_client, world.emails["coordinator"])
    second = logged_in(make_client, world.emails["admin"])
    page_of_second = second.get(f"/suggestions/{number}").get_data(as_text=True)
    assert first.submit(f"/suggestions/{number}/accept", {"replacement": "rights"}).status_code == 302
    response = second.post(f"/suggestions/{number}/accept", data={
        "csrf_token": hidden(page_of_second, "csrf_token"), "replacement": "rights"})
    assert response.status_code == 409
    assert "Coordinator Person already accepted this suggestion, into revision 3." in \
        text_of(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Statement, world.statement_id).latest_number == 3


def test_accepting_after_the_text_was_made_final_is_refused(app, make_client, world):
    author = logged_in(make_client, world.emails["member"])
    number = suggestion_id(suggest(author, world, "legal protection", "rights"))
    with app.app_context():
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]),
                          db.session.get(Statement, world.statement_id), "final")
        db.session.commit()
    response = logged_in(make_client, world.emails["coordinator"]).submit(f"/suggestions/{number}/accept",
                                                                           {"replacement": "rights"})
    assert response.status_code == 403
    assert "its text is locked, so no suggestion can be accepted" in text_of(response.get_data(as_text=True))
    assert stored(app, number).status == "pending"


def test_competing_suggestions_are_shown_and_accepting_one_outdates_the_other(app, make_client, world):
    author = logged_in(make_client, world.emails["member"])
    first = suggestion_id(suggest(author, world, "legal protection", "rights"))
    other = logged_in(make_client, world.emails["observer"])
    second = suggestion_id(suggest(other, world, "need legal protection", "deserve protection"))
    listing = text_of(author.get(f"/statements/{world.statement_id}/suggestions").get_data(as_text=True))
    assert listing.count("Competing: 1 other suggestion changes the same words.") == 2
    coordinator = logged_in(make_client, world.emails["coordinator"])
    assert coordinator.submit(f"/suggestions/{first}/accept", {"replacement": "rights"}).status_code == 302
    assert stored(app, second).out_of_date
    refused = coordinator.submit(f"/suggestions/{second}/accept", {"replacement": "deserve protection"})
    assert refused.status_code == 409 and "The passage changed" in text_of(refused.get_data(as_text=True))


def test_rejecting_needs_a_reason_and_tells_the_author(app, make_client, world):
    author = logged_in(make_client, world.emails["member"])
    number = suggestion_id(suggest(author, world, "legal protection", "rights"))
    coordinator = logged_in(make_client, world.emails["coordinator"])
    empty = coordinator.submit(f"/suggestions/{number}/reject", {"reason": ""})
    assert empty.status_code == 400 and "Say why" in field_error(empty.get_data(as_text=True), "reason")
    coordinator.submit(f"/suggestions/{number}/reject", {"reason": "We keep the legal term."})
    rejected = stored(app, number)
    assert (rejected.status, rejected.decision_reason) == ("rejected", "We keep the legal term.")
    assert "We keep the legal term." in text_of(author.get(f"/suggestions/{number}").get_data(as_text=True))
    assert "suggestion_rejected" in kinds_told(app, world.user_ids["member"])


def test_members_cannot_decide(app, make_client, world):
    author = logged_in(make_client, world.emails["member"])
    number = suggestion_id(suggest(author, world, "legal protection", "rights"))
    assert author.submit(f"/suggestions/{number}/accept", {"replacement": "rights"}).status_code == 403
    assert "Accept into a new revision" not in author.get(f"/suggestions/{number}").get_data(as_text=True)


# --- the list ---------------------------------------------------------------------------------------

def test_the_list_filters_by_author_status_and_paragraph(app, make_client, world):
    save_text(app, world, PARAGRAPHS)
    member = logged_in(make_client, world.emails["member"])
    observer = logged_in(make_client, world.emails["observer"])
    in_first = suggestion_id(suggest(member, world, "forces people", "drives people"))
    in_second = suggestion_id(suggest(observer, world, "everyone displaced", "all displaced"))
    logged_in(make_client, world.emails["coordinator"]).submit(f"/suggestions/{in_second}/reject",
                                                               {"reason": "No."})
    url = f"/statements/{world.statement_id}/suggestions"

    def shown(**query) -> set[int]:
        page = member.get(f"{url}?{urlencode(query)}").get_data(as_text=True)
        return {int(n) for n in re.findall(r'id="suggestion-(\d+)"', page)}

    assert shown() == {in_first}  # open ones by default
    assert shown(status="all") == {in_first, in_second}
    assert shown(status="rejected") == {in_second}
    assert shown(status="all", author=world.user_ids["observer"]) == {in_second}
    assert shown(status="all", paragraph=1) == {in_first}
    assert shown(status="all", paragraph=2) == {in_second}
    assert shown(status="nonsense", author="x", paragraph="-1") == {in_first}


# --- several at once --------------------------------------------------------------------------------

def test_several_suggestions_on_different_words_are_accepted_in_one_revision(app, make_client, world):
    member = logged_in(make_client, world.emails["member"])
    observer = logged_in(make_client, world.emails["observer"])
    first = suggestion_id(suggest(member, world, "People displaced", "Communities displaced"))
    second = suggestion_id(suggest(observer, world, "legal protection", "rights"))
    coordinator = logged_in(make_client, world.emails["coordinator"])
    listing = coordinator.get(f"/statements/{world.statement_id}/suggestions").get_data(as_text=True)
    assert "Accept the chosen suggestions" in listing
    response = coordinator.submit(f"/statements/{world.statement_id}/suggestions/accept",
                                  {"suggestion": [str(first), str(second)]}, follow_redirects=True)
    assert "2 suggestions are accepted, in revision 3." in flashes(response.get_data(as_text=True))
    assert stored_text(app, world.statement_id) == "Communities displaced by climate change need rights now."
    history = text_of(member.get(f"/statements/{world.statement_id}/history").get_data(as_text=True))
    assert "Suggestions by Member Person, Observer Person accepted" in history
    assert {stored(app, n).accepted_revision_number for n in (first, second)} == {3}
    assert stored(app, first).thread.resolved_at is not None


def test_overlapping_suggestions_cannot_be_accepted_together(app, make_client, world):
    member = logged_in(make_client, world.emails["member"])
    first = suggestion_id(suggest(member, world, "legal protection", "rights"))
    second = suggestion_id(suggest(member, world, "need legal", "deserve legal"))
    coordinator = logged_in(make_client, world.emails["coordinator"])
    response = coordinator.submit(f"/statements/{world.statement_id}/suggestions/accept",
                                  {"suggestion": [str(first), str(second)]})
    assert response.status_code == 400
    assert "change the same words: accept one of them at a time" in text_of(response.get_data(as_text=True))
    none = coordinator.submit(f"/statements/{world.statement_id}/suggestions/accept", {"suggestion": ["999"]})
    assert none.status_code == 400 and "Choose at least two" in text_of(none.get_data(as_text=True))
    assert stored_text(app, world.statement_id) == LATEST


def test_the_draft_shows_each_open_suggestion_in_place_as_a_tracked_change(app, make_client, world):
    member = logged_in(make_client, world.emails["member"])
    first = suggestion_id(suggest(member, world, "People displaced", "Communities displaced"))
    suggestion_id(suggest(member, world, "legal protection", "rights"))
    suggestion_id(suggest(member, world, "need legal", "deserve legal"))  # competes with the one before
    page = member.get(f"/statements/{world.statement_id}/suggestions/tracked?view=source").get_data(as_text=True)
    assert re.findall(r"<del>.*?</span>(.*?)</del>", page) == ["People displaced", "need legal"]
    assert re.findall(r"<ins>.*?</span>(.*?)</ins>", page) == ["Communities displaced", "deserve legal"]
    assert f'href="/suggestions/{first}"' in page and "only the first that applies is shown" in text_of(page)
    assert "by climate change" in text_of(page) and "protection now." in text_of(page)


def test_the_draft_with_its_suggestions_is_formatted_as_readers_see_it_by_default(app, make_client, world):
    member = logged_in(make_client, world.emails["member"])
    save_text(app, world, "## Protection\n\nPeople displaced by *climate change* need legal protection now.")
    first = suggestion_id(suggest(member, world, "People displaced", "Communities displaced"))
    suggestion_id(suggest(member, world, "legal protection now.", ""))  # a deletion: nothing added

    page = member.get(f"/statements/{world.statement_id}/suggestions/tracked").get_data(as_text=True)
    article = page[page.index('<article class="statement-text card diff-rendered"'):page.index("</article>")]
    assert "<h2" in article and "<em>climate change</em>" in article  # formatted, not Markdown marks
    assert "##" not in article and "*climate" not in article
    assert re.findall(r"<del>(.*?)</del>", article) == ["People displaced", "legal protection now."]
    assert re.findall(r"<ins>(.*?)</ins>", article) == ["Communities displaced"]
    listed = text_of(page[page.index("The suggestions shown"):])
    assert "Suggestion by Member Person · 0 supporters" in listed and f'href="/suggestions/{first}"' in page


def test_the_draft_with_its_suggestions_shows_one_author_s_or_one_paragraph_s(app, make_client, world):
    save_text(app, world, "People displaced by climate change need protection.\n\nStates must act now.")
    member = logged_in(make_client, world.emails["member"])
    coordinator = logged_in(make_client, world.emails["coordinator"])
    suggestion_id(suggest(member, world, "People displaced", "Communities displaced"))
    suggestion_id(suggest(coordinator, world, "act now", "act this year"))
    tracked = f"/statements/{world.statement_id}/suggestions/tracked"

    def marked(query: str) -> list[str]:
        page = member.get(tracked + query).get_data(as_text=True)
        return re.findall(r"<ins>(.*?)</ins>", page[page.index("<article"):page.index("</article>")])

    assert marked("") == ["Communities displaced", "act this year"]
    assert marked(f"?author={world.user_ids['coordinator']}") == ["act this year"]
    assert marked("?paragraph=1") == ["Communities displaced"]
    assert marked("?paragraph=2&author=" + str(world.user_ids["member"])) == []
    for ugly in ("?author=x", "?paragraph=99999999", "?author=-1&paragraph=abc"):
        assert member.get(tracked + ugly).status_code == 200
    assert member.get(tracked + "?paragraph=%00").status_code == 400  # as every page answers a NUL character
