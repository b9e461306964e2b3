"""Two or more people saving the same statement: merged where the changes do not touch, a conflict
to resolve where they do, and never a save lost."""

import html
import random
import re
import threading
from collections import defaultdict

import pytest
from sqlalchemy import select

from statements.accounts.models import User, WorkingGroup
from statements.core.policy import Role
from statements.drafts import services
from statements.drafts.models import Revision
from statements.extensions import db
from tests.drafts.pages import (
    csrf_token, flashes, hidden, revision_count, stored_revision, stored_statement, stored_text, textarea,
)
from tests.factories import make_membership, make_statement, make_user

TEXT = ("# Protection for people displaced by climate change\n\n"
        "Floods and droughts force people from their homes.\n\n"
        "States must open regular pathways for them.\n\n"
        "We call on governments to act this year.\n")


@pytest.fixture
def statement_id(app, world):
    with app.app_context():
        author = db.session.get(User, world.user_ids["coordinator"])
        statement = make_statement(author, db.session.get(WorkingGroup, world.group_id), "Pathways", [TEXT])
        db.session.commit()
        return statement.id


@pytest.fixture
def other(make_client, world):
    """The coordinator, editing in another browser."""
    client = make_client()
    client.login(world.emails["coordinator"])
    return client


def save(client, statement_id, base, text, note=""):
    return client.submit(f"/statements/{statement_id}/edit", {"base": str(base), "text": text, "note": note})


def test_a_save_from_an_older_revision_is_merged_and_says_with_whom(app, client, other, world, statement_id):
    client.login(world.emails["member"])
    assert hidden(client.get(f"/statements/{statement_id}/edit").get_data(as_text=True), "base") == "1"
    theirs = TEXT.replace("act this year", "act without delay")
    assert save(other, statement_id, 1, theirs, "Urgency").status_code == 302
    mine = TEXT.replace("regular pathways", "safe and regular pathways")
    response = save(client, statement_id, 1, mine, "Safety")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Saved as revision 3. Others saved while you were editing (Coordinator Person); "
            "your changes were merged with theirs.") in flashes(page)
    merged = TEXT.replace("act this year", "act without delay").replace("regular pathways", "safe and regular pathways")
    assert stored_text(app, statement_id) == merged
    revision = stored_revision(app, statement_id, 3)
    assert (revision["base_number"], revision["merged_onto_number"], revision["author_id"], revision["note"]) \
        == (1, 2, world.user_ids["member"], "Safety")
    assert "(merged with revision 2)" in client.get(f"/statements/{statement_id}/history").get_data(as_text=True)


def test_a_stale_save_that_makes_the_same_change_saves_nothing(app, client, other, world, statement_id):
    client.login(world.emails["member"])
    same = TEXT.replace("act this year", "act now")
    save(other, statement_id, 1, same)
    response = save(client, statement_id, 1, same)
    assert "There was nothing to save" in " ".join(flashes(client.get(response.headers["Location"])
                                                           .get_data(as_text=True)))
    assert revision_count(app, statement_id) == 2


def test_changes_to_the_same_words_are_a_conflict_that_keeps_what_was_typed(app, client, other, world,
                                                                            statement_id):
    client.login(world.emails["member"])
    theirs = TEXT.replace("regular pathways", "lawful routes")
    save(other, statement_id, 1, theirs, "Routes")
    mine = TEXT.replace("regular pathways", "safe & regular \"pathways\" <now>")
    response = save(client, statement_id, 1, mine, "My note")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Your changes were not saved yet: Coordinator Person saved revision 2 while you were editing" in page
    assert textarea(page) == mine
    assert hidden(page, "note") == "My note"
    assert "<del>lawful routes</del>" in page
    assert "<ins>safe &amp; regular &#34;pathways&#34; &lt;now&gt;</ins>" in page
    assert hidden(page, "base") == "2"  # saving from here resolves against the latest
    assert revision_count(app, statement_id) == 2
    assert stored_text(app, statement_id) == theirs
    # the person resolves the conflict and saves from the conflict page
    resolved = TEXT.replace("regular pathways", "safe and lawful routes")
    response = client.post(f"/statements/{statement_id}/edit",
                           data={"base": hidden(page, "base"), "text": resolved, "note": "Resolved",
                                 "csrf_token": hidden(page, "csrf_token"), "action": "save"})
    assert response.status_code == 302
    assert "Saved as revision 3." in flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert stored_text(app, statement_id) == resolved
    assert stored_revision(app, statement_id, 3)["base_number"] == 2


