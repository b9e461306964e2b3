"""Migrations build the whole schema from an empty database, agree with the models, and undo cleanly."""

import logging
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from statements import create_app
from statements.extensions import db
from tests.conftest import POSTGRES_URL, postgres_required

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@pytest.fixture
def logging_kept():
    """Alembic's env.py configures logging from alembic.ini; put the test run's logging back afterwards."""
    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [lg for lg in manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    saved = [(lg, lg.disabled, lg.level, list(lg.handlers), lg.propagate) for lg in loggers]
    yield
    for lg, disabled, level, handlers, propagate in saved:
        lg.disabled, lg.level, lg.handlers, lg.propagate = disabled, level, handlers, propagate


def migrated_app(uri: str, engine_options: dict | None = None):
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options or {},
        "SECRET_KEY": "test-secret-key",
    })


def tables(connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def check_upgrade_compare_downgrade(app):
    """Upgrade an empty database to head, compare it with the models, downgrade to base."""
    model_tables = set(db.metadata.tables)
    with app.app_context():
        with db.engine.connect() as connection:
            assert tables(connection) == set(), "the database must start empty"

        upgrade()
        with db.engine.connect() as connection:
            assert tables(connection) == model_tables | {"alembic_version"}
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "models and migrations disagree; write a migration for:\n" + "\n".join(
            map(str, differences))

        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert tables(connection) <= {"alembic_version"}, "downgrade() left tables behind"
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0
        for engine in db.engines.values():
            engine.dispose()


def test_migrations_on_an_empty_sqlite_file(tmp_path, logging_kept):
    app = migrated_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    check_upgrade_compare_downgrade(app)


@pytest.mark.postgres
def test_migrations_on_an_empty_postgresql_schema(logging_kept):
    if not POSTGRES_URL:
        if postgres_required():
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    schema = f"migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        app = migrated_app(POSTGRES_URL, {"connect_args": {"options": f"-csearch_path={schema}"}})
        check_upgrade_compare_downgrade(app)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_the_collation_migration_rewrites_every_sign_on_s_order_keys_and_undoes_it(tmp_path, logging_kept):
    from flask_migrate import downgrade as migrate_down

    from statements.core import collation
    from statements.core.countries import country_name
    from statements.signons.models import SignOn
    from tests.operations.installations import fill

    app = migrated_app(f"sqlite:///{tmp_path / 'keys.sqlite3'}")
    with app.app_context():
        upgrade()
        fill(app)
        before = MIGRATIONS / "versions" / "2026-12-03_0017_sign_on_order_by_collation.py"
        previous = next(line.split("'")[1] for line in before.read_text().splitlines()
                        if line.startswith("down_revision"))
        migrate_down(revision=previous)
        folded = db.session.execute(text("SELECT organization_name, sort_key FROM signon")).all()
        assert len(folded) > 300 and all(key != collation.stored_sort_key(name, 200) for name, key in folded)
        upgrade()
        signons = db.session.query(SignOn).all()
        assert signons and all(s.sort_key == collation.stored_sort_key(s.organization_name, 200)
                               and s.country_sort == collation.stored_sort_key(country_name(s.country), 80)
                               for s in signons)
        db.session.remove()
        db.engine.dispose()
