"""`flask data copy-to`: a whole installation copied row for row, with its ids, into an empty migrated database."""

import pytest
from sqlalchemy import func, select, text

from statements.extensions import db
from statements.operations.copying import copy_installation
from statements.operations.installation import Refused
from tests.operations.installations import check_app_works, databases, fill, table_rows  # noqa: F401

TARGETS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("kind", TARGETS)
def test_every_row_is_copied_with_its_ids_and_the_app_runs_on_the_copy(databases, kind):
    source = databases.app(databases.sqlite("source"))
    fill(source)
    target_url = databases.url(kind, "target")
    target = databases.app(target_url)

    result = source.test_cli_runner().invoke(args=["data", "copy-to", target_url])

    assert result.exit_code == 0, result.output
    assert "signon" in result.output and "321 rows" in result.output
    assert "Copied" in result.output and "password" not in result.output.lower()
    for table in db.metadata.sorted_tables:
        rows = table_rows(source, table)
        assert rows, f"the test installation should have rows in {table.name}"
        assert table_rows(target, table) == rows, f"{table.name} differs after the copy"
    for app in (source, target):
        with app.app_context(), db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0008"]
    check_app_works(target)
    check_new_rows_get_fresh_ids(target)


def check_new_rows_get_fresh_ids(app) -> None:
    from statements.accounts.models import User
    from statements.comments import services as comments
    from statements.comments.models import Comment, Thread
    from statements.drafts import services as drafts
    from statements.drafts.models import Revision, Statement

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                column = table.autoincrement_column
                if column is None:
                    continue
                sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                             {"t": table.name, "c": column.name})
                last = db.session.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
                assert tuple(last) == (db.session.scalar(select(func.max(column))), True), table.name
        highest = {model: db.session.scalar(select(func.max(model.id))) for model in (Revision, Comment)}
        member = db.session.scalar(select(User).where(User.email_normalized == "member@example.org"))
        statement = db.session.scalar(select(Statement).where(Statement.slug == "no-one-left-behind"))
        text_after = drafts.current_text(statement) + "\n\nOne more line."
        revision = drafts.save_revision(member, statement, statement.latest_number, text_after, "After the move").revision
        thread = db.session.scalar(select(Thread).where(Thread.statement_id == statement.id).order_by(Thread.id))
        comment = comments.reply(member, thread, "Written after the move.")
        db.session.commit()
        assert (revision.id, comment.id) == (highest[Revision] + 1, highest[Comment] + 1)


def test_a_target_with_data_is_refused_and_left_as_it_was(databases):
    source = databases.app(databases.sqlite("source"))
    fill(source)
    target = databases.app(databases.sqlite("target"))
    with target.app_context():
        from statements.demo import load_demo

        load_demo()
        db.session.commit()
    before = {table.name: len(table_rows(target, table)) for table in db.metadata.sorted_tables}

    result = source.test_cli_runner().invoke(args=["data", "copy-to", databases.sqlite("target")])

    assert result.exit_code == 1
    assert "Error: The target database already holds data (in organization" in result.output
    assert "Nothing was written." in result.output and "Traceback" not in result.output
    assert {table.name: len(table_rows(target, table)) for table in db.metadata.sorted_tables} == before


@pytest.mark.postgres
def test_a_postgresql_target_with_data_is_refused(databases):
    source = databases.app(databases.sqlite("source"))
    fill(source)
    target_url = databases.postgres()
    databases.app(target_url)
    with source.app_context():
        copy_installation(target_url)
        with pytest.raises(Refused, match="already holds data"):
            copy_installation(target_url)


def test_a_target_not_migrated_or_at_another_migration_is_refused(databases):
    source = databases.app(databases.sqlite("source"))
    fill(source)
    bare_url = databases.sqlite("bare")
    databases.app(bare_url, migrated=False)
    older_url = databases.sqlite("older")
    older = databases.app(older_url)
    with older.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))

    with source.app_context():
        with pytest.raises(Refused, match=r"The target database has not been migrated .* "
                                          r"Run `DATABASE_URL=<its URL> flask --app wsgi db upgrade` first"):
            copy_installation(bare_url)
        with pytest.raises(Refused, match="is at migration 0005, but this release is at 0008"):
            copy_installation(older_url)
        with pytest.raises(Refused, match="is not a database URL"):
            copy_installation("not a url")
        with pytest.raises(Refused, match="is not a database URL"):
            copy_installation("postgresql+pg8000://someone@localhost/statements")  # a driver not installed
    assert table_rows(older, db.metadata.tables["organization"]) == []


def test_rows_are_read_and_written_a_batch_at_a_time(databases, monkeypatch):
    from statements.operations import copying, installation

    source = databases.app(databases.sqlite("source"))
    fill(source)
    target = databases.app(databases.sqlite("target"))
    monkeypatch.setattr(installation, "BATCH", 7)
    batches = []

    def counting_insert(connection, table, rows, waiting):
        batches.append((table.name, len(rows)))
        return installation.insert_rows(connection, table, rows, waiting)

    monkeypatch.setattr(copying, "insert_rows", counting_insert)
    with source.app_context():
        copy_installation(databases.sqlite("target"))

    assert max(size for _, size in batches) == 7
    assert [size for name, size in batches if name == "signon"] == [7] * 45 + [6]
    for table in db.metadata.sorted_tables:
        assert table_rows(target, table) == table_rows(source, table), f"{table.name} differs after the copy"
