"""`flask data export` and `flask data import`: a documented JSON file, round trip, and refusals of bad input."""

import base64
import json

import pytest
from sqlalchemy import text

from statements.extensions import db
from statements.operations.dataset import EXCLUDED_TABLES
from statements.operations.installation import schema_head
from tests.operations.installations import LOGO, check_app_works, databases, fill, table_rows  # noqa: F401

TARGETS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def export(app, path) -> dict:
    result = app.test_cli_runner().invoke(args=["data", "export", str(path)])
    assert result.exit_code == 0, result.output
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def import_(app, path):
    return app.test_cli_runner().invoke(args=["data", "import", str(path)])


def all_rows(app) -> dict:
    return {table.name: table_rows(app, table) for table in db.metadata.sorted_tables}


@pytest.fixture
def exported(databases, tmp_path):
    """A filled installation and its export."""
    source = databases.app(databases.sqlite("source"))
    fill(source)
    return source, tmp_path / "network.json", export(source, tmp_path / "network.json")


def test_the_export_is_the_documented_format(exported):
    source, path, document = exported
    assert list(document) == ["format", "version", "exported_at", "schema_revision", "tables"]
    with source.app_context():
        head = schema_head()
    assert (document["format"], document["version"], document["schema_revision"]) == ("statements-export", 1, head)
    assert document["exported_at"].endswith("+00:00")
    assert set(document["tables"]) == {t.name for t in db.metadata.sorted_tables} - EXCLUDED_TABLES
    assert len(document["tables"]["signon"]) == 321
    settings = document["tables"]["network_settings"][0]
    assert base64.b64decode(settings["logo"]) == LOGO and settings["name"] == "Réseau · شبكة"
    observer = next(u for u in document["tables"]["user_account"] if u["email"] == "observer@example.org")
    assert observer["last_login_at"] == "2026-03-01T07:30:15.123456+00:00"  # given at +05:00, kept in UTC
    assert observer["password_hash"].startswith("pbkdf2:")
    assert {"user_id": observer["id"], "kind": "mention", "choice": "off"} in document["tables"]["notification_preference"]
    assert isinstance(document["tables"]["audit_event"][0]["details"], dict)
    assert path.stat().st_mode & 0o077 == 0, "the export holds password hashes: owner only"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 400 and lines[-1] == "}}", "one row a line, so a file is easy to read and compare"


@pytest.mark.parametrize("kind", TARGETS)
def test_export_import_export_gives_the_same_document_and_the_app_works(exported, databases, tmp_path, kind):
    source, path, first = exported
    target = databases.app(databases.url(kind, "target"))

    result = import_(target, path)

    assert result.exit_code == 0, result.output
    assert "Imported 560 rows" in result.output
    second = export(target, tmp_path / "again.json")
    first.pop("exported_at"), second.pop("exported_at")
    assert second == first
    source_rows, target_rows = all_rows(source), all_rows(target)
    for name in source_rows:
        if name not in EXCLUDED_TABLES:
            assert target_rows[name] == source_rows[name], f"{name} differs after the import"
    assert target_rows["export_file"] == []  # caches: made again on demand
    check_app_works(target)
    with target.app_context():  # new rows get fresh ids
        from statements.accounts.models import Organization

        organization = Organization(name="After the import", country="KE", org_type="ngo")
        db.session.add(organization)
        db.session.commit()
        assert organization.id == max(row[0] for row in source_rows["organization"]) + 1


@pytest.fixture
def empty(databases):
    return databases.app(databases.sqlite("empty"))


def refused(app, path, message: str) -> None:
    """The import stopped with this message, no traceback, and the installation is still empty."""
    result = import_(app, path)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and message in result.output, result.output
    assert "Traceback" not in result.output and "Nothing was imported." in result.output
    assert all(rows == [] for rows in all_rows(app).values())


