"""Opening a statement and changing its details, with every refusal saying what to do."""

import pytest
from sqlalchemy import func, select

from statements.audit.models import AuditEvent
from statements.drafts.models import Statement
from statements.extensions import db
from tests.drafts.pages import flashes, stored_revision, stored_statement, stored_text, textarea


def new_statement_data(**changes):
    data = {"title": "Labour rights for migrant workers", "slug": "", "language": "es",
            "summary": "What we ask of governments.", "text": "# Derechos\n\nTrabajo decente para todas."}
    data.update(changes)
    return data


def statement_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Statement.id)))


def test_coordinator_opens_a_statement_with_its_first_revision(app, client, world):
    client.login(world.emails["coordinator"])
    response = client.submit(f"/groups/{world.group_id}/statements/new",
                             new_statement_data(title="Protección climática ya"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Protección climática ya” is open for drafting." in flashes(page)
    assert '<h1 dir="auto">Protección climática ya</h1>' in page
    assert "<h1>Derechos</h1>" in page
    assert 'lang="es"' in page
    with app.app_context():
        statement = db.session.scalar(select(Statement).where(Statement.title == "Protección climática ya"))
        assert (statement.slug, statement.language, statement.summary, statement.state, statement.latest_number) \
            == ("proteccion-climatica-ya", "es", "What we ask of governments.", "draft", 1)
        assert statement.group_id == world.group_id
        assert statement.created_by_id == world.user_ids["coordinator"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "statement.created",
                                                           AuditEvent.subject_id == statement.id))
        assert event.actor_id == world.user_ids["coordinator"]
        statement_id = statement.id
    first = stored_revision(app, statement_id, 1)
    assert (first["author_id"], first["note"], first["base_number"]) == (world.user_ids["coordinator"],
                                                                        "First draft", None)
    assert first["created_at"] is not None
    assert stored_text(app, statement_id) == "# Derechos\n\nTrabajo decente para todas."


def test_a_statement_can_start_empty(app, client, world):
    client.login(world.emails["admin"])
    response = client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(slug="empty-one", text=""))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No text yet." in page


def test_empty_title_is_refused_by_the_field(app, client, world):
    client.login(world.emails["coordinator"])
    before = statement_count(app)
    response = client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(title="   "))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give the statement a title." in page
    assert "Trabajo decente para todas." in textarea(page)
    assert statement_count(app) == before


def test_an_address_already_in_use_is_refused_and_what_was_typed_is_kept(app, client, world):
    client.login(world.emails["coordinator"])
    taken = stored_statement(app, world.statement_id)["slug"]
    before = statement_count(app)
    response = client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(slug=taken))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Another statement already uses the address “{taken}”. Choose another." in page
    assert 'value="Labour rights for migrant workers"' in page
    assert textarea(page) == "# Derechos\n\nTrabajo decente para todas."
    assert statement_count(app) == before


def test_a_title_whose_made_up_address_is_taken_is_refused_by_the_address_field(app, client, world):
    client.login(world.emails["coordinator"])
    first = client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(title="Same title"))
    assert first.status_code == 302
    second = client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(title="Same title!"))
    assert second.status_code == 400
    assert "Another statement already uses the address “same-title”" in second.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["climate now", "climate_now", "-climate", "climate-", "climate--now", "ñandú",
                                  "climate/now", "<script>", "a" * 81])
def test_an_address_with_characters_that_cannot_be_used_is_refused(app, client, world, slug):
    client.login(world.emails["coordinator"])
    before = statement_count(app)
    response = client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(slug=slug))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("Use only lower-case letters a–z, digits and single hyphens" in page
            or "Use at most 80 characters." in page)
    assert "<script>" not in page.split("<main", 1)[1]
    assert statement_count(app) == before


def test_an_address_in_capitals_is_stored_in_lower_case(app, client, world):
    client.login(world.emails["coordinator"])
    response = client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(slug="Climate-Now-2030"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Statement.slug).where(Statement.slug == "climate-now-2030"))


def test_a_first_draft_over_the_limit_is_refused_and_kept_in_the_form(app, client, world):
    client.login(world.emails["coordinator"])
    too_long = "Palabra " * 25_000 + "fin"  # 200,003 characters
    before = statement_count(app)
    response = client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(text=too_long))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The text is 200,003 characters long; the limit is 200,000." in page
    assert 'id="text-error"' in page
    assert textarea(page) == too_long
    assert statement_count(app) == before


