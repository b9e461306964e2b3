"""Journeys through comments, in a real browser: comment on selected words or on a paragraph,
reply, resolve and reopen, passages followed through edits (or reported gone), and mentions by email."""

import re

from playwright.sync_api import expect

from statements.accounts.models import User, WorkingGroup
from statements.comments.models import Thread
from statements.comments.services import mention_handle
from statements.core.policy import Role
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_membership, make_statement, make_user

PARAGRAPHS = ["Floods, droughts and rising seas force people from their homes.",
              "Most people who move stay within their own country, with no protection at all.",
              "Governments must open regular pathways for those who cannot return."]


def flash(page):
    return page.locator(".flash")


def statement_text(page):
    return page.locator("#statement-text")


def passage(page, thread_id: int):
    return statement_text(page).locator(f"mark.passage[data-thread='{thread_id}']")


def thread_id_in(url: str) -> int:
    return int(re.search(r"/threads/(\d+)", url).group(1))


def stored_thread(app, thread_id: int) -> dict:
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        return {"quote": thread.quote, "original_quote": thread.original_quote, "status": thread.anchor_status,
                "revision": thread.anchor_revision, "position": thread.position,
                "resolved_by": thread.resolved_by.display_name if thread.resolved_by else None,
                "comments": [(c.author.display_name, c.body) for c in thread.comments]}


def new_statement(app, world, texts: list[str]) -> int:
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = make_statement(coordinator, db.session.get(WorkingGroup, world.group_id), "People on the move",
                                   texts)
        db.session.commit()
        return statement.id


def current_text(app, statement_id: int) -> str:
    with app.app_context():
        return drafts.current_text(db.session.get(Statement, statement_id))


def select_words(page, words: str) -> None:
    """Drag the mouse across words of the statement text, as a reader selects them."""
    box = page.evaluate("""(words) => {
        const article = document.getElementById('statement-text');
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(words);
            if (at === -1) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            node.parentElement.scrollIntoView({block: 'center'});  // a reader scrolls to the words first
            const rects = range.getClientRects();
            const first = rects[0], last = rects[rects.length - 1];
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
        }
        return null;
    }""", words)
    assert box, f"{words!r} is not in the statement text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


# --- opening threads -------------------------------------------------------------------------------

def test_a_member_selects_words_with_the_mouse_and_comments_on_them(app, page, world):
    statement_id = new_statement(app, world, ["\n\n".join(PARAGRAPHS)])
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    button = page.get_by_role("link", name="Comment on the selected words")
    expect(button).to_be_hidden()

    select_words(page, "stay within their own country")
    expect(button).to_be_visible()
    button.click(delay=120)  # pressed and released as a hand does, not in the same instant

    expect(page.get_by_role("heading", name="Comment on a passage")).to_be_visible()
    expect(page.locator("main")).to_contain_text("You are commenting on these words of revision 1:")
    expect(page.locator("blockquote.quote")).to_have_text("stay within their own country")
    page.get_by_label("Your comment (Markdown)").fill("Say *internally displaced* here: it is the legal term.")
    page.get_by_role("button", name="Post comment").click()

    expect(flash(page)).to_have_text("Your comment is posted.")
    expect(page.get_by_role("heading", name="Thread on a passage")).to_be_visible()
    expect(page.locator("blockquote.quote")).to_have_text("stay within their own country")
    expect(page.locator(".comment-body em")).to_have_text("internally displaced")
    thread_id = thread_id_in(page.url)
    text = current_text(app, statement_id)
    assert stored_thread(app, thread_id) == {
        "quote": "stay within their own country", "original_quote": "stay within their own country",
        "status": "exact", "revision": 1, "position": text.index("stay within their own country"),
        "resolved_by": None,
        "comments": [("Member Person", "Say *internally displaced* here: it is the legal term.")]}

    # the statement shows the passage highlighted, and the thread beside the text
    page.get_by_role("link", name="See it beside the text").click()
    expect(passage(page, thread_id)).to_have_text("stay within their own country")
    expect(passage(page, thread_id)).to_have_count(1)
    item = page.locator(f"#thread-{thread_id}")
    expect(item.locator("blockquote")).to_have_text("stay within their own country")
    expect(item).to_contain_text("Member Person: Say internally displaced here")  # the excerpt reads as words
    expect(page.locator(".threads-panel")).to_contain_text("1 open · 0 resolved")


