#!/usr/bin/env bash
# Pin the Python packages that scripts/setup.sh installs: requirements-pip.lock (the installer
# itself), requirements.lock (to run the service) and requirements-test.lock (to run it and its
# tests), each version with the hashes of all the
# files it ships, for every platform and every Python from 3.11 on. The tool that writes them (uv)
# lives in a throwaway virtualenv; the project does not depend on it.
# Usage: scripts/update-lock.sh                          keep the pinned versions, add what pyproject.toml now asks for
#        scripts/update-lock.sh --upgrade                move every package to its newest version
#        scripts/update-lock.sh --upgrade-package flask  move one package (and what it needs)
# Then run the tests (scripts/test.sh) and commit the lock files with the change that needed them.
set -euo pipefail
cd "$(dirname "$0")/.."
uv_version=0.13.8

tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
python3 -m venv "$tool/venv"
"$tool/venv/bin/python" -m pip install --quiet "uv==$uv_version"

# setuptools builds the project itself: pinned too, so that the editable install is checked as well
build_requires=$(python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')

compile() {
  echo "$build_requires" | "$tool/venv/bin/uv" pip compile --quiet --universal --python-version 3.11 \
    --generate-hashes --custom-compile-command scripts/update-lock.sh pyproject.toml - "$@"
}
compile --extra test --output-file requirements-test.lock "$@"
# the run lock takes its versions from the test lock: the service runs on what the tests passed with
compile --constraint requirements-test.lock --output-file requirements.lock
# the installer that reads those locks: an older pip (Debian 12 ships 23.0) looks past a pin for a
# package asked for with extras, as fonttools[woff] is, whenever a newer release of it exists
echo pip | "$tool/venv/bin/uv" pip compile --quiet --universal --python-version 3.11 \
  --generate-hashes --custom-compile-command scripts/update-lock.sh - --output-file requirements-pip.lock "$@"