def test_an_insertion_where_another_person_inserted_is_a_conflict(app, client, other, world, statement_id):
    client.login(world.emails["member"])
    save(other, statement_id, 1, TEXT + "\nSigned in Nairobi.\n")
    response = save(client, statement_id, 1, TEXT + "\nSigned in Dhaka.\n")
    assert response.status_code == 409
    assert "Signed in Dhaka." in textarea(response.get_data(as_text=True))
    assert revision_count(app, statement_id) == 2


@pytest.mark.parametrize("base", ["0", "-1", "3", "999", "99999999999999999999", "abc", "1.5", "", "²"])
def test_a_forged_starting_revision_is_refused_with_a_message(app, client, world, statement_id, base):
    client.login(world.emails["member"])
    response = save(client, statement_id, base, TEXT + "\nForged.\n")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert ("The revision this edit started from is not one of this statement's. Reload the page" in page
            or "The form is missing the revision it started from. Reload the page." in page)
    assert textarea(page) == TEXT + "\nForged.\n"
    assert revision_count(app, statement_id) == 1
    assert stored_text(app, statement_id) == TEXT


def test_a_revision_number_only_another_statement_has_is_refused(app, client, world, statement_id):
    """The world's statement has revision 2; this one does not."""
    client.login(world.emails["member"])
    response = save(client, statement_id, 2, TEXT + "\nOther numbering.\n")
    assert response.status_code == 400
    assert "is not one of this statement's" in html.unescape(response.get_data(as_text=True))
    assert revision_count(app, statement_id) == 1


def in_another_request(work):
    """Run work (another person's request) to its end, as if it happened at this very moment."""
    results = []
    thread = threading.Thread(target=lambda: results.append(work()))
    thread.start()
    thread.join(timeout=30)
    assert results, "the other request did not finish"
    return results[0]


def test_a_save_that_arrives_just_after_the_text_was_frozen_is_refused(app, client, other, world, statement_id,
                                                                       monkeypatch):
    """The page was loaded and checked as a draft; the coordinator freezes it before the save is written."""
    client.login(world.emails["member"])
    original, frozen = services.save_revision, []

    def freeze_then_save(*args, **kwargs):
        if not frozen:
            frozen.append(in_another_request(
                lambda: other.submit(f"/statements/{statement_id}/transition", {"to": "final", "confirmed": "yes"}).status_code))
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "save_revision", freeze_then_save)
    response = save(client, statement_id, 1, TEXT + "\nLate change.\n")
    assert frozen == [302]
    assert response.status_code == 403
    assert "This statement is final: its text is locked." in response.get_data(as_text=True)
    assert "Late change." in response.get_data(as_text=True)  # the text typed is kept to copy
    assert stored_statement(app, statement_id)["state"] == "final"
    assert revision_count(app, statement_id) == 1
    assert stored_text(app, statement_id) == TEXT


def test_freezing_just_after_a_save_freezes_that_save(app, client, other, world, statement_id, monkeypatch):
    """A member's save lands while the coordinator's freeze is on its way: the frozen text is the latest."""
    client.login(world.emails["member"])
    original, saved = services.transition, []

    def save_then_freeze(*args, **kwargs):
        if not saved:
            saved.append(in_another_request(lambda: save(client, statement_id, 1, TEXT + "\nJust in time.\n")
                                            .status_code))
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "transition", save_then_freeze)
    response = other.submit(f"/statements/{statement_id}/transition", {"to": "final", "confirmed": "yes"})
    assert saved == [302]
    assert response.status_code == 302
    assert "Revision 2 is frozen as the final text." in flashes(other.get(response.headers["Location"])
                                                                 .get_data(as_text=True))
    assert stored_statement(app, statement_id)["final_revision_id"] == stored_revision(app, statement_id, 2)["id"]


# --- many people at once -----------------------------------------------------------------------

THREADS, SAVES = 8, 5
SHARED_LINE = 8  # the last two people both edit this line, so some of their saves conflict


def line_of(person: int) -> int:
    return person if person < THREADS - 2 else SHARED_LINE


