"""A working group's talking points: propose, edit with history, decide, find, and use in a draft."""

import html
import re

import pytest
from sqlalchemy import func, select

from statements.accounts.models import User, WorkingGroup
from statements.audit.models import AuditEvent
from statements.extensions import db
from statements.talking_points import services as points
from statements.talking_points.models import PointUse, TalkingPoint
from tests.drafts.pages import flashes, hidden, revision_count, stored_revision, stored_text, textarea
from tests.factories import make_statement

SOURCES = "ILO report 2024 | https://www.ilo.org/report\nhttps://example.org/data"


def point_data(**changes):
    data = {"title": "Decent work for domestic workers", "body": "Domestic work is **work**.",
            "sources": SOURCES, "tags": "labour rights, Domestic work, labour rights"}
    data.update(changes)
    return data


def stored_point(app, point_id) -> dict:
    with app.app_context():
        point = db.session.get(TalkingPoint, point_id)
        return {"title": point.title, "body": point.body, "sources": point.sources, "status": point.status,
                "tags": [t.name for t in point.tags], "author_id": point.author_id,
                "created_at": point.created_at, "updated_at": point.updated_at,
                "versions": [(v.number, v.title, v.status, v.editor_id) for v in sorted(point.versions,
                                                                                     key=lambda v: v.number)]}


def propose(client, world, **changes):
    return client.submit(f"/groups/{world.group_id}/points/new", point_data(**changes))


def new_point_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_member_proposes_a_point_with_sources_and_tags(app, client, world):
    client.login(world.emails["member"])
    point_id = new_point_id(propose(client, world))
    page = client.get(f"/points/{point_id}").get_data(as_text=True)
    assert "The talking point is proposed. A coordinator can mark it agreed." in flashes(page)
    assert "<h1>Decent work for domestic workers</h1>" in page
    assert "<strong>work</strong>" in page
    assert '<a href="https://www.ilo.org/report" rel="nofollow noopener noreferrer">ILO report 2024</a>' in page
    assert '<a href="https://example.org/data" rel="nofollow noopener noreferrer">https://example.org/data</a>' in page
    assert "Proposed" in page
    assert "Version 1: Member Person" in page
    stored = stored_point(app, point_id)
    assert stored["sources"] == [{"title": "ILO report 2024", "url": "https://www.ilo.org/report"},
                                 {"title": "https://example.org/data", "url": "https://example.org/data"}]
    assert sorted(stored["tags"]) == ["Domestic work", "labour rights"]  # the repeat counted once
    assert (stored["status"], stored["author_id"]) == ("proposed", world.user_ids["member"])
    assert stored["created_at"] is not None
    assert stored["versions"] == [(1, "Decent work for domestic workers", "proposed", world.user_ids["member"])]


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "Give the point a short title."),
    ({"body": "  "}, "Write the point itself."),
    ({"sources": "Report | ftp://example.org/x"}, "Line 1 of the sources needs a web address starting with https://"),
    ({"sources": "https://example.org\nA report | javascript:alert(1)"}, "Line 2 of the sources needs a web address"),
    ({"sources": "Just a title"}, "Line 1 of the sources needs a web address"),
    ({"tags": "x" * 61}, "A tag can be at most 60 characters"),
    ({"tags": ", ".join(f"tag {n}" for n in range(11))}, "Use at most 10 tags."),
    ({"body": "b" * 20_001}, "Use at most 20,000 characters."),
])
def test_a_point_with_bad_input_is_refused_by_the_field_and_kept(app, client, world, changes, message):
    client.login(world.emails["member"])
    response = propose(client, world, **changes)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page
    assert textarea(page, "body") == point_data(**changes)["body"]
    assert textarea(page, "sources") == point_data(**changes)["sources"]
    with app.app_context():
        assert db.session.scalar(select(func.count(TalkingPoint.id))) == 1


