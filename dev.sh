#!/usr/bin/env bash
# The two commands a newcomer needs (Python 3.11 is all they need installed):
#   ./dev.sh serve   set up, load the 2016 round and demo users into SQLite, serve on $PORT (8000)
#   ./dev.sh test    set up and run the whole test suite (PostgreSQL when DATABASE_URL is set)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

setup() {
  # setup serve: what serving needs (runtime dependencies); setup dev: also the dev extras
  # (pytest, Playwright, schemathesis...), which serving never loads.
  local extras=$1
  if [ ! -x .venv/bin/python ]; then
    # Without a pip of its own when this Python's pip can install into it (--python, pip
    # 22.3+): ensurepip took 9 of the first start's 76 s.
    if "$PYTHON" -m pip --help 2>/dev/null | grep -q -- "--python <python>"; then
      "$PYTHON" -m venv --without-pip .venv
    else
      "$PYTHON" -m venv .venv
    fi
  fi
  # Reinstall only when the dependency list changed, or the test extras are wanted now.
  local hash
  hash=$(sha1sum pyproject.toml | cut -c1-12)
  if [ -f ".venv/.installed-dev-$hash" ]; then
    return
  fi
  if [ "$extras" = serve ] && [ -f ".venv/.installed-serve-$hash" ]; then
    return
  fi
  # --no-compile: Python compiles what it imports, once; compiling every installed module
  # up front (numpy's tests, Django's unused contribs) cost seconds of the first start.
  local pip=(.venv/bin/python -m pip)
  if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    pip=("$PYTHON" -m pip --python .venv/bin/python)
  fi
  if [ "$extras" = serve ]; then
    # Serving runs manage.py from this checkout: the dependencies are enough, and skipping
    # the editable build of the project itself (an isolated build environment) saves ~12 s.
    local deps
    mapfile -t deps < <(.venv/bin/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')
    "${pip[@]}" install --quiet --disable-pip-version-check --no-compile "${deps[@]}"
  else
    "${pip[@]}" install --quiet --disable-pip-version-check --no-compile -e ".[dev]"
  fi
  rm -f .venv/.installed-* && touch ".venv/.installed-$extras-$hash"
}

case "${1:-}" in
  serve)
    setup serve
    # Development settings are the default (DJANGO_ENV unset); PORT picks the port.
    export PORT=${PORT:-8000}
    # migrate and demo in one process: starting Django costs seconds on a busy machine.
    .venv/bin/python manage.py shell --no-startup --command "
from django.core.management import call_command
call_command('migrate', interactive=False)
call_command('demo', skip_checks=True)  # migrate has just run the system checks
"
    exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
    ;;
  test)
    setup dev
    shift
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: ./dev.sh serve | ./dev.sh test [pytest args]" >&2
    exit 2
    ;;
esac