def test_a_selection_made_in_script_opens_a_thread_on_exactly_those_words(app, page, world):
    """The words are found in the Markdown source even where the reader saw them formatted."""
    statement_id = new_statement(app, world, ["Floods force people from their homes. **Governments must act** "
                                              "before the next season."])
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    page.evaluate("""() => {
        const article = document.getElementById('statement-text');
        const bold = article.querySelector('strong').firstChild;
        const after = bold.parentNode.nextSibling;
        const range = document.createRange();
        range.setStart(bold, 'Governments '.length);
        range.setEnd(after, ' before the next'.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""")
    page.get_by_role("link", name="Comment on the selected words").click()
    expect(page.locator("blockquote.quote")).to_have_text("must act before the next")
    page.get_by_label("Your comment (Markdown)").fill("Which season?")
    page.get_by_role("button", name="Post comment").click()
    thread_id = thread_id_in(page.url)
    stored = stored_thread(app, thread_id)
    assert stored["quote"] == "must act** before the next" and stored["status"] == "exact"

    page.goto(f"/statements/{statement_id}")
    expect(passage(page, thread_id)).to_have_text(["must act", " before the next"])  # inside and after the bold


def test_a_selection_across_paragraphs_in_french_quotes_the_words_alone(app, page, world):
    """The button speaks the reader's language, and the paragraphs' own Comment links stay out of the quote."""
    statement_id = new_statement(app, world, ["Floods force people from their homes.\n\nGovernments must act."])
    with app.app_context():
        db.session.get(User, world.user_ids["member"]).language = "fr"
        db.session.commit()
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    page.evaluate("""() => {
        const paragraphs = document.querySelectorAll('#statement-text p');
        const range = document.createRange();
        range.setStart(paragraphs[0].firstChild, 'Floods force people from '.length);
        range.setEnd(paragraphs[1].firstChild, 'Governments must'.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""")
    page.get_by_role("link", name="Commenter les mots sélectionnés").click()
    expect(page.locator("blockquote.quote")).to_have_text("their homes. Governments must")


def test_without_javascript_a_paragraphs_comment_link_opens_a_thread_on_it(app, new_context, world):
    statement_id = new_statement(app, world, ["\n\n".join(PARAGRAPHS)])
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    expect(page.get_by_role("link", name="Comment on the selected words")).to_have_count(0)
    second = page.locator("#statement-text .block").nth(1)
    expect(second.locator("p")).to_have_text(PARAGRAPHS[1])
    second.get_by_role("link", name=re.compile(r"^Comment on this passage: Most people who move")).click()

    expect(page.get_by_role("heading", name="Comment on a passage")).to_be_visible()
    expect(page.locator("blockquote.quote")).to_have_text(PARAGRAPHS[1])
    page.get_by_label("Your comment (Markdown)").fill("Can we cite the 2025 figures here?")
    page.get_by_role("button", name="Post comment").click()
    expect(flash(page)).to_have_text("Your comment is posted.")
    thread_id = thread_id_in(page.url)
    stored = stored_thread(app, thread_id)
    assert (stored["quote"], stored["status"], stored["position"]) == (
        PARAGRAPHS[1], "exact", len(PARAGRAPHS[0]) + 2)

    page.goto(f"/statements/{statement_id}")
    expect(passage(page, thread_id)).to_have_text(PARAGRAPHS[1])
    expect(statement_text(page).locator("mark.passage")).to_have_count(1)


