"""A statement in several languages: a translation kept in step with its source, paragraph by paragraph."""

import re

import pytest
from sqlalchemy import select

from statements.accounts.models import User, WorkingGroup
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.translating.paragraphs import Standing, changed_positions, paragraphs, standings
from tests.drafts.pages import flashes, hidden
from tests.factories import PASSWORD

SOURCE = ("# Loss and damage\n\nThe fund must reach people who move.\n\n"
          "Governments must count displacement in their plans.")
FRENCH = ("# Pertes et préjudices\n\nLe fonds doit atteindre les personnes qui se déplacent.\n\n"
          "Les gouvernements doivent compter les déplacements dans leurs plans.")


# --- the rules, without Flask ---------------------------------------------------------------------

def test_paragraphs_are_the_blocks_between_blank_lines():
    assert paragraphs("# T\n\nOne\nline two\n \n\n- a\n- b\n") == ["# T", "One\nline two", "- a\n- b"]
    assert paragraphs("") == []


def test_a_paragraph_is_behind_when_its_source_paragraph_reads_otherwise_than_when_it_was_translated():
    synced = {0: ("# T", 1), 1: ("Old words.", 1)}
    result = standings("# T\n\nNew words.\n\nThird.", "# T fr\n\nMots.", synced)
    assert [p.standing for p in result] == [Standing.UP_TO_DATE, Standing.BEHIND, Standing.NOT_STARTED]
    assert result[1].translated_from == "Old words." and result[1].since_number == 1
    assert standings("One.", "Un.\n\nDeux.", {0: ("One.", 2), 1: ("Two.", 1)})[1].standing == Standing.SOURCE_GONE
    assert standings("One.", "Un.", {})[0].standing == Standing.BEHIND  # never recorded: check it


def test_a_save_brings_up_to_date_only_the_paragraphs_it_changed():
    assert changed_positions("A\n\nB\n\nC", "A\n\nB2\n\nC\n\nD") == [1, 3]
    assert changed_positions("", "A\n\nB") == [0, 1]


# --- through the pages ----------------------------------------------------------------------------

@pytest.fixture
def source_id(app, world):
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = drafts.create_statement(coordinator, db.session.get(WorkingGroup, world.group_id),
                                            "Loss and damage for all", "", "en", "", SOURCE)
        db.session.commit()
        return statement.id


def logged_in(make_client, world, role):
    client = make_client()
    assert client.login(world.emails[role], PASSWORD).status_code == 302
    return client


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def start_french(client, source_id) -> int:
    response = client.submit(f"/statements/{source_id}/translations",
                             {"language": "fr", "title": "Pertes et préjudices pour tous"})
    assert response.status_code == 302, words(response)
    return int(re.search(r"/statements/(\d+)/paragraphs", response.headers["Location"]).group(1))


def save(client, statement_id, text, note="Traduction"):
    page = client.get(f"/statements/{statement_id}/edit").get_data(as_text=True)
    data = {"base": hidden(page, "base"), "text": text, "note": note}
    if 'name="source_base"' in page:
        data["source_base"] = hidden(page, "source_base")
    return client.submit(f"/statements/{statement_id}/edit", data)


