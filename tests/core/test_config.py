"""Configuration from the environment: safe defaults, and refusals to start unsafely."""

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from statements import create_app
from statements.config import ConfigError
from statements.extensions import db
from tests.conftest import POSTGRES_URL

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "a-long-random-production-secret-of-48-characters"
ENV_NAMES = ("STATEMENTS_ENV", "FLASK_DEBUG", "SECRET_KEY", "DATABASE_URL", "SMTP_HOST", "MAIL_SEND_IN_PROCESS",
             "REDIS_URL", "SESSION_COOKIE_SECURE")


def start(instance: Path, **env) -> dict:
    """Start the app in a fresh process with only these settings; return some of its configuration."""
    environment = {key: value for key, value in os.environ.items() if key not in ENV_NAMES}
    environment.update(STATEMENTS_INSTANCE=str(instance), **env)
    script = textwrap.dedent("""
        import json
        from statements import create_app
        app = create_app()
        keys = ["ENV_NAME", "DEBUG", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SESSION_COOKIE_SECURE",
                "SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE", "MAX_CONTENT_LENGTH"]
        print(json.dumps({key: app.config[key] for key in keys}))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, env=environment, capture_output=True,
                            text=True, timeout=60)
    if result.returncode != 0:
        return {"error": result.stderr}
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment with its own instance folder, for creating an app in this process."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STATEMENTS_INSTANCE", str(tmp_path))
    return monkeypatch


def test_production_refuses_to_start_in_debug_mode(environment, tmp_path):
    environment.setenv("STATEMENTS_ENV", "production")
    environment.setenv("SECRET_KEY", PRODUCTION_KEY)
    environment.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="debug mode is on in production. Unset FLASK_DEBUG"):
        create_app()


def test_production_refuses_to_start_without_a_secret_key(environment, tmp_path):
    environment.setenv("STATEMENTS_ENV", "production")
    with pytest.raises(ConfigError, match="set SECRET_KEY to a long random value in production"):
        create_app()
    assert not (tmp_path / "secret_key").exists()  # no key is made up for production


def test_production_starts_with_a_secret_key_and_secure_cookies(tmp_path):
    config = start(tmp_path, STATEMENTS_ENV="production", SECRET_KEY=PRODUCTION_KEY)
    assert config.get("error") is None, config.get("error")
    assert config["SECRET_KEY"] == PRODUCTION_KEY
    assert (config["ENV_NAME"], config["DEBUG"], config["SESSION_COOKIE_SECURE"]) == ("production", False, True)
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("key", ["a-long-random-production-secret", "x" * 31, "set"])
def test_production_refuses_a_secret_key_shorter_than_32_bytes(environment, key):
    environment.setenv("STATEMENTS_ENV", "production")
    environment.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match=f"SECRET_KEY is {len(key.encode())} bytes long; production needs at "
                                          "least 32. Make one with: python3 -c"):
        create_app()


def test_production_accepts_a_secret_key_of_32_bytes(environment):
    environment.setenv("STATEMENTS_ENV", "production")
    environment.setenv("SECRET_KEY", "k" * 32)
    assert create_app().config["ENV_NAME"] == "production"


@pytest.mark.parametrize("name", ["prod", "staging", "test", "Production "])
def test_an_unknown_environment_name_is_refused_instead_of_running_as_development(environment, name):
    environment.setenv("STATEMENTS_ENV", name)
    environment.setenv("SECRET_KEY", PRODUCTION_KEY)
    if name.strip().lower() == "production":  # the case and spaces around a known name do not matter
        assert create_app().config["ENV_NAME"] == "production"
        return
    with pytest.raises(ConfigError, match=f"STATEMENTS_ENV must be development or production, not {name!r}"):
        create_app()


def test_an_unknown_environment_name_is_a_clear_message_when_started_for_real(tmp_path):
    config = start(tmp_path, STATEMENTS_ENV="prod", SECRET_KEY=PRODUCTION_KEY)
    assert ("ConfigError: Refusing to start: STATEMENTS_ENV must be development or production, not 'prod'. "
            "Set it to production on a server, or leave it unset for development.") in config["error"]


def test_production_refusal_is_a_clear_message_when_started_for_real(tmp_path):
    config = start(tmp_path, STATEMENTS_ENV="production", FLASK_DEBUG="true", SECRET_KEY="set")
    assert "ConfigError: Refusing to start: debug mode is on in production" in config["error"]


def test_development_key_is_generated_once_and_kept(tmp_path):
    first = start(tmp_path)
    second = start(tmp_path)
    assert first.get("error") is None, first.get("error")
    key_file = tmp_path / "secret_key"
    assert len(first["SECRET_KEY"]) >= 32
    assert second["SECRET_KEY"] == first["SECRET_KEY"] == key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by the service's own user only
    other = start(tmp_path / "another-instance")
    assert other["SECRET_KEY"] != first["SECRET_KEY"]


def test_secret_key_from_the_environment_wins_and_nothing_is_written(tmp_path):
    config = start(tmp_path, SECRET_KEY="from-the-environment")
    assert config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("given, used", [
    ("postgres://statements:pw@db.example.org:5432/statements",
     "postgresql+psycopg://statements:pw@db.example.org:5432/statements"),
    ("postgresql://statements@localhost/statements", "postgresql+psycopg://statements@localhost/statements"),
    ("postgresql+psycopg://statements@localhost/statements", "postgresql+psycopg://statements@localhost/statements"),
    ("sqlite:////srv/statements/data.sqlite3", "sqlite:////srv/statements/data.sqlite3"),
])
def test_database_url_is_normalized_for_psycopg(environment, given, used):
    environment.setenv("DATABASE_URL", given)
    environment.setenv("SECRET_KEY", "test")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == used


def test_postgresql_connections_give_up_after_ten_seconds_and_sqlite_ones_are_left_as_they_are(environment):
    environment.setenv("SECRET_KEY", "test")
    environment.setenv("DATABASE_URL", "postgresql://statements@db.example.org/statements")
    assert create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"connect_timeout": 10}
    environment.setenv("DATABASE_URL", "sqlite:////srv/statements/data.sqlite3")
    assert "connect_args" not in create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    config = start(tmp_path, SECRET_KEY="test")
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'statements.sqlite3'}"


def test_safe_defaults_for_cookies_and_request_size(tmp_path):
    config = start(tmp_path, SECRET_KEY="test")
    assert config["SESSION_COOKIE_SAMESITE"] == config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["MAX_CONTENT_LENGTH"] == 4 * 1024 * 1024
    assert config["SESSION_COOKIE_SECURE"] is False  # development runs on plain http


def test_session_cookie_is_http_only_and_same_site(client, world):
    response = client.login(world.emails["member"])
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the suite runs on PostgreSQL; these settings are SQLite's")
def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(app):
    with app.app_context():
        assert db.engine.dialect.name == "sqlite"
        assert db.engine.url.database  # a real file, not an in-memory database
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            with pytest.raises(Exception, match="FOREIGN KEY constraint failed"):
                connection.execute(text("INSERT INTO membership (user_id, group_id, role, created_at) "
                                        "VALUES (999999, 999999, 'member', '2025-01-01 00:00:00')"))
            connection.rollback()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the suite runs on PostgreSQL; this setting is SQLite's")
def test_sqlite_connections_keep_their_temporary_files_in_memory(app):
    # a sign-on's INSERT ... SELECT keeps a statement journal: on disk it was often a new file in the system's
    # temporary folder, made and removed within the transaction
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA temp_store")).scalar() == 2  # MEMORY
