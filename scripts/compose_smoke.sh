#!/usr/bin/env bash
# The production shape, run for real: `docker compose up --build` (PostgreSQL 16, Redis, the
# image under production settings), then the health check, a public page and a hashed static
# file must answer. Needs a Docker engine; .ci/run calls this only when one answers.
set -euo pipefail
cd "$(dirname "$0")/.."

export COMPOSE_PROJECT_NAME=accountability-ci
export DJANGO_SECRET_KEY="ci-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 60)"
export POSTGRES_PASSWORD="ci-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
export WEB_CONCURRENCY=2
base=http://127.0.0.1:8000

cleanup() { docker compose down --volumes --remove-orphans >/dev/null 2>&1 || true; }
trap cleanup EXIT

docker compose up --build --detach --wait --wait-timeout 300
curl --fail --silent --show-error "$base/healthz" >/dev/null
page=$(curl --fail --silent --show-error "$base/en/")
css=$(printf '%s' "$page" | grep -o '/static/web/site\.[0-9a-f]\{12\}\.css' | head -n1)
if [ -z "$css" ]; then
  echo "compose: the public page links no hashed stylesheet" >&2
  exit 1
fi
curl --fail --silent --show-error "$base$css" >/dev/null
echo "compose: built the image, ran it against PostgreSQL; /healthz, /en/ and $css answer."
