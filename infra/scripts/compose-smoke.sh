#!/usr/bin/env bash
# Starts the real docker-compose.yml for real and drives it through its public origin
# (test/compose-smoke/stack.smoke.ts): sign-up, a GPT, a PDF ingested into the S3 container, SSE chat
# from the worker container, /v1 with the official openai client, actions allowed and denied, a
# file-ingest container killed mid-ingest, the gateway and file-ingest scaled to two; then down -v.
#
# Where public images cannot be pulled (CI here), the third-party services are stand-ins built from
# Debian packages (infra/compose/stand-ins.yml) and Chatty's image is built on a local Node base.
# COMPOSE_SMOKE_PUBLIC_IMAGES=1 uses the public images and the official Node image instead.
# Needs `npm ci` first (vitest, openai, pdf-lib). Fails when no Docker engine can start.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)

export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-chatty-smoke}
export COMPOSE_PROFILES=ollama
# The fixtures (a scripted Ollama-protocol worker, an action target) are used either way: a smoke run
# downloads no model and gets answers it can check.
if [ "${COMPOSE_SMOKE_PUBLIC_IMAGES:-0}" = 1 ]; then
  docker info >/dev/null || { echo "compose-smoke: no Docker engine answers" >&2; exit 1; }
  export COMPOSE_FILE=docker-compose.yml:infra/compose/smoke-fixtures.yml
else
  phase_start=$(date +%s)
  bash infra/scripts/ensure-docker.sh
  echo "compose-smoke: engine and base images $(( $(date +%s) - phase_start )) s"
  export COMPOSE_FILE=docker-compose.yml:infra/compose/stand-ins.yml:infra/compose/smoke-fixtures.yml
  export CHATTY_NODE_IMAGE=chatty-local/node:24
fi
# Fresh secrets for every run; never the ones of a real deployment next to it (no .env is read: every
# variable the compose file needs is set here).
SECRET_KEY=$(openssl rand -hex 32)
ACTION_RUNNER_TOKEN=$(openssl rand -hex 32)
INGEST_SERVICE_TOKEN=$(openssl rand -hex 32)
POSTGRES_PASSWORD=$(openssl rand -hex 16)
MINIO_ROOT_PASSWORD=$(openssl rand -hex 16)
export SECRET_KEY ACTION_RUNNER_TOKEN INGEST_SERVICE_TOKEN POSTGRES_PASSWORD MINIO_ROOT_PASSWORD
export PORT=${COMPOSE_SMOKE_PORT:-5780}
export ACTION_EGRESS_ALLOW=action-target:8080
export LOG_LEVEL=info

# A stack left over by an interrupted run would hold the port and the volumes.
docker compose down -v --remove-orphans >/dev/null 2>&1 || true
status=0
node_modules/.bin/vitest run --config test/compose-smoke/vitest.config.ts || status=$?
if [ "$status" != 0 ]; then
  echo "compose-smoke: failed; the services' last log lines:" >&2
  docker compose logs --no-color --tail 60 >&2 || true
fi
if [ "${COMPOSE_SMOKE_KEEP:-0}" = 1 ]; then
  echo "compose-smoke: the stack is left running (project $COMPOSE_PROJECT_NAME)"
else
  phase_start=$(date +%s)
  docker compose down -v --remove-orphans >/dev/null 2>&1 || true
  # Images a rebuild left untagged; the build cache stays, so the next run rebuilds in seconds.
  docker image prune -f >/dev/null 2>&1 || true
  echo "compose-smoke: down -v $(( $(date +%s) - phase_start )) s"
fi
echo "compose-smoke: finished in $(( $(date +%s) - started )) s (status $status)"
exit "$status"
