"""PostgreSQL stops and starts again under a running app: while it is down every request is
answered at once with a "temporarily unavailable" page (503, Retry-After) and nothing half-done
is stored; once it is back the same app serves again, without a restart."""

import time

import pytest
from sqlalchemy import func, select

from statements import create_app
from statements.drafts.models import Revision
from statements.extensions import db
from statements.signons.models import SignOn
from tests.conftest import Client
from tests.factories import build_world
from tests.signons.pages import sign

pytestmark = pytest.mark.postgres

UNAVAILABLE = "Temporarily unavailable"


@pytest.fixture
def served(private_postgres):
    """The app on the private cluster, with tables, a small network and its logged-in member."""
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": private_postgres.url,
        # as shipped (no ping before each checkout), plus a bound on connecting so an outage cannot hang a request
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 300, "connect_args": {"connect_timeout": 5}},
        "SECRET_KEY": "fault-test-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "BASE_URL": "http://localhost",
        "SIGNON_MIN_FILL_SECONDS": 0,
    })
    app.test_client_class = Client
    try:
        with app.app_context():
            db.create_all()
            world = build_world()
        member = app.test_client()
        assert member.login(world.emails["member"]).status_code == 302
        yield app, world, member
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def save_draft(member, statement_id: int, text: str, note: str):
    page = member.get(f"/statements/{statement_id}/edit")
    assert page.status_code == 200
    base = int(page.get_data(as_text=True).split('name="base" type="hidden" value="')[1].split('"')[0])
    return member.submit(f"/statements/{statement_id}/edit", {"base": base, "text": text, "note": note})


def assert_unavailable(response) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    # 30 s from the error page; on rate-limited forms the limiter's own (longer) wait may replace it
    assert int(response.headers["Retry-After"]) >= 30
    assert UNAVAILABLE in page and "try again" in page
    assert "Traceback" not in page and "OperationalError" not in page
    # the reference a person can quote is the id the logs carry
    assert f'<code class="reference">{response.headers["X-Request-ID"]}</code>' in page


def stored(app, world) -> tuple[set[str], set[str]]:
    with app.app_context():
        names = set(db.session.scalars(select(SignOn.organization_name)))
        notes = set(db.session.scalars(select(Revision.note).where(Revision.statement_id == world.statement_id)))
        assert db.session.scalar(select(func.count()).select_from(SignOn)) == len(names)
        return names, notes


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_requests_fail_cleanly_while_postgresql_is_down_and_succeed_once_it_is_back(
        private_postgres, served, mode):
    app, world, member = served
    visitor = app.test_client()
    slug, statement_id = world.signon_slug, world.statement_id

    assert visitor.get(f"/s/{slug}").status_code == 200
    assert sign(visitor, slug, organization_name="Before the Outage Collective",
                contact_email="office@before.example.org").status_code == 302
    assert save_draft(member, statement_id, "Before the outage.", "before").status_code == 302

    private_postgres.stop(mode)  # "fast" disconnects clients cleanly; "immediate" is like a crash
    started = time.monotonic()
    assert_unavailable(visitor.get(f"/s/{slug}"))
    assert_unavailable(visitor.get(f"/api/v1/statements/{slug}"))
    assert_unavailable(sign(visitor, slug, organization_name="During the Outage Network",
                            contact_email="office@during.example.org"))
    assert_unavailable(member.get(f"/statements/{statement_id}"))
    assert_unavailable(member.submit(f"/statements/{statement_id}/edit",
                                     {"base": 3, "text": "During the outage.", "note": "during"}))
    assert time.monotonic() - started < 20, "requests must be answered, not left hanging, while the database is down"

    private_postgres.start()
    # the same app, with the same pool: the failures during the outage made it replace its dead connections
    assert visitor.get(f"/s/{slug}").status_code == 200
    assert visitor.get(f"/api/v1/statements/{slug}").status_code == 200
    assert sign(visitor, slug, organization_name="After the Outage Alliance",
                contact_email="office@after.example.org").status_code == 302
    statement_page = member.get(f"/statements/{statement_id}")
    assert statement_page.status_code == 200, "the member is still logged in"
    assert save_draft(member, statement_id, "After the outage.", "after").status_code == 302

    names, notes = stored(app, world)
    assert names == {"Before the Outage Collective", "After the Outage Alliance"}
    assert {"before", "after"} <= notes and "during" not in notes