def test_a_source_edit_marks_the_right_french_paragraphs_out_of_date_and_the_translator_brings_them_back(
        app, make_client, world, source_id):
    coordinator = logged_in(make_client, world, "coordinator")
    member = logged_in(make_client, world, "member")
    french = start_french(member, source_id)
    assert "Not started" in words(coordinator.get(f"/statements/{source_id}/translations"))

    assert save(member, french, FRENCH).status_code == 302
    assert "Up to date" in words(coordinator.get(f"/statements/{source_id}/translations"))

    # the source's second paragraph changes: only that French paragraph falls behind, with what changed
    changed = SOURCE.replace("people who move", "people forced to move")
    assert save(coordinator, source_id, changed, "Sharper").status_code == 302
    table = words(coordinator.get(f"/statements/{source_id}/translations"))
    assert "1 paragraph behind" in table
    page = member.get(f"/statements/{french}/paragraphs").get_data(as_text=True)
    cards = re.findall(r'<li id="paragraph-\d+" class="card paragraph-pair paragraph-(\w+)">', page)
    assert cards == ["up_to_date", "behind", "up_to_date"]
    assert "What changed in the source since revision 1:" in page
    assert "<ins>forced to </ins>" in page or "<ins>forced to</ins>" in page

    # the translator saves that paragraph: up to date again; the others were never touched
    assert save(member, french, FRENCH.replace("qui se déplacent", "contraintes de se déplacer")).status_code == 302
    page = member.get(f"/statements/{french}/paragraphs").get_data(as_text=True)
    assert re.findall(r'paragraph-pair paragraph-(\w+)', page) == ["up_to_date"] * 3
    assert "Up to date" in words(coordinator.get(f"/statements/{source_id}/translations"))


def test_a_paragraph_the_change_does_not_affect_is_marked_up_to_date_without_an_edit(app, make_client, world,
                                                                                    source_id):
    coordinator = logged_in(make_client, world, "coordinator")
    french = start_french(coordinator, source_id)
    save(coordinator, french, FRENCH)
    save(coordinator, source_id, SOURCE.replace("Governments must", "Governments  must"), "Spacing")
    save(coordinator, source_id, SOURCE.replace("their plans.", "their plans!"), "Tone")
    page = coordinator.get(f"/statements/{french}/paragraphs").get_data(as_text=True)
    number = re.search(r'name="source_number" value="(\d+)"', page).group(1)
    stale = coordinator.submit(f"/statements/{french}/paragraphs/2/up-to-date", {"source_number": int(number) - 1})
    assert "The source changed while you were reading it." in " ".join(
        flashes(coordinator.get(stale.headers["Location"]).get_data(as_text=True)))
    response = coordinator.submit(f"/statements/{french}/paragraphs/2/up-to-date", {"source_number": number})
    assert "Paragraph 3 is marked up to date." in flashes(coordinator.get(response.headers["Location"])
                                                         .get_data(as_text=True))
    beyond = coordinator.submit(f"/statements/{french}/paragraphs/7/up-to-date", {"source_number": number})
    assert "That paragraph is not translated yet" in " ".join(
        flashes(coordinator.get(beyond.headers["Location"]).get_data(as_text=True)))


def test_a_translation_saved_while_the_source_changed_keeps_every_word_and_stays_behind_where_it_must(
        app, make_client, world, source_id):
    coordinator = logged_in(make_client, world, "coordinator")
    member = logged_in(make_client, world, "member")
    french = start_french(member, source_id)
    page = member.get(f"/statements/{french}/edit").get_data(as_text=True)
    base, source_base = hidden(page, "base"), hidden(page, "source_base")
    save(coordinator, source_id, SOURCE.replace("people who move", "people forced to move"))  # meanwhile
    member.submit(f"/statements/{french}/edit", {"base": base, "source_base": source_base, "text": FRENCH, "note": ""})
    with app.app_context():
        assert drafts.current_text(db.session.get(Statement, french)) == FRENCH
    cards = re.findall(r'paragraph-pair paragraph-(\w+)', member.get(f"/statements/{french}/paragraphs")
                       .get_data(as_text=True))
    assert cards == ["up_to_date", "behind", "up_to_date"]  # translated from the text the member read


