#!/usr/bin/env bash
# Set up and start Statements on SQLite at http://127.0.0.1:5000 with demo data loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
export FLASK_APP=wsgi
export MAIL_SEND_IN_PROCESS="${MAIL_SEND_IN_PROCESS:-1}"
export BASE_URL="${BASE_URL:-http://127.0.0.1:${PORT:-5000}}"  # the address in emailed links
unset DATABASE_URL
.venv/bin/flask db upgrade
.venv/bin/flask demo
echo "Starting Statements at http://127.0.0.1:${PORT:-5000} (stop with Ctrl+C)"
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
