"""The notes the service writes on revisions (the first draft, a restored revision, an inserted talking point,
accepted suggestions) are read in each reader's language; a person's own note is shown as they wrote it."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from statements.accounts.models import User
from statements.drafts.models import Revision, Statement
from statements.extensions import db
from statements.suggestions import services as suggestions
from statements.suggestions.models import Suggestion
from statements.talking_points import services as talking_points
from statements.talking_points.models import TalkingPoint
from tests.core.test_migrations import MIGRATIONS, logging_kept, migrated_app  # noqa: F401  (a fixture)
from tests.signons.pages import plain
from tests.factories import add_suggestion, make_group, make_user


def run_again(migration: str) -> None:
    """Go back to just before a migration, and upgrade again: it runs on the data there is."""
    this_one = MIGRATIONS / "versions" / migration
    downgrade(revision=next(line.split("'")[1] for line in this_one.read_text().splitlines()
                            if line.startswith("down_revision")))
    upgrade()


def history(client, statement_id: int) -> str:
    return plain(client.get(f"/statements/{statement_id}/history").get_data(as_text=True))


def test_the_service_s_notes_speak_the_reader_s_language_and_a_person_s_own_note_stays_as_written(
        app, make_client, world):
    statement_id = world.statement_id
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        statement = db.session.get(Statement, statement_id)
        talking_points.insert_into_statement(coordinator, db.session.get(TalkingPoint, world.point_id), statement)
        db.session.commit()
        add_suggestion(world)
        suggestions.accept(coordinator, db.session.get(Suggestion, world.suggestion_id))
        db.session.get(User, world.user_ids["member"]).language = "es"
        db.session.commit()
    english = make_client()
    english.login(world.emails["coordinator"])
    assert english.submit(f"/statements/{statement_id}/revisions/1/restore").status_code == 302
    spanish = make_client()
    spanish.login(world.emails["member"])

    in_english, in_spanish = history(english, statement_id), history(spanish, statement_id)
    for words in ("First draft", "Inserted talking point “Regularization works”",
                  "Suggestion by Member Person accepted", "Restored revision 1"):
        assert words in in_english and words not in in_spanish, words
    for words in ("Primer borrador", "Se insertó el punto clave «Regularization works»",
                  "Se aceptó el cambio sugerido por Member Person", "Se restauró la versión 1"):
        assert words in in_spanish, words
    assert "Edit 1" in in_english and "Edit 1" in in_spanish  # a person's own note, as written
    latest = plain(spanish.get(f"/statements/{statement_id}").get_data(as_text=True))
    assert "“Se restauró la versión 1”" in latest
    with app.app_context():  # the words in English stay beside what they say, for whatever reads the note alone
        notes = db.session.scalars(db.select(Revision.note).where(Revision.statement_id == statement_id)
                                   .order_by(Revision.number)).all()
        assert notes[0] == "First draft" and notes[-1] == "Restored revision 1"


def test_the_migration_recognises_the_first_drafts_and_restores_written_before(tmp_path, logging_kept):  # noqa: F811
    from statements.drafts import services as drafts

    app = migrated_app(f"sqlite:///{tmp_path / 'notes.sqlite3'}")
    with app.app_context():
        upgrade()
        person = make_user("writer@example.org", "Writer Person")
        statement = drafts.create_statement(person, make_group("Writers"), "Notes", "", "en", "", "One.")
        drafts.save_revision(person, statement, 1, "Two.", "Restored revision 1")  # a person's own words
        drafts.restore_revision(person, statement, 1)
        db.session.commit()
        run_again("2026-12-05_0030_revision_notes_in_the_reader_s_language.py")
        kinds = db.session.execute(text("SELECT number, note_kind FROM revision ORDER BY number")).all()
        assert kinds == [(1, "first_draft"), (2, None), (3, "restored")]
        db.session.remove()
        db.engine.dispose()


def test_the_migration_recognises_talking_points_and_accepted_suggestions_noted_before(
        tmp_path, logging_kept):  # noqa: F811
    from statements.core.policy import Role
    from statements.drafts import services as drafts
    from tests.factories import make_membership

    app = migrated_app(f"sqlite:///{tmp_path / 'older-notes.sqlite3'}")
    with app.app_context():
        upgrade()
        coordinator, first, second = (make_user(f"{who}@example.org", f"{who.title()} Person")
                                      for who in ("coordinator", "first", "second"))
        group = make_group("Writers")
        make_membership(coordinator, group, Role.COORDINATOR)
        for member in (first, second):
            make_membership(member, group, Role.MEMBER)
        statement = drafts.create_statement(coordinator, group, "Notes", "", "en", "",
                                            "Legal protection for all. Decent work for all.")
        point = talking_points.create_point(coordinator, group, "Regularization works", "It does.", "", "")
        talking_points.insert_into_statement(coordinator, point, statement)  # revision 2
        text_now = drafts.current_text(statement)
        one = suggestions.propose(first, statement, "Legal protection", 2, text_now, "Legal and social protection",
                                  "Wider.")
        suggestions.accept(coordinator, one)  # revision 3
        text_now = drafts.current_text(statement)
        two = suggestions.propose(first, statement, "Decent work", 3, text_now, "Decent paid work", "Paid.")
        three = suggestions.propose(second, statement, "for all.", 3, text_now, "for everyone.", "Plainer.")
        suggestions.accept_several(coordinator, statement, [two, three])  # revision 4
        # a person's own note in the service's words, on a statement no talking point went into
        other = drafts.create_statement(coordinator, group, "Other", "", "en", "", "One.")
        drafts.save_revision(coordinator, other, 1, "Two.", "Inserted talking point “Regularization works”")
        db.session.commit()
        # as written before the service kept what its notes say (an author since gone, in the words it used)
        db.session.execute(text("UPDATE revision SET note = 'Suggestions by a former member, Second Person "
                                "accepted' WHERE statement_id = :id AND number = 4"), {"id": statement.id})
        db.session.execute(text("UPDATE revision SET note_kind = NULL, note_args = NULL WHERE number > 1"))
        db.session.commit()
        run_again("2026-12-05_0032_earlier_talking_point_and_suggestion_notes.py")
        said = db.session.execute(text("SELECT statement_id, number, note_kind, note_args FROM revision "
                                       "WHERE number > 1 ORDER BY statement_id, number")).all()
        assert said == [
            (statement.id, 2, "talking_point", '{"title": "Regularization works"}'),
            (statement.id, 3, "suggestions_accepted", '{"names": ["First Person"], "count": 1}'),
            (statement.id, 4, "suggestions_accepted", '{"names": ["", "Second Person"], "count": 2}'),
            (other.id, 2, None, None),
        ]
        with app.test_request_context():
            from flask_babel import force_locale

            from statements.drafts.notes import shown_note

            revisions = db.session.scalars(db.select(Revision).where(Revision.statement_id == statement.id)
                                           .order_by(Revision.number)).all()
            with force_locale("es"):
                shown = [shown_note(revision) for revision in revisions]
        assert shown[1:] == ["Se insertó el punto clave «Regularization works»",
                             "Se aceptó el cambio sugerido por First Person",
                             "Se aceptaron los cambios sugeridos por un antiguo miembro, Second Person"]
        db.session.remove()
        db.engine.dispose()
