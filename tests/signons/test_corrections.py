"""Correcting a published statement: a new published revision, marked "corrected on" with its changes on the
public page, the API and the PDF; approved signatories told by mail in their language; one list kept."""

import pytest
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.drafts.models import TEXT_MAX, Correction, Revision, Statement
from statements.extensions import db
from statements.signons import services as signons
from statements.signons.models import SignOn
from tests.export.build import TEXT, open_statement, sign
from tests.export.build import publish as publish_statement
from tests.export.build import wait_for_files
from tests.export.pdfs import flat, text_of as pdf_text
from tests.signons.pages import flashes, plain

CORRECTED = TEXT.replace("floods, droughts and\nrising seas", "floods, droughts, fires and\nrising seas")
NOTE = "Added fires to the list of disasters"


def words(response) -> str:
    return plain(response.get_data(as_text=True))


@pytest.fixture
def published(app, world):
    """A published statement with two approved signatories (one signed in Spanish), one pending and one withdrawn."""
    with app.app_context():
        statement = open_statement(world, slug="protection-for-people-who-move")
        sign(world, statement, "Red de Mujeres Migrantes", contact_email="maria@redmujeres.example")
        spanish = sign(world, statement, "Sindicato del Hogar", country="MX", contact_email="lucia@sindicato.example")
        spanish.language = "es"
        sign(world, statement, "Waiting Union", contact_email="wait@waiting.example", approve=False)
        gone = sign(world, statement, "Gone Union", contact_email="gone@gone.example")
        signons.withdraw(gone)
        db.session.commit()
        publish_statement(world, statement)
        return statement.id


@pytest.fixture
def coordinator(make_client, world):
    client = make_client()
    client.login(world.emails["coordinator"])
    return client


def hidden_value(page: str, name: str) -> str:
    return page.split(f'name="{name}"', 1)[1].split('value="', 1)[1].split('"', 1)[0]


def preview(client, statement_id: int, text: str = CORRECTED, note: str = NOTE, base: str | None = None):
    if base is None:
        base = hidden_value(client.get(f"/statements/{statement_id}/correct").get_data(as_text=True), "base")
    return client.submit(f"/statements/{statement_id}/correct",
                         {"base": base, "text": text, "note": note, "preview": "1"})


def correct(client, statement_id: int, text: str = CORRECTED, note: str = NOTE, base: str | None = None):
    """Preview the correction, then send it as previewed (the answer to the preview when it is refused)."""
    shown = preview(client, statement_id, text, note, base)
    if shown.status_code != 200:
        return shown
    page = shown.get_data(as_text=True)
    return client.submit(f"/statements/{statement_id}/correct",
                         {"base": hidden_value(page, "base"), "text": text, "note": note,
                          "previewed": hidden_value(page, "previewed"), "send": "1"})


def stored(app, statement_id: int) -> dict:
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        return {"state": statement.state, "latest": statement.latest_number,
                "final": statement.final_revision.number,
                "corrections": db.session.scalar(select(func.count()).select_from(Correction)
                                                 .where(Correction.statement_id == statement_id)),
                "signons": db.session.scalar(select(func.count()).select_from(SignOn)
                                             .where(SignOn.statement_id == statement_id))}


def test_a_correction_publishes_a_new_revision_and_keeps_the_one_list(app, coordinator, published):
    page = coordinator.get(f"/statements/{published}").get_data(as_text=True)
    assert f'href="/statements/{published}/correct"' in page and "Correct the published text" in page
    form = coordinator.get(f"/statements/{published}/correct")
    assert form.status_code == 200 and "rising seas" in form.get_data(as_text=True)
    before = stored(app, published)
    response = correct(coordinator, published)
    assert response.status_code == 302
    assert "The corrected text is published as revision 2. 2 signatories were told by email." in flashes(
        coordinator.get(response.headers["Location"]).get_data(as_text=True))
    after = stored(app, published)
    assert after == {**before, "latest": 2, "final": 2, "corrections": 1}
    assert after["state"] == "published"
    with app.app_context():
        correction = db.session.scalar(select(Correction))
        assert correction.note == NOTE and correction.previous_revision.number == 1
        assert db.session.get(Revision, correction.revision_id).note == NOTE
    lifecycle = words(coordinator.get(f"/statements/{published}")).split("Lifecycle", 1)[1]
    assert f"Coordinator Person corrected the published text (revision 2): “{NOTE}”" in lifecycle


