"""The public API keeps the promises of its OpenAPI document: every operation, called with the open
statement's address and with made-up ones, answers with a documented status and a body that fits the
documented schema, and never with a server error. The document is read from the app itself (no network)."""

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from schemathesis.core.failures import FailureGroup

from statements.core.db import utcnow
from statements.extensions import db
from statements.signons import api, services
from tests.signons.pages import add_signon, statement_by_slug

CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.response_schema_conformance,
          checks.content_type_conformance]
EXAMPLES = 30


@pytest.fixture
def signed(app, world):
    """The open statement with a deadline and signatories of every kind, one still on an older text."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        statement.signon_deadline = utcnow() + timedelta(days=30)
        statement.signon_timezone = "America/Guatemala"
        add_signon(statement, "Red de Mujeres", "MX", website="https://redmujeres.example.mx")
        add_signon(statement, "Kenya Domestic Workers Union", "KE", org_type="union")
        add_signon(statement, "Quiet Shelter", "ER", visibility="count")
        add_signon(statement, "Mujeres en Movimiento", "MX", visibility="country")
        older = add_signon(statement, "Casa del Migrante", "GT")
        older.reconfirm_revision_id = statement.final_revision_id  # asked to confirm a newer text
        add_signon(statement, "Waiting Group", "PH", status="pending")
        db.session.commit()
    return world.signon_slug


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    found = [result.ok() for result in schema.get_all_operations()]  # an invalid document fails here
    assert {op.definition.raw["operationId"] for op in found} >= {"getStatement", "getSignatories"}
    return found


def exercise(operation, mode=GenerationMode.POSITIVE, slug=None, calls=None):
    """Generate requests for one operation and check every response; raise what schemathesis found."""
    strategy = operation.as_strategy(generation_mode=mode, path_parameters={"slug": slug} if slug else None)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case):
        # (in process, nothing decompresses the answer as a real client would: ask for it plain)
        response = case.call(headers={"Accept-Encoding": "identity"})
        if calls is not None:
            calls.append((case.formatted_path, response.status_code))
        case.validate_response(response, checks=CHECKS)

    check()


def test_every_operation_keeps_its_promises_for_the_open_statement(app, signed):
    calls = []
    for operation in operations(app):
        exercise(operation, slug=signed, calls=calls)
    assert {status for _, status in calls} == {200}
    assert {path.split("/")[4] for path, _ in calls} == {signed}


def test_every_operation_answers_made_up_addresses_with_a_documented_404(app, signed):
    calls = []
    for operation in operations(app):
        exercise(operation, calls=calls)
    assert 404 in {status for _, status in calls}
    assert {status for _, status in calls} <= {200, 404}


def test_malformed_requests_get_no_server_error(app, signed):
    for operation in operations(app):
        exercise(operation, GenerationMode.NEGATIVE)  # addresses and page numbers outside the document
        if operation.query:
            exercise(operation, GenerationMode.NEGATIVE, slug=signed)  # the real address, a bad page number


def test_the_promises_hold_while_the_list_is_private(app, signed):
    with app.app_context():
        statement_by_slug(signed).signon_list_hidden = True
        db.session.commit()
    for operation in operations(app):
        exercise(operation, slug=signed)


def test_the_promises_hold_at_a_translations_address(app, world, signed):
    from statements.accounts.models import User
    from statements.drafts import services as drafts
    from statements.translating import services as translating

    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        version = translating.start_translation(coordinator, statement_by_slug(signed), "es", "Pérdidas y daños")
        drafts.save_revision(coordinator, version, version.latest_number,
                             "# Pérdidas y daños\n\nEl fondo debe llegar a las personas que se desplazan.", "Traducción")
        drafts.transition(coordinator, version, "final")
        db.session.commit()
        slug = version.slug
    calls = []
    for operation in operations(app):
        exercise(operation, slug=slug, calls=calls)
        exercise(operation, slug=signed)  # the statement's own answer lists the version now
    assert {status for _, status in calls} == {200}


# --- the checks above can fail ------------------------------------------------------------------

def failures(error: FailureGroup) -> str:
    return str(error)


def test_a_server_error_is_caught(app, signed, monkeypatch):
    def broken(signon):
        raise RuntimeError("a bug in listing")

    monkeypatch.setattr(services, "public_entry", broken)
    signatories = next(op for op in operations(app) if op.definition.raw["operationId"] == "getSignatories")
    with pytest.raises(FailureGroup) as caught:
        exercise(signatories, slug=signed)
    assert "Server error" in failures(caught.value)
    assert "Undocumented status code" in failures(caught.value)


def test_an_undocumented_status_is_caught(app, signed, monkeypatch):
    original = api.openapi_document

    def without_404(server):
        document = original(server)
        for path in document["paths"].values():
            path["get"]["responses"].pop("404")
        return document

    monkeypatch.setattr(api, "openapi_document", without_404)
    with pytest.raises(FailureGroup) as caught:
        exercise(operations(app)[0])
    assert "Undocumented status code" in failures(caught.value)
    assert "Received: 404" in failures(caught.value)


def test_a_body_that_breaks_the_schema_is_caught(app, signed, monkeypatch):
    original = services.public_entry

    def country_as_a_number(signon):
        return dict(original(signon), country=404)

    monkeypatch.setattr(services, "public_entry", country_as_a_number)
    signatories = next(op for op in operations(app) if op.definition.raw["operationId"] == "getSignatories")
    with pytest.raises(FailureGroup) as caught:
        exercise(signatories, slug=signed)
    assert "Response violates schema" in failures(caught.value)