def test_a_general_comment_without_a_passage_highlights_nothing(app, page, world):
    log_in(page, world.emails["observer"])  # observers take part in the discussion too
    page.goto(f"/statements/{world.statement_id}")
    page.get_by_role("link", name="Comment on the whole statement").click()
    expect(page.get_by_role("heading", name="Comment on the whole statement")).to_be_visible()
    page.get_by_label("Your comment (Markdown)").fill("The title could be shorter.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("heading", name="Thread on the whole statement")).to_be_visible()
    thread_id = thread_id_in(page.url)
    assert stored_thread(app, thread_id)["quote"] is None
    page.goto(f"/statements/{world.statement_id}")
    expect(passage(page, thread_id)).to_have_count(0)
    expect(page.locator(f"#thread-{thread_id}")).to_contain_text("On the whole statement")


# --- replies, resolving, reopening -----------------------------------------------------------------

def test_another_member_replies_the_coordinator_resolves_and_reopens(app, page, new_context, world, mailbox):
    with app.app_context():
        other = make_user("amara@example.org", "Amara Diallo")
        make_membership(other, db.session.get(WorkingGroup, world.group_id), Role.MEMBER)
        db.session.commit()
    thread_url = f"/threads/{world.thread_id}"

    # another member replies to the member's thread on "legal protection"
    log_in(page, "amara@example.org")
    page.goto(f"/statements/{world.statement_id}")
    expect(passage(page, world.thread_id)).to_have_text("legal protection")
    page.locator(f"#thread-{world.thread_id}").get_by_role("link", name=re.compile(r"^1 comment")).click()
    expect(page).to_have_url(re.compile(rf"{thread_url}$"))
    expect(page.get_by_role("button", name="Resolve the thread")).to_have_count(0)  # not theirs to resolve
    page.get_by_label("Your comment (Markdown)").fill("Yes: **legal** protection is what the law can enforce.")
    page.get_by_role("button", name="Post reply").click()
    expect(flash(page)).to_have_text("Your reply is posted.")
    expect(page.locator(".comment")).to_have_count(2)
    reply = page.locator(".comment").nth(1)
    expect(reply.locator(".comment-meta strong")).to_have_text("Amara Diallo")
    expect(reply.locator(".comment-body strong")).to_have_text("legal")
    assert stored_thread(app, world.thread_id)["comments"] == [
        ("Member Person", "Should this say *legal*?"),
        ("Amara Diallo", "Yes: **legal** protection is what the law can enforce.")]

    # the member who opened the thread hears of the reply
    assert mailbox.deliver()["sent"] == 1
    [message] = mailbox.to(world.emails["member"])
    assert message["Subject"] == ("Amara Diallo replied in a thread you took part in "
                                  "on “Climate displacement needs protection”")
    assert mailbox.link_in(message, "/threads/") == thread_url

    # the coordinator resolves it: the badge says so, and the highlight leaves the text
    coordinator = new_context().new_page()
    log_in(coordinator, world.emails["coordinator"])
    coordinator.goto(thread_url)
    coordinator.get_by_role("button", name="Resolve the thread").click()
    expect(flash(coordinator)).to_have_text("The thread is resolved.")
    expect(coordinator.locator(".title-row .badge")).to_have_text("Resolved")
    expect(coordinator.locator("main")).to_contain_text("Resolved by Coordinator Person")
    assert stored_thread(app, world.thread_id)["resolved_by"] == "Coordinator Person"
    coordinator.goto(f"/statements/{world.statement_id}")
    expect(passage(coordinator, world.thread_id)).to_have_count(0)
    expect(coordinator.locator(".threads-panel")).to_contain_text("0 open · 1 resolved")
    coordinator.get_by_role("link", name="1 resolved").click()
    expect(coordinator.locator(f"#thread-{world.thread_id}")).to_contain_text("2 comments · resolved")

    # and reopens it: the passage is highlighted again
    coordinator.goto(thread_url)
    coordinator.get_by_role("button", name="Reopen the thread").click()
    expect(flash(coordinator)).to_have_text("The thread is open again.")
    expect(coordinator.locator(".title-row .badge")).to_have_text("Open")
    assert stored_thread(app, world.thread_id)["resolved_by"] is None
    with app.app_context():
        assert db.session.get(Thread, world.thread_id).resolved_at is None
    coordinator.goto(f"/statements/{world.statement_id}")
    expect(passage(coordinator, world.thread_id)).to_have_text("legal protection")


# --- passages through edits ---------------------------------------------------------------------------

def test_a_thread_follows_its_passage_when_a_paragraph_is_inserted_before_it(app, page, world):
    statement_id = new_statement(app, world, ["\n\n".join(PARAGRAPHS)])
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    select_words(page, "open regular pathways")
    page.get_by_role("link", name="Comment on the selected words").click()
    page.get_by_label("Your comment (Markdown)").fill("Regular, and safe?")
    page.get_by_role("button", name="Post comment").click()
    thread_id = thread_id_in(page.url)
    before = stored_thread(app, thread_id)["position"]

    inserted = "## Our call\n\nThe climate crisis is already moving people.\n\n"
    page.goto(f"/statements/{statement_id}/edit")
    editor = page.get_by_label("Text (Markdown)")
    editor.fill(inserted + editor.input_value())
    page.get_by_label("What did you change?").fill("An opening paragraph")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Saved as revision 2.")

    expect(statement_text(page).get_by_role("heading", name="Our call")).to_be_visible()
    expect(passage(page, thread_id)).to_have_text("open regular pathways")
    marked_block = statement_text(page).locator(".block").filter(
        has=page.locator(f"mark.passage[data-thread='{thread_id}']"))
    expect(marked_block.locator("p")).to_have_text(PARAGRAPHS[2])
    stored = stored_thread(app, thread_id)
    assert (stored["status"], stored["revision"], stored["position"]) == ("exact", 2, before + len(inserted))
    assert current_text(app, statement_id)[stored["position"]:].startswith("open regular pathways")


def test_a_thread_whose_passage_was_deleted_says_so_and_keeps_the_quote(app, page, world):
    statement_id = new_statement(app, world, ["\n\n".join(PARAGRAPHS)])
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    select_words(page, "with no protection at all")
    page.get_by_role("link", name="Comment on the selected words").click()
    page.get_by_label("Your comment (Markdown)").fill("Too strong? Some have some protection.")
    page.get_by_role("button", name="Post comment").click()
    thread_id = thread_id_in(page.url)

    page.goto(f"/statements/{statement_id}/edit")
    editor = page.get_by_label("Text (Markdown)")
    editor.fill(editor.input_value().replace(PARAGRAPHS[1] + "\n\n", ""))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Saved as revision 2.")

    expect(statement_text(page)).not_to_contain_text("no protection")
    expect(passage(page, thread_id)).to_have_count(0)
    removed = "The passage this is about was removed in revision 2. The words first quoted are shown above."
    item = page.locator(f"#thread-{thread_id}")
    expect(item.locator("blockquote")).to_have_text("with no protection at all")
    expect(item.locator(".anchor-status")).to_have_text(removed)
    stored = stored_thread(app, thread_id)
    assert (stored["status"], stored["original_quote"]) == ("removed", "with no protection at all")

    page.goto(f"/threads/{thread_id}")
    expect(page.locator("blockquote.quote")).to_have_text("with no protection at all")
    expect(page.locator(".anchor-status")).to_have_text(removed)
    expect(page.get_by_role("link", name="See it beside the text")).to_have_count(0)


# --- mentions -----------------------------------------------------------------------------------------

def test_a_mention_emails_the_member_and_the_link_opens_the_thread(app, page, new_context, world, mailbox, live_server):
    with app.app_context():
        handle = mention_handle(db.session.get(User, world.user_ids["member"]))
    assert handle == "MemberPerson"

    log_in(page, world.emails["coordinator"])
    page.goto(f"/statements/{world.statement_id}")
    page.get_by_role("link", name="Comment on the whole statement").click()
    page.get_by_label("Your comment (Markdown)").fill(f"@{handle}, can you check the figures before Friday?")
    page.get_by_role("button", name="Post comment").click()
    expect(flash(page)).to_have_text("Your comment is posted.")
    thread_url = f"/threads/{thread_id_in(page.url)}"

    assert mailbox.deliver() == {"sent": 1, "failed": 0}
    [message] = mailbox.messages
    assert message["To"] == world.emails["member"]
    assert message["Subject"] == "Coordinator Person mentioned you on “Climate displacement needs protection”"
    body = mailbox.body(message)
    assert "@MemberPerson, can you check the figures before Friday?" in body
    assert f"{live_server}{thread_url}" in body

    member = new_context().new_page()
    member.goto(mailbox.link_in(message, "/threads/"))
    expect(member.get_by_role("heading", level=1)).to_have_text("Log in")  # the link waits for the login
    member.get_by_label("Email address").fill(world.emails["member"])
    member.get_by_label("Password", exact=True).fill(PASSWORD)
    member.get_by_role("button", name="Log in").click()
    expect(member).to_have_url(re.compile(rf"{thread_url}$"))
    expect(member.get_by_role("heading", name="Thread on the whole statement")).to_be_visible()
    expect(member.locator(".comment-body")).to_have_text("@MemberPerson, can you check the figures before Friday?")