def test_only_coordinators_and_staff_open_statements(app, client, world):
    before = statement_count(app)
    for role in ("member", "observer"):
        client.login(world.emails[role])
        assert client.get(f"/groups/{world.group_id}/statements/new").status_code == 403
        assert client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data()).status_code == 403
        client.submit("/logout")
    client.login(world.emails["outsider"])
    assert client.get(f"/groups/{world.group_id}/statements/new").status_code == 404
    assert statement_count(app) == before


def test_people_outside_the_group_do_not_see_the_statement(client, world):
    client.login(world.emails["outsider"])
    for path in ("", "/edit", "/history", "/compare", "/revisions/1"):
        assert client.get(f"/statements/{world.statement_id}{path}").status_code == 404
    assert client.get("/statements/999999").status_code == 404


def test_an_observer_reads_but_does_not_edit(client, world):
    client.login(world.emails["observer"])
    page = client.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert "People displaced by climate change need legal protection now." in page
    assert f"/statements/{world.statement_id}/edit" not in page
    assert client.get(f"/statements/{world.statement_id}/edit").status_code == 403
    response = client.submit(f"/statements/{world.statement_id}/edit", {"base": "2", "text": "Mine", "note": ""})
    assert response.status_code == 403


def test_coordinator_changes_the_details(app, client, world):
    client.login(world.emails["coordinator"])
    response = client.submit(f"/statements/{world.statement_id}/details",
                             {"title": "Protection now", "slug": "protection-now", "language": "fr",
                              "summary": "Short."})
    assert response.status_code == 302
    assert "The details are saved." in flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    stored = stored_statement(app, world.statement_id)
    assert (stored["title"], stored["slug"]) == ("Protection now", "protection-now")
    assert stored["latest_number"] == 2  # details are not a revision of the text


def test_details_refuse_an_empty_title_and_a_taken_address(app, client, world):
    client.login(world.emails["coordinator"])
    client.submit(f"/groups/{world.group_id}/statements/new", new_statement_data(slug="taken-address"))
    empty = client.submit(f"/statements/{world.statement_id}/details",
                          {"title": "", "slug": "fine", "language": "en", "summary": ""})
    assert empty.status_code == 400 and "Give the statement a title." in empty.get_data(as_text=True)
    taken = client.submit(f"/statements/{world.statement_id}/details",
                          {"title": "New title", "slug": "taken-address", "language": "en", "summary": ""})
    page = taken.get_data(as_text=True)
    assert taken.status_code == 400
    assert "Another statement already uses the address “taken-address”" in page
    assert 'value="New title"' in page
    assert stored_statement(app, world.statement_id)["title"] == "Climate displacement needs protection"


def test_members_cannot_change_the_details(app, client, world):
    client.login(world.emails["member"])
    response = client.submit(f"/statements/{world.statement_id}/details",
                             {"title": "Hijacked", "slug": "hijacked", "language": "en", "summary": ""})
    assert response.status_code == 403
    assert stored_statement(app, world.statement_id)["title"] == "Climate displacement needs protection"


def test_the_address_cannot_change_once_the_text_is_final(app, client, world):
    client.login(world.emails["coordinator"])
    client.submit(f"/statements/{world.statement_id}/transition", {"to": "final", "confirmed": "yes"})
    slug = stored_statement(app, world.statement_id)["slug"]
    page = client.get(f"/statements/{world.statement_id}/details").get_data(as_text=True)
    assert 'name="slug"' not in page  # shown, not offered
    assert f"<code class=\"break\">{slug}</code>" in page
    assert "The address cannot change once the text is final" in page
    # a form sent with another address anyway keeps the address and saves the rest
    response = client.submit(f"/statements/{world.statement_id}/details",
                             {"title": "Same", "slug": "another-address", "language": "en", "summary": ""})
    assert response.status_code == 302
    assert (stored_statement(app, world.statement_id)["slug"], stored_statement(app, world.statement_id)["title"]) \
        == (slug, "Same")


def test_the_statement_text_is_rendered_without_running_what_was_typed(app, client, world):
    client.login(world.emails["member"])
    typed = ("# Title\n\n<script>alert('x')</script>\n\n[click](javascript:alert(1))\n\n"
             "<img src=x onerror=alert(1)>\n\n**bold**")
    client.submit(f"/statements/{world.statement_id}/edit", {"base": "2", "text": typed, "note": ""})
    page = client.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert "[click](javascript:alert(1))" in page  # shown as the text it is
    assert "<img" not in page.split("<main", 1)[1]
