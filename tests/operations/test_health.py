"""GET /health tells a load balancer or monitor whether this process can reach what it needs."""

import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import free_port

PROJECT = Path(__file__).resolve().parents[2]


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_needs_no_login_and_is_never_rate_limited(tmp_path):
    # in a process of its own: the rate limiter is shared by every app in this one, and would keep the limit
    script = textwrap.dedent("""
        import json
        from statements import create_app
        client = create_app({"TESTING": True, "RATELIMIT_DEFAULT": "2 per minute"}).test_client()
        print(json.dumps({"login": [client.get("/login").status_code for _ in range(3)],
                          "health": [client.get("/health").status_code for _ in range(20)]}))
    """)
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    environment.update(STATEMENTS_INSTANCE=str(tmp_path), SECRET_KEY="test")
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses["login"] == [200, 200, 429]  # every other page is limited
    assert statuses["health"] == [200] * 20


def test_health_is_503_naming_the_database_when_it_cannot_be_opened(other_app, tmp_path, caplog):
    missing = tmp_path / "no-such-folder" / "statements.sqlite3"
    sick = other_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}", SQLALCHEMY_ENGINE_OPTIONS={})
    with caplog.at_level(logging.WARNING, logger="statements.health"):
        response = sick.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable", "redis": "not configured"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "no-such-folder" not in response.get_data(as_text=True)  # the reason is for the log only
    assert "the database did not answer" in caplog.text and "unable to open database file" in caplog.text
    assert not missing.parent.exists()


def test_health_is_503_when_postgresql_refuses_without_showing_the_address(other_app, caplog):
    port = free_port()  # nothing listens there
    sick = other_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://statements:s3cret-pw@127.0.0.1:{port}/statements",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 5}})
    with caplog.at_level(logging.WARNING, logger="statements.health"):
        response = sick.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    body = response.get_data(as_text=True)
    assert "s3cret-pw" not in body and str(port) not in body
    assert "the database did not answer" in caplog.text
    assert "s3cret-pw" not in caplog.text


def test_health_is_503_naming_redis_when_it_does_not_answer(other_app, caplog):
    port = free_port()
    sick = other_app(REDIS_URL=f"redis://:s3cret-pw@127.0.0.1:{port}/0")
    with caplog.at_level(logging.WARNING, logger="statements.health"):
        response = sick.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
    assert "s3cret-pw" not in response.get_data(as_text=True)
    assert "Redis did not answer" in caplog.text


def _redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_listening(), reason="needs Redis on 127.0.0.1:6379")
def test_health_pings_redis_when_it_is_configured(other_app):
    healthy = other_app(REDIS_URL="redis://127.0.0.1:6379/0")
    client = healthy.test_client()
    for _ in range(2):  # the second check reuses the connection
        response = client.get("/health")
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
