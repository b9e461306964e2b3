"""What caches may keep: nothing sent to a logged-in person (files with names, contact lists, drafts), and
public files only as long as they are still true: a withdrawal changes the public PDF's ETag at once."""

import pytest

from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import services as signons
from tests.export.build import open_statement, publish, sign, wait_for_files
from tests.export.pdfs import text_of

PRIVATE = "private, no-store"


def logged_in(make_client, world, role):
    client = make_client()
    client.login(world.emails[role])
    return client


def made_file(client, statement_id, kind):
    """Ask for an export from the form, wait for it, and download it."""
    response = client.submit(f"/statements/{statement_id}/export", {"kind": kind, "group_by": "country",
                                                                      "page_size": "a4"})
    assert response.status_code == 302
    wait_for_files()
    return client.get(response.headers["Location"] + "/download")


def published_with_two_signatories(app, world) -> tuple[str, int]:
    """A published statement signed by two organizations: its address, and the second one's sign-on."""
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        leaving = sign(world, statement, "Kenya Domestic Workers Union", "KE")
        publish(world, statement)
        return statement.slug, leaving.id


def first_pdf(client, slug: str):
    """The public PDF as its first reader gets it: being made, then made."""
    assert client.get(f"/s/{slug}/statement.pdf").status_code == 202
    wait_for_files()
    return client.get(f"/s/{slug}/statement.pdf")


@pytest.fixture
def draft_with_names(app, world):
    """A final statement with sign-on open (its files name the signatories) and its list kept private."""
    with app.app_context():
        statement = open_statement(world)
        statement.signon_list_hidden = True
        db.session.commit()
        sign(world, statement, "Red de Mujeres Migrantes", contact_email="maria@private-mail.example")
        return statement.id


@pytest.mark.parametrize("role", ["coordinator", "admin"])
@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_files_downloaded_by_coordinators_and_staff_are_private_and_not_stored(make_client, world,
                                                                               draft_with_names, role, kind):
    download = made_file(logged_in(make_client, world, role), draft_with_names, kind)
    assert download.status_code == 200 and download.data
    assert download.headers["Cache-Control"] == PRIVATE
    assert "public" not in download.headers["Cache-Control"] and "Expires" not in download.headers


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_the_list_with_contacts_is_private_and_not_stored(make_client, world, draft_with_names, role):
    response = logged_in(make_client, world, role).get(f"/statements/{draft_with_names}/signons.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("role", ["observer", "member", "coordinator", "admin"])
def test_every_page_for_a_logged_in_person_is_private_and_not_stored(make_client, world, draft_with_names, role):
    client = logged_in(make_client, world, role)
    with client.application.app_context():
        slug = db.session.get(Statement, draft_with_names).slug
    paths = [f"/statements/{draft_with_names}/print", f"/statements/{draft_with_names}", f"/s/{slug}",
             f"/s/{slug}/signatories", f"/s/{slug}/signatories.json", f"/api/v1/statements/{slug}/signatories"]
    if role in ("coordinator", "admin"):
        paths += [f"/statements/{draft_with_names}/signons", f"/statements/{draft_with_names}/export"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == PRIVATE, path


def test_a_withdrawal_changes_the_public_pdf_at_once_for_caches_that_kept_it(app, make_client, world):
    slug, leaving_id = published_with_two_signatories(app, world)
    anyone = make_client()
    first = first_pdf(anyone, slug)
    assert first.status_code == 200 and "Kenya Domestic Workers Union" in text_of(first.data)
    # caches may keep it, but must ask each time whether it is still the one: an unchanged file is not sent again
    assert first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    assert anyone.get(f"/s/{slug}/statement.pdf", headers={"If-None-Match": etag}).status_code == 304

    with app.app_context():
        signons.withdraw(db.session.get(signons.SignOn, leaving_id))
        db.session.commit()
    asked_again = anyone.get(f"/s/{slug}/statement.pdf", headers={"If-None-Match": etag})
    assert asked_again.status_code == 202  # the old file is not confirmed: a new one is being made
    assert asked_again.headers["Cache-Control"] == "no-store"
    wait_for_files()
    fresh = anyone.get(f"/s/{slug}/statement.pdf", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    text = text_of(fresh.data)
    assert "Kenya Domestic Workers Union" not in text and "Red de Mujeres Migrantes" in text


def test_open_data_is_kept_a_minute_at_most_and_a_withdrawal_changes_its_etag(app, client, world):
    with app.app_context():
        statement = open_statement(world)
        leaving = sign(world, statement, "Kenya Domestic Workers Union", "KE")
        slug, leaving_id = statement.slug, leaving.id
    paths = [f"/s/{slug}/signatories.json", f"/s/{slug}/signatories.csv", f"/api/v1/statements/{slug}/signatories",
             f"/api/v1/statements/{slug}", f"/s/{slug}/badge.svg"]
    before = {}
    for path in paths:
        response = client.get(path)
        assert response.headers["Cache-Control"] == "public, max-age=60", path
        before[path] = response.headers["ETag"]
        assert client.get(path, headers={"If-None-Match": before[path]}).status_code == 304, path

    with app.app_context():
        signons.withdraw(db.session.get(signons.SignOn, leaving_id))
        db.session.commit()
    for path in paths:
        response = client.get(path, headers={"If-None-Match": before[path]})
        assert response.status_code == 200 and response.headers["ETag"] != before[path], path
        assert "Kenya Domestic Workers Union" not in response.get_data(as_text=True), path


def test_the_public_pdf_asked_again_within_seconds_is_sent_without_reading_the_database(app, make_client, world,
                                                                                          count_queries):
    slug, leaving_id = published_with_two_signatories(app, world)
    anyone = make_client()
    first = first_pdf(anyone, slug)
    assert first.status_code == 200
    with count_queries() as counted:
        again = anyone.get(f"/s/{slug}/statement.pdf")
        unchanged = anyone.get(f"/s/{slug}/statement.pdf", headers={"If-None-Match": first.headers["ETag"]})
    assert counted[0] == 0
    assert again.status_code == 200 and again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert again.headers["Cache-Control"] == "public, no-cache"
    assert unchanged.status_code == 304
    assert anyone.get(f"/s/{slug}/statement.docx").status_code == 202  # another file: its own address

    with app.app_context():  # a change committed through this process is seen by the next request
        signons.withdraw(db.session.get(signons.SignOn, leaving_id))
        db.session.commit()
    assert anyone.get(f"/s/{slug}/statement.pdf").status_code == 202
    wait_for_files()
    fresh = anyone.get(f"/s/{slug}/statement.pdf")
    assert fresh.status_code == 200 and "Kenya Domestic Workers Union" not in text_of(fresh.data)


def test_a_public_file_removed_from_disk_is_looked_up_again_not_a_crash(app, make_client, world):
    from pathlib import Path

    from statements.export.models import ExportFile
    from statements.export.services import export_folder

    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        publish(world, statement)
        slug = statement.slug
    anyone = make_client()
    anyone.get(f"/s/{slug}/statement.pdf")
    wait_for_files()
    assert anyone.get(f"/s/{slug}/statement.pdf").status_code == 200
    with app.app_context():
        for export in db.session.query(ExportFile).filter(ExportFile.file_name.is_not(None)):
            Path(export_folder(), export.file_name).unlink()
    assert anyone.get(f"/s/{slug}/statement.pdf").status_code in (200, 202)
