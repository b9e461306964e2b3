"""A server process leaves what it made to start out of the garbage collector's full passes; a process that
makes many apps (these tests) does not."""

import gc
import subprocess
import sys

from benchmarks.bench_pages import app_environment
from benchmarks.harness import PROJECT_ROOT
from statements import create_app


def test_the_served_app_keeps_what_it_made_to_start_out_of_full_collections(tmp_path):
    code = "import gc, wsgi; print(gc.get_freeze_count(), wsgi.app.name)"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=app_environment(str(tmp_path), None),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    frozen, name = done.stdout.split()[-2:]
    assert name == "statements"
    assert int(frozen) > 50_000  # the modules, the app, its templates' environment, the tables' metadata


def test_making_an_app_freezes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("STATEMENTS_INSTANCE", str(tmp_path))
    before = gc.get_freeze_count()
    create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/t.db"})
    assert gc.get_freeze_count() == before