@pytest.mark.parametrize("language, message", [
    ("en", "Choose a language the statement is not written or translated in yet."),
    ("fr", "Choose a language the statement is not written or translated in yet."),
    ("xx", "Not a valid choice."),
])
def test_a_language_taken_or_unknown_is_refused_by_its_field_with_the_title_kept(app, make_client, world,
                                                                                source_id, language, message):
    coordinator = logged_in(make_client, world, "coordinator")
    start_french(coordinator, source_id)
    response = coordinator.submit(f"/statements/{source_id}/translations", {"language": language, "title": "Título"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Título"' in page
    if language != "fr":
        assert message in page or "Not a valid choice" in page


def test_a_translation_has_the_drafting_tools_of_any_statement(app, make_client, world, source_id):
    member = logged_in(make_client, world, "member")
    french = start_french(member, source_id)
    save(member, french, FRENCH)
    for path in ("", "/history", "/compare?from=1&to=2", "/revisions/1"):
        assert member.get(f"/statements/{french}{path}").status_code == 200, path
    page = words(member.get(f"/statements/{french}"))
    assert "The French translation of Loss and damage for all" in page
    with app.app_context():
        translation = db.session.get(Statement, french)
        assert (translation.language, translation.source_id, translation.group_id) == ("fr", source_id, world.group_id)
        assert db.session.scalars(select(Statement).where(Statement.source_id == source_id)).all() == [translation]


def test_an_observer_reads_the_table_but_cannot_start_or_mark(app, make_client, world, source_id):
    observer = logged_in(make_client, world, "observer")
    assert "Start a translation" not in words(observer.get(f"/statements/{source_id}/translations"))
    assert observer.submit(f"/statements/{source_id}/translations", {"language": "fr", "title": "T"}).status_code == 403


def test_opening_sign_on_with_a_translation_behind_warns_and_names_it(app, make_client, world, source_id):
    coordinator = logged_in(make_client, world, "coordinator")
    french = start_french(coordinator, source_id)
    save(coordinator, french, FRENCH.split("\n\n")[0])  # only the heading translated
    coordinator.submit(f"/statements/{source_id}/transition", {"to": "final", "confirmed": "yes"})
    with app.app_context():
        assert db.session.get(Statement, source_id).state == "final"
    page = words(coordinator.get(f"/statements/{source_id}/signon/open"))
    assert "Some translations are behind the final text:" in page
    assert "Pertes et préjudices pour tous (French): 2 paragraphs not translated" in page


def test_the_translation_pages_speak_the_reader_s_language(app, make_client, world, source_id):
    member = logged_in(make_client, world, "member")
    french = start_french(member, source_id)
    member.submit("/language", {"language": "es", "next": "/"})
    table = words(member.get(f"/statements/{source_id}/translations"))
    assert "La declaración está escrita en inglés." in table and "Sin empezar" in table
    member.submit("/language", {"language": "ar", "next": "/"})
    page = member.get(f"/statements/{french}/paragraphs").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "فقرة فقرة" in page
    assert 'lang="fr" dir="ltr"' in page  # the translation's own words keep their language and direction


def test_a_translation_is_made_final_only_against_the_final_source_and_up_to_date(app, make_client, world,
                                                                                  source_id):
    coordinator = logged_in(make_client, world, "coordinator")
    french = start_french(coordinator, source_id)
    save(coordinator, french, FRENCH.split("\n\n")[0])
    refused = coordinator.submit(f"/statements/{french}/transition", {"to": "final", "confirmed": "yes"})
    assert refused.status_code == 409
    assert "freeze the source as final first" in words(refused)
    coordinator.submit(f"/statements/{source_id}/transition", {"to": "final", "confirmed": "yes"})
    refused = coordinator.submit(f"/statements/{french}/transition", {"to": "final", "confirmed": "yes"})
    assert refused.status_code == 409 and "2 paragraphs behind" not in words(refused)
    assert "0 paragraphs behind and 2 not translated" in words(refused)
    save(coordinator, french, FRENCH)
    assert coordinator.submit(f"/statements/{french}/transition", {"to": "final", "confirmed": "yes"}).status_code == 302
    with app.app_context():
        translation = db.session.get(Statement, french)
        assert translation.state == "final" and translation.final_revision_id is not None
    # sign-on is its source's: a translation has no such step
    assert coordinator.submit(f"/statements/{french}/transition", {"to": "signon_open"}).status_code == 409
    page = words(coordinator.get(f"/statements/{french}"))
    assert "Open sign-on" not in page and "Reopen the draft" in page
