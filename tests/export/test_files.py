"""Making each file once and serving it from disk: the cache, requests at the same moment, a
failed file, the progress page, the public PDF and the print view."""

import re
import threading

import pytest
from sqlalchemy import event, select

from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.export import pdf, services
from statements.export.models import ExportFile
from statements.extensions import db
from statements.signons import services as signons
from tests.export.build import coordinator, files_in_folder, make, open_statement, publish, sign, wait_for_files
from tests.export.pdfs import text_of

PDF_A4 = {"kind": "pdf", "group_by": "country", "page_size": "a4"}


def _export_address(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert re.fullmatch(r"/exports/\d+", location), location
    return location


def test_a_second_request_gets_the_same_file_without_laying_it_out_again(app, client, world, renders):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        statement_id = statement.id
    client.login(world.emails["coordinator"])

    first = _export_address(client.submit(f"/statements/{statement_id}/export", PDF_A4))
    wait_for_files()
    assert "Your file is ready" in client.get(first).get_data(as_text=True)
    content = client.get(first + "/download").data
    second = _export_address(client.submit(f"/statements/{statement_id}/export", PDF_A4))
    wait_for_files()

    assert second == first
    assert renders == ["pdf"]
    again = client.get(second + "/download")
    assert again.status_code == 200 and again.mimetype == "application/pdf"
    assert again.data == content
    assert "Red de Mujeres Migrantes" in text_of(content)


def test_other_options_make_another_file(app, world, renders):
    with app.app_context():
        statement = open_statement(world)
        first, _ = make(statement)
        letter, _ = make(statement, page_size="letter")
        word, _ = make(statement, kind="docx")
        assert len({first.id, letter.id, word.id}) == 3
    assert renders == ["pdf", "pdf", "docx"]


def test_a_new_approval_makes_a_new_file(app, world, renders):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        before, _ = make(statement)
        sign(world, statement, "Kenya Domestic Workers Union", "KE")
        after, content = make(statement)
        assert after.id != before.id
        assert make(statement)[0].id == after.id
    assert renders == ["pdf", "pdf"]
    assert "Kenya Domestic Workers Union" in text_of(content)


def test_a_withdrawal_makes_a_new_file_without_the_name(app, world, renders):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes")
        leaving = sign(world, statement, "Kenya Domestic Workers Union", "KE")
        before, _ = make(statement)
        signons.withdraw(leaving)
        db.session.commit()
        after, content = make(statement)
        assert after.id != before.id
    assert renders == ["pdf", "pdf"]
    text = text_of(content)
    assert "Kenya Domestic Workers Union" not in text and "Signed by 1 organization" in text


def test_a_new_title_makes_a_new_file(app, world, renders):
    with app.app_context():
        statement = open_statement(world, title="Protection for people who move")
        before, _ = make(statement)
        drafts.update_details(coordinator(world), statement, "Legal protection for people who move",
                              statement.slug, "en", statement.summary)
        db.session.commit()
        after, content = make(statement)
        assert after.id != before.id
    assert renders == ["pdf", "pdf"]
    assert "Legal protection for people who move" in text_of(content)


def test_a_new_layout_makes_new_files_of_statements_already_exported(app, world, renders, monkeypatch):
    with app.app_context():
        statement = open_statement(world)
        before, _ = make(statement)
        monkeypatch.setattr(services, "LAYOUT_VERSION", services.LAYOUT_VERSION + 1)
        after, _ = make(statement)
        assert after.id != before.id
    assert renders == ["pdf", "pdf"]


def test_two_requests_at_the_same_moment_start_one_file(app, make_client, world, renders):
    """Both requests look for the file before either stores its row; the unique key lets one in."""
    with app.app_context():
        statement_id = open_statement(world).id
    clients = [make_client(), make_client()]
    for client in clients:
        client.login(world.emails["coordinator"])
        client.get(f"/statements/{statement_id}/export")

    both_looked = threading.Barrier(2, timeout=10)
    met = []

    def before_flush(session, context, instances):
        if any(isinstance(item, ExportFile) for item in session.new):
            try:
                both_looked.wait()
                met.append(True)
            except threading.BrokenBarrierError:
                pass

    answers = [None, None]

    def ask(number):
        answers[number] = clients[number].submit(f"/statements/{statement_id}/export", PDF_A4)

    event.listen(db.session, "before_flush", before_flush)
    try:
        threads = [threading.Thread(target=ask, args=(number,)) for number in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(db.session, "before_flush", before_flush)
    wait_for_files()

    assert met == [True, True], "the two requests did not meet: the test did not make them race"
    assert _export_address(answers[0]) == _export_address(answers[1])
    assert renders == ["pdf"]
    with app.app_context():
        assert len(db.session.scalars(select(ExportFile).where(ExportFile.statement_id == statement_id)).all()) == 1


def test_two_requests_at_the_same_moment_after_a_failure_make_it_again_once(app, world, monkeypatch, renders):
    with app.app_context():
        statement_id = open_statement(world).id
        broken = pytest.MonkeyPatch()
        broken.setattr(pdf, "render_pdf", _fail)
        export, started = services.request_export(db.session.get(Statement, statement_id))
        services.make_file(export.id)
        broken.undo()
        export_id = export.id
        assert db.session.get(ExportFile, export_id).status == "failed"

    both_read = threading.Barrier(2, timeout=10)
    real_stale = services._stale

    def stale_after_both_read(row):
        answer = real_stale(row)
        both_read.wait()
        return answer

    monkeypatch.setattr(services, "_stale", stale_after_both_read)
    answers = []

    def ask():
        with app.app_context():
            row, started = services.request_export(db.session.get(Statement, statement_id))
            answers.append((row.id, started))
            db.session.remove()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(started for _, started in answers) == [False, True]
    assert [row_id for row_id, _ in answers] == [export_id, export_id]


def _fail(*args, **kwargs):
    raise RuntimeError("the layout ran out of memory")


def test_a_failed_file_says_so_offers_to_try_again_and_is_never_served(app, client, world, monkeypatch):
    with app.app_context():
        statement_id = open_statement(world).id
    client.login(world.emails["coordinator"])
    monkeypatch.setattr(pdf, "render_pdf", _fail)

    address = _export_address(client.submit(f"/statements/{statement_id}/export", PDF_A4))
    wait_for_files()
    page = client.get(address).get_data(as_text=True)
    assert "The file could not be made" in page
    assert f'href="/statements/{statement_id}/export">Try again</a>' in page
    assert "/download" not in page
    download = client.get(address + "/download")
    assert download.status_code == 302 and download.headers["Location"] == address
    assert not download.data.startswith(b"%PDF")
    with app.app_context():
        export = db.session.get(ExportFile, int(address.rsplit("/", 1)[1]))
        assert export.status == "failed" and export.file_name is None and "RuntimeError" in export.error
        assert files_in_folder() == []

    monkeypatch.undo()
    again = _export_address(client.submit(f"/statements/{statement_id}/export", PDF_A4))
    wait_for_files()
    assert again == address
    assert client.get(address + "/download").data.startswith(b"%PDF-")


def test_the_progress_page_while_the_file_is_being_made(app, client, world):
    address = f"/exports/{world.export_id}"  # asked for, not made yet
    client.login(world.emails["coordinator"])

    page = client.get(address).get_data(as_text=True)
    assert "Making the file…" in page
    assert f'<a href="{address}">Check again</a>' in page
    assert f'data-check="{address}"' in page and "js/export-progress.js" in page  # shows the file when ready
    assert "/download" not in page
    download = client.get(address + "/download", follow_redirects=True)
    assert download.request.path == address
    assert "That file is not ready yet." in download.get_data(as_text=True)


def test_the_public_pdf_is_there_only_once_the_statement_is_published(app, make_client, world):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres Migrantes", contact_email="maria@private-mail.example")
        slug, statement_id = statement.slug, statement.id
        draft_slug = db.session.get(Statement, world.statement_id).slug
    anyone = make_client()

    assert anyone.get(f"/s/{draft_slug}/statement.pdf").status_code == 404
    assert anyone.get(f"/s/{slug}/statement.pdf").status_code == 404  # sign-on is open
    with app.app_context():
        publish(world, db.session.get(Statement, statement_id))

    waiting = anyone.get(f"/s/{slug}/statement.pdf")
    assert waiting.status_code == 202 and "Making the file" in waiting.get_data(as_text=True)
    assert f"/statements/{statement_id}/export" not in waiting.get_data(as_text=True)  # nothing for staff
    wait_for_files()
    answer = anyone.get(f"/s/{slug}/statement.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment") and f"{slug}.pdf" in answer.headers[
        "Content-Disposition"]
    text = text_of(answer.data)
    assert "Red de Mujeres Migrantes" in text and "DRAFT" not in text and "private-mail" not in text


def test_the_print_view_shows_the_statement_and_names_without_contact_details(app, client, world):
    with app.app_context():
        statement = open_statement(world)
        sign(world, statement, "Red de Mujeres <Migrantes> & Co", contact_email="maria@private-mail.example",
             contact_name="María Contact Person")
        statement_id = statement.id
    client.login(world.emails["member"])

    page = client.get(f"/statements/{statement_id}/print").get_data(as_text=True)
    assert "Red de Mujeres &lt;Migrantes&gt; &amp; Co" in page
    assert "Governments must <strong>guarantee</strong> legal protection" in page
    assert "private-mail" not in page and "María Contact Person" not in page
