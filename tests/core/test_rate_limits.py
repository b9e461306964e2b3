"""Rate limits counted in memory (no Redis) hold, and cost no thread per counted request."""

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from statements.core import rate_limits
from statements.extensions import limiter
from tests.signons.pages import form

PROJECT = Path(__file__).resolve().parents[2]


def test_without_redis_the_limits_count_in_memory_without_starting_threads(app, make_client, world, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    monkeypatch.setitem(app.config, "SIGNON_LIMIT_PER_ADDRESS", "3 per minute")
    assert isinstance(limiter.storage, rate_limits.SweptMemoryStorage)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    answers = []
    for number in range(5):
        client = make_client()
        client.get(f"/s/{world.signon_slug}")
        answers.append(client.submit(f"/s/{world.signon_slug}/sign", form(
            organization_name=f"Union number {number}", contact_email=f"office{number}@union{number}.example.net"))
            .status_code)
        time.sleep(0.02)  # longer than the library's timer lives: it would start a new one for the next count
    assert answers == [302, 302, 302, 429, 429]
    assert [thread for thread in started if isinstance(thread, threading.Timer)] == []


def test_counts_whose_time_is_up_are_swept_by_a_later_count(monkeypatch):
    storage = rate_limits.SweptMemoryStorage()
    monkeypatch.setattr(rate_limits, "SWEEP_EVERY_SECONDS", 0.0)
    storage.incr("gone soon", expiry=0.01)
    time.sleep(0.02)
    storage.incr("another", expiry=60)
    assert "gone soon" not in storage.storage and storage.get("another") == 1
    assert not storage.timer.is_alive()


def test_the_fallback_while_redis_is_away_counts_the_same_way(app):
    assert isinstance(limiter._fallback_storage, rate_limits.SweptMemoryStorage)


def test_no_pass_before_every_view_while_only_routes_carry_limits(app):
    """Every limited route counts in its own decorator (the test above); the limiter's pass before every view,
    which counts only default and application-wide limits, is not run for nothing on every request. (With a
    default limit set, the pass stays and limits every page: tests/operations/test_health.py.)"""
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    assert not any(app.config.get(key) for key in rate_limits.LIMITS_COUNTED_BEFORE_EVERY_VIEW)



def test_an_app_with_rate_limits_turned_off_starts_and_answers(tmp_path):
    # in a process of its own: the rate limiter is shared by every app in this one, and would stay off
    script = textwrap.dedent("""
        from statements import create_app
        client = create_app({"TESTING": True, "RATELIMIT_ENABLED": False}).test_client()
        print([client.get("/login").status_code for _ in range(3)])
    """)
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    environment.update(STATEMENTS_INSTANCE=str(tmp_path), SECRET_KEY="test")
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[200, 200, 200]"
