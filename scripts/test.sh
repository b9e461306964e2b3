#!/usr/bin/env bash
# Set up and run the test suite (SQLite by default; TEST_DATABASE_URL selects PostgreSQL).
# Extra arguments go to pytest, for example: scripts/test.sh tests/accounts -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
exec .venv/bin/python -m pytest "$@"