def test_the_public_page_says_corrected_on_and_shows_the_changes(app, client, coordinator, published):
    assert "Corrected on" not in words(client.get("/s/protection-for-people-who-move"))  # kept for visitors
    correct(coordinator, published)
    page = words(client.get("/s/protection-for-people-who-move"))
    assert "Corrected on" in page and NOTE in page and "See what changed" in page
    assert "droughts, fires and rising seas" in page
    changes = client.get("/s/protection-for-people-who-move/corrections")
    assert changes.status_code == 200
    assert "<ins>fires</ins>" in changes.get_data(as_text=True).replace("<ins>, fires</ins>", "<ins>fires</ins>") \
        or "fires" in changes.get_data(as_text=True).split("<ins>", 1)[1].split("</ins>", 1)[0]
    assert NOTE in words(changes) and "1 word added" in words(changes)
    api = client.get("/api/v1/statements/protection-for-people-who-move").get_json()
    assert api["final_revision"] == 2 and "fires" in api["text_markdown"] and api["corrected_at"]
    assert api["count"] == 2  # the one list, as before


def test_a_statement_never_corrected_says_so(client, published):
    assert "The published text has not been corrected." in words(client.get(
        "/s/protection-for-people-who-move/corrections"))
    assert client.get("/api/v1/statements/protection-for-people-who-move").get_json()["corrected_at"] is None
    assert "Corrected on" not in words(client.get("/s/protection-for-people-who-move"))


def test_the_public_pdf_is_made_again_with_the_corrected_text(app, client, coordinator, published):
    assert client.get("/s/protection-for-people-who-move/statement.pdf").status_code == 202
    wait_for_files()
    first = client.get("/s/protection-for-people-who-move/statement.pdf")
    assert first.status_code == 200 and "fires" not in flat(pdf_text(first.data))
    correct(coordinator, published)
    waiting = client.get("/s/protection-for-people-who-move/statement.pdf")
    assert waiting.status_code == 202  # a new file, not the old one from its cache
    wait_for_files()
    second = client.get("/s/protection-for-people-who-move/statement.pdf")
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    text = flat(pdf_text(second.data))
    assert "droughts, fires and rising seas" in text and "Red de Mujeres Migrantes" in text


def test_approved_signatories_are_told_by_mail_in_their_language(app, coordinator, published, mailbox):
    mailbox.deliver()
    mailbox.messages.clear()
    correct(coordinator, published)
    mailbox.deliver()
    told = sorted(message["To"] for message in mailbox.messages)
    assert told == ["lucia@sindicato.example", "maria@redmujeres.example"]  # not the pending, not the withdrawn
    [english] = mailbox.to("maria@redmujeres.example")
    assert english["Subject"] == "The published statement “Protection for people who move” was corrected"
    body = mailbox.body(english)
    assert NOTE in body and "{+fires+}" in body.replace("{+, fires+}", "{+fires+}").replace("{+fires, +}", "{+fires+}")
    assert "/s/protection-for-people-who-move/corrections" in body and "/withdraw/" in body
    [spanish] = mailbox.to("lucia@sindicato.example")
    assert spanish["Subject"] == "Se corrigió la declaración publicada «Protection for people who move»"
    assert "Hola" in mailbox.body(spanish) and "Qué se corrigió: " + NOTE in mailbox.body(spanish)


@pytest.mark.parametrize("text, note, message", [
    (CORRECTED, "", "Say what you corrected and why: readers see this note."),
    (CORRECTED, "   ", "Say what you corrected and why: readers see this note."),
    (CORRECTED, "x" * 201, "Use at most 200 characters."),
    (TEXT, NOTE, "The text is the same as the published text: there is nothing to correct."),
    ("x" * (TEXT_MAX + 1), NOTE, "the limit is 200,000"),
])
def test_a_correction_that_cannot_be_made_is_refused_and_the_text_kept(app, coordinator, published, text, note,
                                                                      message):
    response = correct(coordinator, published, text, note)
    assert response.status_code == 400
    assert message in words(response)
    assert stored(app, published)["corrections"] == 0 and stored(app, published)["final"] == 1
    if len(text) < 1000:
        assert text.split("\n")[0] in response.get_data(as_text=True)


