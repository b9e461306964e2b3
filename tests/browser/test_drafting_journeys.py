"""Journeys through talking points and drafting, in a real browser: propose, agree and insert a
point; edit with a live preview; compare; restore; two people saving at once; freeze and reopen."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from statements.accounts.models import User, WorkingGroup
from statements.drafts import services as drafts
from statements.drafts.models import Revision, Statement, Transition
from statements.extensions import db
from statements.talking_points.models import PointUse, TalkingPoint
from tests.browser.conftest import log_in
from tests.factories import make_statement

WORLD_TEXTS = ["People displaced by climate change need protection.",
               "People displaced by climate change need legal protection now."]


def flash(page):
    return page.locator(".flash")


def tabs(page):
    return page.get_by_role("navigation", name="Statement")


def statement_text(page):
    return page.locator("#statement-text")


def revisions(app, statement_id: int) -> list[tuple[int, str, str, str]]:
    """(number, author, note, full text) of every revision, oldest first."""
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        found = db.session.scalars(select(Revision).where(Revision.statement_id == statement_id)
                                   .order_by(Revision.number)).all()
        return [(r.number, r.author.display_name, r.note, drafts.revision_text(r)) for r in found
                if r.number <= statement.latest_number]


def new_statement(app, world, title: str, texts: list[str]) -> int:
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = make_statement(coordinator, db.session.get(WorkingGroup, world.group_id), title, texts)
        db.session.commit()
        return statement.id


# --- talking points --------------------------------------------------------------------------------

def test_a_member_proposes_a_point_the_coordinator_agrees_and_inserts_it_into_the_draft(
        app, page, new_context, world):
    title = "Displacement is a labour issue"
    body = "People displaced by climate change need **the right to work** wherever they arrive."

    # a member proposes the point from the group's talking points
    log_in(page, world.emails["member"])
    page.goto(f"/groups/{world.group_id}")
    page.get_by_role("link", name="Talking points").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Talking points")
    page.get_by_role("link", name="Propose a talking point").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("The point (Markdown)").fill(body)
    page.get_by_label("Sources").fill("ILO brief | https://example.org/ilo/climate-migration-brief\n\n"
                                      "https://example.org/reports/displacement-2025")
    page.get_by_label("Tags").fill("labour rights, Climate and displacement, Labour  Rights")
    page.get_by_role("button", name="Save").click()

    expect(flash(page)).to_have_text("The talking point is proposed. A coordinator can mark it agreed.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".title-row .badge")).to_have_text("Proposed")
    expect(page.locator("main strong", has_text="the right to work")).to_be_visible()
    expect(page.get_by_role("link", name="ILO brief")).to_have_attribute(
        "href", "https://example.org/ilo/climate-migration-brief")
    expect(page.get_by_role("link", name="https://example.org/reports/displacement-2025")).to_be_visible()
    expect(page.locator(".tags .tag")).to_have_text(["Climate and displacement", "labour rights"])
    expect(page.get_by_role("button", name="Mark as agreed")).to_have_count(0)  # members propose; coordinators decide
    point_id = int(re.search(r"/points/(\d+)$", page.url).group(1))
    with app.app_context():
        point = db.session.get(TalkingPoint, point_id)
        assert (point.title, point.body, point.status) == (title, body, "proposed")
        assert point.author.email == world.emails["member"]
        assert point.sources == [
            {"title": "ILO brief", "url": "https://example.org/ilo/climate-migration-brief"},
            {"title": "https://example.org/reports/displacement-2025",
             "url": "https://example.org/reports/displacement-2025"}]
        assert sorted(t.name for t in point.tags) == ["Climate and displacement", "labour rights"]

    # the coordinator finds it by its tag and marks it agreed
    theirs = new_context().new_page()
    log_in(theirs, world.emails["coordinator"])
    theirs.goto(f"/groups/{world.group_id}/points")
    theirs.get_by_label("Tag").select_option("labour rights")
    theirs.get_by_role("button", name="Filter").click()
    listed = theirs.locator(".points > li")
    expect(listed).to_have_count(1)
    expect(listed.locator(".badge")).to_have_text("Proposed")
    listed.get_by_role("link", name=title).click()
    theirs.get_by_role("button", name="Mark as agreed").click()
    expect(flash(theirs)).to_have_text("The talking point is now agreed.")
    expect(theirs.locator(".title-row .badge")).to_have_text("Agreed")
    with app.app_context():
        assert db.session.get(TalkingPoint, point_id).status == "agreed"

    # and inserts it into the draft
    expect(theirs.get_by_role("heading", name="Used in")).to_be_visible()
    expect(theirs.locator("section", has=theirs.get_by_role("heading", name="Used in"))).to_contain_text(
        "Not used in a statement yet.")
    theirs.get_by_label("Statement").select_option(label="Climate displacement needs protection (English)")
    theirs.get_by_role("button", name="Insert at the end of the draft").click()
    expect(flash(theirs)).to_have_text(f"“{title}” is added at the end of “Climate displacement needs protection” "
                                       "as revision 3. Edit the draft to move it where it belongs.")
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Climate displacement needs protection")
    expect(statement_text(theirs).get_by_role("heading", name=title)).to_be_visible()
    expect(statement_text(theirs).locator("strong", has_text="the right to work")).to_be_visible()
    expect(statement_text(theirs)).to_contain_text(WORLD_TEXTS[1])

    [*_, (number, author, note, text)] = revisions(app, world.statement_id)
    assert (number, author, note) == (3, "Coordinator Person", f"Inserted talking point “{title}”")
    assert text == f"{WORLD_TEXTS[1]}\n\n## {title}\n\n{body}\n"
    with app.app_context():
        [use] = db.session.scalars(select(PointUse).where(PointUse.point_id == point_id)).all()
        assert (use.statement_id, use.revision_number) == (world.statement_id, 3)

    # the point says where it is used
    theirs.goto(f"/points/{point_id}")
    used_in = theirs.locator("section", has=theirs.get_by_role("heading", name="Used in"))
    expect(used_in.get_by_role("listitem")).to_have_text(["Climate displacement needs protection (revision 3)"])
    used_in.get_by_role("link", name="Climate displacement needs protection").click()
    expect(theirs).to_have_url(re.compile(rf"/statements/{world.statement_id}$"))


# --- editing -----------------------------------------------------------------------------------

def test_a_member_edits_the_statement_with_a_live_preview_and_saves(app, page, world):
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{world.statement_id}")
    tabs(page).get_by_role("link", name="Edit").click()
    expect(tabs(page).get_by_role("link", name="Edit")).to_have_attribute("aria-current", "page")
    expect(page.locator("main")).to_contain_text("You are editing from revision 2.")
    editor = page.get_by_label("Text (Markdown)")
    expect(editor).to_have_value(WORLD_TEXTS[1])

    # the preview follows the text as it is typed, without sending the form
    preview = page.locator("#preview")
    expect(page.get_by_role("heading", name="Preview (not saved yet)")).to_be_visible()
    expect(preview).to_have_text(WORLD_TEXTS[1])
    new_text = WORLD_TEXTS[1] + "\n\nStates must act **before the next flood**, not after it."
    editor.fill(new_text)
    expect(preview.locator("strong")).to_have_text("before the next flood")
    expect(page).to_have_url(re.compile(r"/edit$"))
    assert len(revisions(app, world.statement_id)) == 2  # nothing is saved by the preview

    page.get_by_label("What did you change?").fill("Asked for action before the next flood")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page)).to_have_text("Saved as revision 3.")
    expect(page).to_have_url(re.compile(rf"/statements/{world.statement_id}$"))
    expect(statement_text(page).locator("strong")).to_have_text("before the next flood")
    expect(page.locator("main")).to_contain_text("Revision 3 by Member Person")
    expect(page.locator("main")).to_contain_text("“Asked for action before the next flood”")
    assert revisions(app, world.statement_id)[-1] == (3, "Member Person", "Asked for action before the next flood",
                                                      new_text)
    with app.app_context():
        revision = drafts.get_revision(db.session.get(Statement, world.statement_id), 3)
        assert revision.base_number == 2 and revision.merged_onto_number is None

    # saving the same text again makes no revision, and says so
    tabs(page).get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page)).to_have_text("There was nothing to save: the text is the same as the latest revision.")
    assert len(revisions(app, world.statement_id)) == 3


def test_without_javascript_the_preview_button_shows_the_preview_and_keeps_the_text(app, new_context, world):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{world.statement_id}/edit")
    expect(page.get_by_role("heading", name="Preview (not saved yet)")).to_be_hidden()
    changed = WORLD_TEXTS[1] + "\n\n- recognise displacement in law\n- open regular pathways"
    page.get_by_label("Text (Markdown)").fill(changed)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview (not saved yet)")).to_be_visible()
    expect(page.locator("#preview li")).to_have_text(["recognise displacement in law", "open regular pathways"])
    expect(page.get_by_label("Text (Markdown)")).to_have_value(changed)
    assert len(revisions(app, world.statement_id)) == 2
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page)).to_have_text("Saved as revision 3.")
    assert revisions(app, world.statement_id)[-1][3] == changed


# --- comparing and restoring -------------------------------------------------------------------

def test_comparing_two_revisions_inline_and_side_by_side_in_both_directions(app, page, world):
    statement_id = new_statement(app, world, "Floods and the right to stay", [
        "Floods force families from their homes.\n\nGovernments must act before the next season.",
        "Floods and droughts force families from their homes.\n\nGovernments must act now.",
    ])
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{statement_id}")
    tabs(page).get_by_role("link", name="History").click()
    expect(page.get_by_role("row")).to_have_count(3)  # a header and two revisions
    page.get_by_label("Compare from revision 1").check()
    page.get_by_label("Compare to revision 2").check()
    page.get_by_role("button", name="Compare the chosen revisions").click()

    # older to newer, as readers see it: what was added is underlined, what was removed struck out
    expect(page.get_by_role("heading", name="Revision 1 → revision 2")).to_be_visible()
    expect(page.locator("main")).to_contain_text("3 words added, 4 words removed.")
    rendered = page.locator(".diff-rendered")
    expect(rendered.locator("ins")).to_have_text(["and droughts", "now"])
    expect(rendered.locator("del")).to_have_text(["before the next season"])

    # the Markdown source, inline
    page.get_by_label("Show").select_option("inline")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"view=inline"))
    inline = page.locator(".diff-inline")
    expect(inline.locator("ins")).to_have_text(["and droughts", "now"])
    expect(inline.locator("del")).to_have_text(["before the next season"])
    expect(inline.locator(".diff-row").first).to_have_text(re.compile(r"^Floods and droughts force families"))

    # side by side: the old text on the left with its removals, the new on the right with its additions
    page.get_by_label("Show").select_option("side")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"view=side"))
    side = page.locator("table.diff-side")
    expect(side.get_by_role("columnheader")).to_have_text(["Revision 1", "Revision 2"])
    left, right = side.locator("tbody td:nth-child(1)"), side.locator("tbody td:nth-child(2)")
    expect(left).to_have_text(["Floods force families from their homes.",
                               "Governments must act before the next season."])
    expect(right).to_have_text(["Floods and droughts force families from their homes.",
                                "Governments must act now."])
    expect(left.locator("del")).to_have_text(["before the next season"])
    expect(left.locator("ins")).to_have_count(0)
    expect(right.locator("ins")).to_have_text(["and droughts", "now"])
    expect(right.locator("del")).to_have_count(0)

    # newer to older: the same changes, the other way round
    page.get_by_label("From revision").fill("2")
    page.get_by_label("To revision").fill("1")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("heading", name="Revision 2 → revision 1")).to_be_visible()
    expect(page.locator("main")).to_contain_text("4 words added, 3 words removed.")
    expect(side.get_by_role("columnheader")).to_have_text(["Revision 2", "Revision 1"])
    expect(left.locator("del")).to_have_text(["and droughts", "now"])
    expect(right.locator("ins")).to_have_text(["before the next season"])

    page.get_by_label("Show").select_option("inline")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"from=2&to=1&view=inline"))
    expect(inline.locator("ins")).to_have_text(["before the next season"])
    expect(inline.locator("del")).to_have_text(["and droughts", "now"])

    # choosing the same way from the history, newest first
    tabs(page).get_by_role("link", name="History").click()
    page.get_by_label("Compare from revision 2").check()
    page.get_by_label("Compare to revision 1").check()
    page.get_by_role("button", name="Compare the chosen revisions").click()
    expect(page.locator("main")).to_contain_text("4 words added, 3 words removed.")
    assert [number for number, *_ in revisions(app, statement_id)] == [1, 2]  # looking changes nothing


def test_restoring_an_old_revision_makes_a_new_revision_with_its_text(app, page, world):
    log_in(page, world.emails["member"])
    page.goto(f"/statements/{world.statement_id}/history")
    page.get_by_role("link", name="Revision 1", exact=True).click()
    expect(page.get_by_role("heading", name="Revision 1 of 2")).to_be_visible()
    expect(page.locator("article.statement-text")).to_have_text(WORLD_TEXTS[0])
    page.get_by_role("button", name="Restore this revision").click()

    expect(flash(page)).to_have_text("Revision 1 is restored as revision 3.")
    expect(statement_text(page)).to_contain_text(WORLD_TEXTS[0])
    expect(statement_text(page)).not_to_contain_text("legal")
    assert revisions(app, world.statement_id) == [
        (1, "Coordinator Person", "First draft", WORLD_TEXTS[0]),
        (2, "Coordinator Person", "Edit 1", WORLD_TEXTS[1]),  # history is never rewritten
        (3, "Member Person", "Restored revision 1", WORLD_TEXTS[0]),
    ]
    with app.app_context():
        restored = drafts.get_revision(db.session.get(Statement, world.statement_id), 3)
        assert restored.restored_from_number == 1

    tabs(page).get_by_role("link", name="History").click()
    expect(page.get_by_role("row").filter(has_text="Restored revision 1")).to_contain_text("Member Person")
    page.get_by_role("link", name="Revision 3", exact=True).click()
    expect(page.get_by_role("button", name="Restore this revision")).to_have_count(0)  # it is the latest


# --- two people saving at once -----------------------------------------------------------------

PARAGRAPHS = ["Floods, droughts and rising seas force people from their homes.",
              "Most people who move stay within their own country.",
              "Governments must open regular pathways for those who cannot return."]


def test_two_people_saving_from_the_same_revision_are_merged_or_shown_the_conflict(app, page, new_context, world):
    statement_id = new_statement(app, world, "People on the move", ["\n\n".join(PARAGRAPHS)])
    log_in(page, world.emails["member"])
    theirs = new_context().new_page()
    log_in(theirs, world.emails["coordinator"])
    mine_editor, their_editor = page.get_by_label("Text (Markdown)"), theirs.get_by_label("Text (Markdown)")

    # both open the edit page at revision 1; each changes a different paragraph
    page.goto(f"/statements/{statement_id}/edit")
    theirs.goto(f"/statements/{statement_id}/edit")
    for person in (page, theirs):
        expect(person.locator("main")).to_contain_text("You are editing from revision 1.")
    mine_editor.fill(mine_editor.input_value().replace("droughts and rising seas", "droughts, storms and rising seas"))
    page.get_by_label("What did you change?").fill("Added storms")
    their_editor.fill(their_editor.input_value().replace("open regular pathways", "open safe and regular pathways"))
    theirs.get_by_label("What did you change?").fill("Safe pathways")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page)).to_have_text("Saved as revision 2.")
    theirs.get_by_role("button", name="Save", exact=True).click()
    expect(flash(theirs)).to_have_text("Saved as revision 3. Others saved while you were editing (Member Person); "
                                       "your changes were merged with theirs.")
    expect(statement_text(theirs)).to_contain_text("Floods, droughts, storms and rising seas")
    expect(statement_text(theirs)).to_contain_text("open safe and regular pathways")
    merged = "\n\n".join([PARAGRAPHS[0].replace("droughts and", "droughts, storms and"), PARAGRAPHS[1],
                          PARAGRAPHS[2].replace("open regular", "open safe and regular")])
    assert [(n, who, text) for n, who, _, text in revisions(app, statement_id)][1:] == [
        (2, "Member Person", merged.replace("open safe and regular", "open regular")),
        (3, "Coordinator Person", merged)]
    with app.app_context():
        third = drafts.get_revision(db.session.get(Statement, statement_id), 3)
        assert (third.base_number, third.merged_onto_number) == (1, 2)
    page.goto(f"/statements/{statement_id}/history")
    expect(page.get_by_role("row").filter(has_text="Safe pathways")).to_contain_text("(merged with revision 2)")

    # both open it again at revision 3 and change the same words
    page.goto(f"/statements/{statement_id}/edit")
    theirs.goto(f"/statements/{statement_id}/edit")
    mine_editor.fill(mine_editor.input_value().replace("stay within their own country", "stay close to home"))
    their_editor.fill(their_editor.input_value().replace("stay within their own country", "never cross a border"))
    their_text = their_editor.input_value()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page)).to_have_text("Saved as revision 4.")
    with theirs.expect_response(re.compile(r"/edit$")) as answer:
        theirs.get_by_role("button", name="Save", exact=True).click()
    assert answer.value.status == 409

    # the second sees the conflict, their own text kept in the box and the differences marked
    expect(theirs.get_by_role("alert")).to_have_text(
        "Your changes were not saved yet: Member Person saved revision 4 while you were editing, "
        "and changed the same passage as you (1 place).")
    expect(theirs.get_by_role("heading", name="Revision 4 compared with your text")).to_be_visible()
    differences = theirs.locator(".diff-inline")
    expect(differences.locator("del")).to_have_text(["stay close to home"])
    expect(differences.locator("ins")).to_have_text(["never cross a border"])
    expect(differences.locator(".diff-changed")).to_have_count(1)
    expect(their_editor).to_have_value(their_text)
    assert [n for n, *_ in revisions(app, statement_id)] == [1, 2, 3, 4]  # nothing saved over the first

    # they keep something of both and save
    resolved = their_text.replace("never cross a border", "stay close to home and never cross a border")
    their_editor.fill(resolved)
    theirs.get_by_label("What did you change?").fill("Kept both")
    theirs.get_by_role("button", name="Save my resolved text").click()
    expect(flash(theirs)).to_have_text("Saved as revision 5.")
    expect(statement_text(theirs)).to_contain_text("Most people who move stay close to home and never cross a border.")
    [*_, fourth, fifth] = revisions(app, statement_id)
    assert fourth == (4, "Member Person", "", merged.replace("stay within their own country", "stay close to home"))
    assert fifth == (5, "Coordinator Person", "Kept both",
                     merged.replace("stay within their own country", "stay close to home and never cross a border"))
    with app.app_context():
        assert drafts.get_revision(db.session.get(Statement, statement_id), 5).base_number == 4


# --- freezing as final ---------------------------------------------------------------------------

def test_freezing_as_final_locks_the_text_until_the_coordinator_reopens_the_draft(app, page, new_context, world):
    statement_url = f"/statements/{world.statement_id}"
    locked = ("This statement is final: its text is locked. "
              "A coordinator can reopen the draft if it must change.")
    member = new_context().new_page()
    log_in(member, world.emails["member"])
    member.goto(f"{statement_url}/edit")  # a member is editing when the text is frozen
    member.get_by_label("Text (Markdown)").fill(WORLD_TEXTS[1] + " Today.")

    log_in(page, world.emails["coordinator"])
    page.goto(statement_url)
    expect(tabs(page).get_by_role("link", name="Edit")).to_be_visible()
    page.get_by_role("button", name="Freeze the latest revision as final").click()
    page.get_by_role("button", name="Freeze as final anyway").click()  # past the member's open thread
    expect(flash(page)).to_have_text("Revision 2 is frozen as the final text.")
    expect(page.locator(".title-row .state")).to_have_text("Final")
    expect(tabs(page).get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("final text: revision 2")
    with app.app_context():
        statement = db.session.get(Statement, world.statement_id)
        assert statement.state == "final"
        assert statement.final_revision.number == 2
        step = db.session.scalars(select(Transition).where(Transition.statement_id == statement.id)).one()
        assert (step.from_state, step.to_state, step.revision_number, step.actor.display_name) == (
            "draft", "final", 2, "Coordinator Person")

    # the edit page turns people back with the reason, and the member's late save changes nothing
    page.goto(f"{statement_url}/edit")
    expect(page).to_have_url(re.compile(rf"{statement_url}$"))
    expect(flash(page)).to_have_text(locked)
    member.get_by_role("button", name="Save", exact=True).click()
    # the late save is refused, but what the member typed stays on the page to copy
    expect(member.locator(".error-summary")).to_contain_text(locked)
    expect(member.get_by_label("Text (Markdown)")).to_have_value(WORLD_TEXTS[1] + " Today.")
    expect(member.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(tabs(member).get_by_role("link", name="Edit")).to_have_count(0)
    member.goto(f"{statement_url}/revisions/1")
    expect(member.get_by_role("button", name="Restore this revision")).to_have_count(0)
    member.goto(f"{statement_url}/history")
    expect(member.get_by_role("row").filter(has_text="Edit 1").locator(".badge")).to_have_text("final")
    assert [n for n, *_ in revisions(app, world.statement_id)] == [1, 2]

    # reopening makes it a draft that members can edit again
    page.get_by_role("button", name="Reopen the draft").click()
    expect(flash(page)).to_have_text("The statement is a draft again: members can edit it.")
    expect(page.locator(".title-row .state")).to_have_text("Draft")
    with app.app_context():
        assert db.session.get(Statement, world.statement_id).state == "draft"
    member.goto(statement_url)
    tabs(member).get_by_role("link", name="Edit").click()
    expect(member.get_by_label("Text (Markdown)")).to_have_value(WORLD_TEXTS[1])