def test_many_simultaneous_saves_are_each_kept_merged_or_shown_as_a_conflict(app, make_client, world):
    """8 people save 5 times each at once, each from whatever revision they last read. Six edit
    their own line (their saves merge); two edit the same line (some of theirs conflict)."""
    lines = [f"Line {n}: o{n}" for n in range(10)]
    with app.app_context():
        group = db.session.get(WorkingGroup, world.group_id)
        people = []
        for person in range(THREADS):
            user = make_user(f"editor{person}@example.org", f"Editor {person}")
            make_membership(user, group, Role.MEMBER)
            people.append(user.email)
        statement = make_statement(db.session.get(User, world.user_ids["coordinator"]), group, "Busy",
                                   ["\n\n".join(lines)])
        db.session.commit()
        statement_id = statement.id

    outcomes = defaultdict(list)  # person -> [(kind, line value, note)]
    failures = []
    start = threading.Barrier(THREADS)

    def person_saves(person: int):
        rng = random.Random(person)
        client = make_client()
        client.login(people[person])
        start.wait()
        for attempt in range(SAVES):
            try:
                page = client.get(f"/statements/{statement_id}/edit").get_data(as_text=True)
                base, text = hidden(page, "base"), textarea(page)
                paragraphs = text.split("\n\n")
                value = f"Line {line_of(person)}: e{person}v{attempt}"  # one word: saves to a line always touch
                paragraphs[line_of(person)] = value
                note = f"editor {person} save {attempt}"
                if rng.random() < 0.5:
                    threading.Event().wait(rng.random() / 50)  # read, think a moment, then save
                response = client.post(f"/statements/{statement_id}/edit", data={
                    "base": base, "text": "\n\n".join(paragraphs), "note": note, "csrf_token": csrf_token(page)})
                if response.status_code == 302:
                    shown = flashes(client.get(response.headers["Location"]).get_data(as_text=True))
                    assert any(re.match(r"Saved as revision \d+\.", message) for message in shown), shown
                    merged = any("your changes were merged with theirs" in message for message in shown)
                    outcomes[person].append(("merged" if merged else "saved", value, note))
                elif response.status_code == 409:
                    assert textarea(response.get_data(as_text=True)) == "\n\n".join(paragraphs)
                    outcomes[person].append(("conflict", value, note))
                else:
                    failures.append((person, attempt, response.status_code))
            except Exception as error:  # noqa: BLE001  (reported below, with the person and attempt)
                failures.append((person, attempt, repr(error)))

    threads = [threading.Thread(target=person_saves, args=(person,)) for person in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == [], failures

    saved = [(person, value, note) for person, results in outcomes.items()
             for kind, value, note in results if kind in ("saved", "merged")]
    kinds = [kind for results in outcomes.values() for kind, _, _ in results]
    assert sum(len(results) for results in outcomes.values()) == THREADS * SAVES
    # every save answered with success is in the history exactly once, and nothing else is
    assert revision_count(app, statement_id) == len(saved) + 1
    with app.app_context():
        notes = db.session.scalars(select(Revision.note).where(Revision.statement_id == statement_id,
                                                               Revision.number > 1)).all()
    assert sorted(notes) == sorted(note for _, _, note in saved)
    # every line saved with success is in the final text, unless its author later changed it again
    final = stored_text(app, statement_id).split("\n\n")
    for person in range(THREADS - 2):
        kept = [value for kind, value, _ in outcomes[person] if kind in ("saved", "merged")]
        assert final[line_of(person)] == (kept[-1] if kept else lines[line_of(person)]), person
    shared = {value for person in range(THREADS - 2, THREADS) for kind, value, _ in outcomes[person]
              if kind in ("saved", "merged")}
    assert final[SHARED_LINE] in shared | {lines[SHARED_LINE]}
    assert final[9] == lines[9]  # the line nobody edited
    # each success made the change it reported: the revision it created holds its line
    services._text_cache.clear()
    with app.app_context():
        revisions = db.session.scalars(select(Revision).where(Revision.statement_id == statement_id)).all()
        by_note = {revision.note: services.revision_text(revision) for revision in revisions}
    for person, value, note in saved:
        assert value in by_note[note].split("\n\n"), (person, note)
    # changes to different lines merge (most of them; see test_merging for paragraphs rewritten around one)
    own_line_saved = sum(1 for person in range(THREADS - 2) for kind, _, _ in outcomes[person] if kind != "conflict")
    assert own_line_saved >= (THREADS - 2) * SAVES * 3 // 4
    assert "merged" in kinds  # saves did start from revisions others had moved past