def test_editing_a_point_keeps_its_history(app, client, world):
    client.login(world.emails["member"])
    form = client.get(f"/points/{world.point_id}/edit").get_data(as_text=True)
    assert textarea(form, "body") == "Regularization protects workers."
    response = client.submit(f"/points/{world.point_id}/edit", point_data(
        title="Regularization works", body="Regularization protects *all* workers.", sources="", tags="regularization"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The talking point is saved." in flashes(page)
    assert "Version 2: Member Person" in page and "text changed" in page
    stored = stored_point(app, world.point_id)
    assert stored["body"] == "Regularization protects *all* workers."
    assert [v[0] for v in stored["versions"]] == [1, 2]
    assert stored["updated_at"] > stored["created_at"]


def test_saving_a_point_unchanged_makes_no_version(app, client, world):
    client.login(world.emails["member"])
    point_id = new_point_id(propose(client, world, tags="Zeta, alpha, Labour rights"))
    form = client.get(f"/points/{point_id}/edit").get_data(as_text=True)
    data = {"title": hidden(form, "title"), "body": textarea(form, "body"), "sources": textarea(form, "sources"),
            "tags": hidden(form, "tags")}
    response = client.submit(f"/points/{point_id}/edit", data, follow_redirects=True)
    assert "Nothing changed." in flashes(response.get_data(as_text=True))
    assert len(stored_point(app, point_id)["versions"]) == 1


def test_observers_cannot_propose_or_edit(app, client, world):
    client.login(world.emails["observer"])
    assert propose(client, world).status_code == 403
    assert client.submit(f"/points/{world.point_id}/edit", point_data()).status_code == 403
    assert stored_point(app, world.point_id)["title"] == "Regularization works"


def test_the_coordinator_agrees_and_retires_a_point(app, client, world):
    client.login(world.emails["coordinator"])
    page = client.get(f"/points/{world.point_id}").get_data(as_text=True)
    assert "Mark as agreed" in page and "Retire" in page
    response = client.submit(f"/points/{world.point_id}/status", {"status": "agreed"})
    assert "The talking point is now agreed." in flashes(client.get(response.headers["Location"])
                                                         .get_data(as_text=True))
    assert stored_point(app, world.point_id)["status"] == "agreed"
    client.submit(f"/points/{world.point_id}/status", {"status": "retired"})
    stored = stored_point(app, world.point_id)
    assert stored["status"] == "retired"
    assert [(v[0], v[2]) for v in stored["versions"]] == [(1, "proposed"), (2, "agreed"), (3, "retired")]
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "TalkingPoint")
                                     .order_by(AuditEvent.id)).all()
    assert actions == ["talking_point.agreed", "talking_point.retired"]
    page = client.get(f"/points/{world.point_id}").get_data(as_text=True)
    assert "Version 3: Coordinator Person" in page and "status changed" in page


def test_members_cannot_agree_or_retire(app, client, world):
    client.login(world.emails["member"])
    assert "Mark as agreed" not in client.get(f"/points/{world.point_id}").get_data(as_text=True)
    for status in ("agreed", "retired"):
        assert client.submit(f"/points/{world.point_id}/status", {"status": status}).status_code == 403
    assert stored_point(app, world.point_id)["status"] == "proposed"


def test_an_unknown_status_is_refused_with_a_message(app, client, world):
    client.login(world.emails["coordinator"])
    response = client.submit(f"/points/{world.point_id}/status", {"status": "approved"})
    assert response.status_code == 400
    assert "Choose proposed, agreed or retired." in response.get_data(as_text=True)
    assert stored_point(app, world.point_id)["status"] == "proposed"


@pytest.fixture
def several(app, world):
    """Four points of the home group in different states, and one of another group."""
    with app.app_context():
        author = db.session.get(User, world.user_ids["coordinator"])
        home = db.session.get(WorkingGroup, world.group_id)
        made = {
            "heat": points.create_point(author, home, "Heat kills workers", "Outdoor work in 45 °C heat.", "",
                                        "labour rights, climate"),
            "floods": points.create_point(author, home, "Floods displace millions", "Sea levels rise; 50% more.",
                                          "", "climate"),
            "papers": points.create_point(author, home, "Papers for all", "Regularización ya: trabajo_digno.", "",
                                          "regularization"),
        }
        points.set_status(author, made["heat"], "agreed")
        points.set_status(author, made["papers"], "retired")
        other = db.session.get(WorkingGroup, world.other_group_id)
        points.create_point(author, other, "Secret heat plan", "Not for the home group.", "", "climate")
        db.session.commit()
        return {name: point.id for name, point in made.items()}


def listed(client, world, query="") -> list[str]:
    page = client.get(f"/groups/{world.group_id}/points{query}").get_data(as_text=True)
    return sorted(html.unescape(t) for t in re.findall(r'<a href="/points/\d+">([^<]+)</a>', page))


def test_the_list_filters_by_tag_status_and_words(client, world, several):
    client.login(world.emails["observer"])
    everything = ["Floods displace millions", "Heat kills workers", "Papers for all", "Regularization works"]
    assert listed(client, world) == everything
    assert listed(client, world, "?tag=climate") == ["Floods displace millions", "Heat kills workers"]
    assert listed(client, world, "?status=agreed") == ["Heat kills workers"]
    assert listed(client, world, "?status=retired") == ["Papers for all"]
    assert listed(client, world, "?tag=climate&status=proposed") == ["Floods displace millions"]
    assert listed(client, world, "?q=HEAT") == ["Heat kills workers"]  # any case, own group only
    assert listed(client, world, "?q=protects") == ["Regularization works"]  # words in the body
    assert listed(client, world, "?q=50%25") == ["Floods displace millions"]  # % is a character, not a wildcard
    assert listed(client, world, "?q=t_k") == []  # _ too ("Heat kills" would match a wildcard)
    assert listed(client, world, "?q=trabajo_digno") == ["Papers for all"]
    assert listed(client, world, "?status=bogus") == everything
    page = client.get(f"/groups/{world.group_id}/points?tag=nothing-like-this").get_data(as_text=True)
    assert "No talking points match." in page