@pytest.mark.parametrize("base", ["", "abc", "99999999999999999999", "-1"])
def test_a_broken_form_is_refused(app, coordinator, published, base):
    response = correct(coordinator, published, base=base)
    assert response.status_code in (400, 409)
    assert stored(app, published)["corrections"] == 0


def _send_as_previewed(client, statement_id: int, page: str, text: str = CORRECTED, note: str = NOTE):
    return client.submit(f"/statements/{statement_id}/correct",
                         {"base": hidden_value(page, "base"), "text": text, "note": note,
                          "previewed": hidden_value(page, "previewed"), "send": "1"})


def test_sending_the_correction_twice_makes_one(app, coordinator, published, mailbox):
    mailbox.deliver()
    mailbox.messages.clear()
    page = preview(coordinator, published).get_data(as_text=True)
    first = _send_as_previewed(coordinator, published, page)
    again = _send_as_previewed(coordinator, published, page)  # a second click on the same button
    assert first.status_code == 302 and again.status_code == 302
    assert "This correction is already published." in flashes(
        coordinator.get(again.headers["Location"]).get_data(as_text=True))
    assert stored(app, published)["corrections"] == 1 and stored(app, published)["latest"] == 2
    mailbox.deliver()
    assert len(mailbox.messages) == 2  # each signatory told once


def test_a_correction_made_by_someone_else_meanwhile_keeps_this_text(app, make_client, world, coordinator,
                                                                      published):
    page = preview(coordinator, published, text=CORRECTED + "\nMine.\n").get_data(as_text=True)
    staff = make_client()
    staff.login(world.emails["admin"])
    assert correct(staff, published).status_code == 302
    again = _send_as_previewed(coordinator, published, page, text=CORRECTED + "\nMine.\n")
    assert again.status_code == 409
    assert "Someone corrected this text while you were editing." in words(again)
    assert "Mine." in again.get_data(as_text=True)  # kept, to compare and send again
    assert stored(app, published)["corrections"] == 1


def test_only_a_published_statement_is_corrected(app, coordinator, world):
    response = correct(coordinator, world.statement_id, base="2")
    assert response.status_code == 302
    assert "Only the text of a published statement can be corrected." in " ".join(flashes(
        coordinator.get(response.headers["Location"]).get_data(as_text=True)))
    assert coordinator.get(f"/statements/{world.statement_id}/correct").status_code == 302


@pytest.mark.parametrize("role, status", [("member", 403), ("observer", 403), ("outsider", 404)])
def test_only_coordinators_correct(app, make_client, world, published, role, status):
    client = make_client()
    client.login(world.emails[role])
    assert client.get(f"/statements/{published}/correct").status_code == status
    assert correct(client, published, base="1").status_code == status
    assert stored(app, published)["corrections"] == 0


def test_a_coordinator_of_another_group_cannot_correct(app, make_client, world, published):
    with app.app_context():
        other = db.session.scalar(select(User).where(User.email == world.emails["outsider"]))
        assert other is not None
    client = make_client()
    client.login(world.emails["outsider"])
    assert correct(client, published, base="1").status_code == 404
    assert client.get("/statements/99999999/correct").status_code == 404


def test_a_correction_with_many_changes_mails_the_first_ones_and_says_where_the_rest_are(
        app, coordinator, world, mailbox):
    filler = " ".join(f"word{number}" for number in range(40))
    long_text = "# Decent work\n\n" + "\n\n".join(f"Paragraph {number} says {filler}." for number in range(45))
    with app.app_context():
        statement = open_statement(world, title="Decent work everywhere", text=long_text, slug="decent-work")
        sign(world, statement, "Union of Many Changes", contact_email="office@many.example")
        db.session.commit()
        publish_statement(world, statement)
        statement_id = statement.id
    mailbox.deliver()
    corrected = correct(coordinator, statement_id, long_text.replace(" says ", " now says "), "Clearer verbs")
    assert corrected.status_code == 302
    mailbox.deliver()
    [told] = [m for m in mailbox.to("office@many.example") if "was corrected" in m["Subject"]]
    body = mailbox.body(told)
    assert body.count("now +}says") + body.count("{+ now+} says") == 30
    assert "These are the first 30 of 45 changed passages. The whole text is on the statement's page: " \
           "http://localhost/s/decent-work/corrections" in body
    assert "word39" not in body and len(body) < 8000
