#!/usr/bin/env bash
# Bring the translation catalogues up to date with the code (docs/translations.md):
# extract without source locations (branches then merge cleanly), merge the third-party
# translations, compile. Translate what comes in empty or fuzzy, then run this again.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=true
.venv/bin/python manage.py makemessages -l ky -l ru --no-location --no-obsolete \
  --ignore=.venv --ignore=node_modules --ignore=artifacts --ignore=staticfiles -v0
.venv/bin/python scripts/merge_thirdparty_ky.py >/dev/null
# The creation date would make every branch's catalogue differ on its header.
sed -i '/^"POT-Creation-Date: /d' locale/*/LC_MESSAGES/django.po
.venv/bin/python manage.py compilemessages --ignore=.venv -v0
