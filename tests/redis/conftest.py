"""A private Redis server per test, on a free loopback port, that a test can stop and start again;
and app processes of our own that use it (the rate limiter is one per process)."""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests.conftest import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class RedisServer:
    """A redis-server keeping nothing on disk, on a port that stays the same across restarts."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = self.client()
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        """Kill it, as a crash would (no saving, no goodbye to clients)."""
        self.process.kill()
        self.process.wait()

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1)

    def keys(self, pattern: str = "*") -> list[bytes]:
        return self.client().keys(pattern)


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is not installed and REQUIRE_REDIS=1: install the redis-server package")
        pytest.skip("redis-server is not installed (apt-get install redis-server); REQUIRE_REDIS=1 makes this fail")
    server = RedisServer(free_port())
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


class AppProcess:
    """The app in a process of its own, serving on a loopback port."""

    def __init__(self, config: dict, log: Path):
        self.log = log
        env = dict(os.environ, STATEMENTS_TEST_CONFIG=json.dumps(config))
        self.process = subprocess.Popen([sys.executable, "-m", "tests.redis.serve"], cwd=PROJECT_ROOT, env=env,
                                        stdout=log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for line in log.read_text().splitlines():
                if line.startswith("serving on port "):
                    self.url = f"http://127.0.0.1:{line.rsplit(' ', 1)[1]}"
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"the app process did not start:\n{log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def process_config(app, **config) -> dict:
    """The test app's database and mail settings, for a process of its own, with extra settings."""
    return {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        "SECRET_KEY": "test-secret-key", "BASE_URL": "http://localhost", "SIGNON_MIN_FILL_SECONDS": 0,
        "MAIL_FILE_DIR": app.config["MAIL_FILE_DIR"], "SMTP_HOST": app.config.get("SMTP_HOST"),
        "SMTP_PORT": app.config["SMTP_PORT"], **config,
    }


@pytest.fixture
def start_app(app, tmp_path):
    """Start app processes on the test database, with extra configuration; stop them after the test."""
    started = []

    def start(**config) -> AppProcess:
        process = AppProcess(process_config(app, **config), tmp_path / f"app-{len(started)}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def start_worker(app, tmp_path):
    """Start `flask worker` in a process of its own on the test database (and the mailbox, if any)."""
    started = []

    def start(*args, **config) -> subprocess.Popen:
        log = tmp_path / f"worker-{len(started)}.log"
        env = dict(os.environ, STATEMENTS_TEST_CONFIG=json.dumps(process_config(app, **config)))
        process = subprocess.Popen([sys.executable, "-m", "tests.redis.serve", "worker", *args], cwd=PROJECT_ROOT,
                                   env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        process.log = log
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def key_prefix(redis_server):
    """A rate-limit key prefix of this test run's own, removed afterwards (in case Redis is shared)."""
    prefix = f"statements-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    if redis_server.process.poll() is None:
        keys = redis_server.keys(f"*{prefix}*")
        if keys:
            redis_server.client().delete(*keys)
