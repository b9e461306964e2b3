#!/usr/bin/env bash
# Extract every translatable string from the code and templates into the template catalog, bring
# each language's catalog up to date with it (new strings arrive empty, for translators to fill in),
# and compile the catalogs the service reads. Run it after adding or changing interface text.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
# --ignore-dirs: pybabel skips folders whose name starts with "_" unless told otherwise, and the
# shared macros live in templates/_macros
"$pybabel" extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs ".* __pycache__" --no-location --sort-output --omit-header \
  -o statements/translations/messages.pot . 2>/dev/null
"$pybabel" update -i statements/translations/messages.pot -d statements/translations \
  --no-fuzzy-matching --ignore-obsolete 2>/dev/null
"$pybabel" compile -d statements/translations --statistics