def test_files_that_are_not_exports_are_refused(empty, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("name,country\nKadın Emeği Kolektifi,TR\n")
    refused(empty, bad, "is not a JSON file (Expecting value: line 1 column 1")
    bad.write_bytes(b"\xff\xfe\x00garbage")
    refused(empty, bad, "is not a JSON file")
    bad.write_text('{"organizations": []}')
    refused(empty, bad, 'is JSON, but not a Statements export: it should start with {"format": "statements-export"')
    bad.write_text('[1, 2, 3]')
    refused(empty, bad, "not a Statements export")
    refused(empty, tmp_path / "missing.json", "There is no file at")
    refused(empty, tmp_path, "cannot be read (Is a directory)")


def test_another_version_or_schema_revision_is_refused(exported, empty, tmp_path):
    _, path, document = exported
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps({**document, "version": 2}))
    refused(empty, changed, "is in export format version 2; this release reads version 1 only")
    changed.write_text(json.dumps({**document, "schema_revision": "0005"}))
    with empty.app_context():
        head = schema_head()
    refused(empty, changed, f"was exported at schema revision '0005', this installation is at {head}")
    tables = dict(document["tables"], surprise=[])
    changed.write_text(json.dumps({**document, "tables": tables}))
    refused(empty, changed, "does not hold this release's tables (unknown: surprise; missing: none)")


def test_bad_rows_are_refused_and_nothing_is_written(exported, empty, tmp_path):
    _, path, document = exported
    changed = tmp_path / "changed.json"

    def with_signon(**values):
        rows = [dict(row) for row in document["tables"]["signon"]]
        rows[-1].update(values)
        changed.write_text(json.dumps({**document, "tables": {**document["tables"], "signon": rows}}))

    # the sign-ons come last: every other table has been written by then, and must be rolled back
    with_signon(created_at="yesterday")
    refused(empty, changed, "Row 321 of signon: created_at should be a date and time with its UTC offset")
    with_signon(created_at="2026-11-28T12:00:00")
    refused(empty, changed, "created_at should be a date and time with its UTC offset")
    with_signon(authorized="yes")
    refused(empty, changed, "Row 321 of signon: authorized should be boolean, not str")
    with_signon(id=1)
    refused(empty, changed, "do not fit together (UNIQUE constraint failed: signon.id), so the import was rolled back")
    with_signon(revision_id=99999)
    refused(empty, changed, "do not fit together")
    with_signon(surprise=1)
    refused(empty, changed, "Row 321 of signon should be an object with exactly the columns id, statement_id")
    settings = [dict(document["tables"]["network_settings"][0], logo="not base64!")]
    changed.write_text(json.dumps({**document, "tables": {**document["tables"], "network_settings": settings}}))
    refused(empty, changed, "Row 1 of network_settings: logo should be base64 text")


def test_an_installation_with_data_or_not_migrated_is_refused(exported, databases):
    _, path, _ = exported
    filled = databases.app(databases.sqlite("filled"))
    with filled.app_context():
        from statements.demo import load_demo

        load_demo()
        db.session.commit()
    before = all_rows(filled)
    result = import_(filled, path)
    assert result.exit_code == 1
    assert "Error: This installation's database already holds data (in organization" in result.output
    assert all_rows(filled) == before

    bare = databases.app(databases.sqlite("bare"), migrated=False)
    result = import_(bare, path)
    assert result.exit_code == 1 and "has not been migrated" in result.output and "db upgrade" in result.output
    with bare.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM sqlite_master")).all() == []


def test_an_export_never_overwrites_a_file(exported):
    source, path, _ = exported
    before = path.read_bytes()
    result = source.test_cli_runner().invoke(args=["data", "export", str(path)])
    assert result.exit_code == 1 and "already exists. Choose a new file name." in result.output
    assert path.read_bytes() == before
    result = source.test_cli_runner().invoke(args=["data", "export", str(path.parent / "nowhere" / "x.json")])
    assert result.exit_code == 1 and "does not exist. Create it first." in result.output