def test_people_outside_the_group_do_not_see_its_points(client, world):
    client.login(world.emails["outsider"])
    assert client.get(f"/groups/{world.group_id}/points").status_code == 404
    assert client.get(f"/points/{world.point_id}").status_code == 404


def test_a_point_goes_into_a_draft_as_a_new_revision(app, client, world):
    client.login(world.emails["member"])
    page = client.get(f"/points/{world.point_id}").get_data(as_text=True)
    assert "Not used in a statement yet." in page
    assert f'<option value="{world.statement_id}">Climate displacement needs protection (English)</option>' in page
    response = client.submit(f"/points/{world.point_id}/insert", {"statement_id": str(world.statement_id)})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/statements/{world.statement_id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Regularization works” is added at the end of “Climate displacement needs protection” as revision 3." \
        in " ".join(flashes(page))
    assert stored_text(app, world.statement_id) == ("People displaced by climate change need legal protection now."
                                                    "\n\n## Regularization works\n\nRegularization protects workers.\n")
    revision = stored_revision(app, world.statement_id, 3)
    assert (revision["author_id"], revision["note"]) == (world.user_ids["member"],
                                                         "Inserted talking point “Regularization works”")
    page = client.get(f"/points/{world.point_id}").get_data(as_text=True)
    used = page.split("Used in", 1)[1]
    assert f'<a href="/statements/{world.statement_id}">Climate displacement needs protection</a> (revision 3)' in used
    # inserting it again adds it again, and the point still lists the statement once
    client.submit(f"/points/{world.point_id}/insert", {"statement_id": str(world.statement_id)})
    assert revision_count(app, world.statement_id) == 4
    with app.app_context():
        assert db.session.scalar(select(func.count(PointUse.id))) == 1


def test_a_retired_point_cannot_go_into_a_draft(app, client, world):
    client.login(world.emails["coordinator"])
    client.submit(f"/points/{world.point_id}/status", {"status": "retired"})
    response = client.submit(f"/points/{world.point_id}/insert", {"statement_id": str(world.statement_id)})
    assert response.status_code == 400
    assert "This talking point is retired. Propose it again before using it." in response.get_data(as_text=True)
    assert revision_count(app, world.statement_id) == 2


@pytest.mark.parametrize("statement_id", ["", "abc", "²", "-1", "999999", "99999999999999999999"])
def test_inserting_into_no_statement_or_a_bad_one_is_refused(app, client, world, statement_id):
    client.login(world.emails["member"])
    response = client.submit(f"/points/{world.point_id}/insert", {"statement_id": statement_id})
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "Choose a statement to insert the point into." in flashes(
            client.get(response.headers["Location"]).get_data(as_text=True))
    assert revision_count(app, world.statement_id) == 2


def test_a_point_cannot_go_into_another_groups_statement(app, client, world):
    with app.app_context():
        outsider = db.session.get(User, world.user_ids["outsider"])
        other = make_statement(outsider, db.session.get(WorkingGroup, world.other_group_id), "Elsewhere", ["Text."])
        db.session.commit()
        other_id = other.id
    client.login(world.emails["admin"])  # staff can see both groups
    assert client.submit(f"/points/{world.point_id}/insert", {"statement_id": str(other_id)}).status_code == 404
    assert revision_count(app, other_id) == 1


def test_observers_cannot_insert_a_point(app, client, world):
    client.login(world.emails["observer"])
    response = client.submit(f"/points/{world.point_id}/insert", {"statement_id": str(world.statement_id)})
    assert response.status_code == 403
    assert revision_count(app, world.statement_id) == 2


def test_a_statement_s_own_text_is_offered_before_its_translations_each_with_its_language(app, client, world):
    from tests.export.build import open_statement, translate

    with app.app_context():
        source = open_statement(world, title="Protection for people who move")  # final: its text is fixed
        french = translate(world, source, "fr", "Protection des personnes qui se déplacent", "Texte.", final=False)
        french_id = french.id
    client.login(world.emails["member"])
    page = client.get(f"/points/{world.point_id}").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', page.split('id="statement_id"', 1)[1])
    assert options == [(str(world.statement_id), "Climate displacement needs protection (English)"),
                       (str(french_id), "Protection des personnes qui se déplacent (translation into French)")]
