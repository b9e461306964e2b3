"""The modules that others import for a helper can be imported first, on their own (a script, a shell, a worker)."""

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["statements.core.templating", "statements.notifications.services"])
def test_a_module_imports_on_its_own(module):
    # templating imports the accounts package, whose views lead to the notifications, which format dates with
    # templating's helper: read while templating was still half made, it failed
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
