"""The production command of the README serves requests with the project's gunicorn settings."""

import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_serves_with_threaded_workers_from_the_settings_module(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "STATEMENTS_ENV", "SECRET_KEY")}
    env.update(STATEMENTS_INSTANCE=str(tmp_path), GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2",
               GUNICORN_THREADS="3")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:statements.gunicorn_config", "wsgi:app"],
                              cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/health"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)

        def status(_):
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.status

        with ThreadPoolExecutor(8) as pool:
            assert list(pool.map(status, range(40))) == [200] * 40
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    started = (tmp_path / "gunicorn.log").read_text()
    assert "Using worker: gthread" in started
    assert started.count("Booting worker") == 2
