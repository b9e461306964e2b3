#!/usr/bin/env bash
# Install what Statements needs on Debian or Ubuntu: system libraries, a virtualenv, and (for
# tests) Chromium, poppler and axe-core. Safe to run again: it only installs what is missing.
# Usage: scripts/setup.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

# WeasyPrint renders PDFs with Pango and HarfBuzz; fonts are pinned in the print stylesheet.
run_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk
              fonts-noto-color-emoji)
# Browser tests drive Debian's Chromium; poppler turns PDFs into text and images for checks;
# the Redis tests start redis-server processes of their own.
test_packages=(chromium poppler-utils redis-server)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

wanted=("${run_packages[@]}")
[ "$mode" = test ] && wanted+=("${test_packages[@]}")
python3 -c 'import ensurepip, venv' 2>/dev/null || wanted+=(python3-venv python3-pip)
if [ "$mode" = test ] && ! command -v npm >/dev/null; then wanted+=(nodejs npm); fi

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages come from a lock file: exactly the versions the tests passed with, each file
# checked against its hash (scripts/update-lock.sh writes them). The virtualenv is brought up to
# date only when pyproject.toml or a lock file changes.
lock=requirements.lock; [ "$mode" = test ] && lock=requirements-test.lock
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=".venv/.installed-$(cat pyproject.toml requirements-pip.lock "$lock" | sha256sum | cut -c1-16)-$mode"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages from $lock into .venv (log: .venv/pip.log)"
  # first the pinned pip: an older one (Debian 12's) resolves a package asked for with extras
  # past its pin in the lock, and then refuses the lock; the project itself is built with the
  # pinned setuptools, not with whatever is newest
  if ! { .venv/bin/python -m pip install --require-hashes -r requirements-pip.lock \
         && .venv/bin/python -m pip install --require-hashes -r "$lock" \
         && .venv/bin/python -m pip install --no-deps --no-build-isolation -e .; } > .venv/pip.log 2>&1; then
    tail -n 30 .venv/pip.log
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The interface's translations: compiled from the catalogs in the repository, every time (it is quick).
.venv/bin/pybabel compile -d statements/translations >/dev/null

# axe-core checks each page in the browser tests.
if [ "$mode" = test ] && [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --silent --no-audit --no-fund
fi
