#!/usr/bin/env bash
# Deploys the real docker-compose.yml to Docker Swarm on this machine and drives it through its public
# origin with the compose smoke run's walk-through (test/compose-smoke/stack.smoke.ts, SMOKE_ORCHESTRATOR
# =swarm): two gateways and two ingest workers from the start, a file-ingest task killed mid-ingest.
#
#   docker compose config (docker-compose.yml + the smoke run's stand-ins and fixtures + infra/swarm/swarm.yml)
#     | node infra/swarm/render-stack.mjs     → a file `docker stack deploy` takes
#
# Swarm cannot build: the images are built first with compose, the tags the compose smoke run builds
# (chatty:local, chatty-stand-in/*), so after it this takes seconds. The swarm is made here when the
# engine is in none and left afterwards (`docker swarm leave --force`), with the stack and its volumes
# removed; an engine already in a swarm keeps it, minus the stack. Needs `npm ci` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)

bash infra/scripts/ensure-docker.sh
export COMPOSE_PROJECT_NAME=chatty-swarm
export COMPOSE_PROFILES=ollama
export COMPOSE_FILE=docker-compose.yml:infra/compose/stand-ins.yml:infra/compose/smoke-fixtures.yml
export CHATTY_NODE_IMAGE=chatty-local/node:24
SECRET_KEY=$(openssl rand -hex 32)
ACTION_RUNNER_TOKEN=$(openssl rand -hex 32)
INGEST_SERVICE_TOKEN=$(openssl rand -hex 32)
POSTGRES_PASSWORD=$(openssl rand -hex 16)
MINIO_ROOT_PASSWORD=$(openssl rand -hex 16)
export SECRET_KEY ACTION_RUNNER_TOKEN INGEST_SERVICE_TOKEN POSTGRES_PASSWORD MINIO_ROOT_PASSWORD
export PORT=${SWARM_SMOKE_PORT:-5781}
export ACTION_EGRESS_ALLOW=action-target:8080
export LOG_LEVEL=info
export SMOKE_ORCHESTRATOR=swarm
export SWARM_STACK=chatty-swarm

phase_start=$(date +%s)
docker compose build --quiet
echo "swarm-smoke: images $(( $(date +%s) - phase_start )) s"

made_swarm=0
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
  # The address other nodes would use; on one machine, the first non-loopback one. awk reads to the end:
  # leaving early could end ip with SIGPIPE, which pipefail turns into the script's failure.
  address=$(ip -4 -o addr show scope global | awk 'NR == 1 { sub(/\/.*/, "", $4); print $4 }')
  docker swarm init --advertise-addr "${address:-127.0.0.1}" >/dev/null
  made_swarm=1
fi

workdir=$(mktemp -d)
chmod 700 "$workdir"
export SWARM_STACK_FILE=$workdir/stack.yml
# It holds this run's secrets, so it lives only as long as the run.
docker compose -f docker-compose.yml -f infra/compose/stand-ins.yml -f infra/compose/smoke-fixtures.yml \
  -f infra/swarm/swarm.yml config | node infra/swarm/render-stack.mjs >"$SWARM_STACK_FILE"

clean_up() {
  phase_start=$(date +%s)
  docker stack rm "$SWARM_STACK" >/dev/null 2>&1 || true
  # Tasks stop, then their networks go; volumes can only be removed once no container holds them.
  for _ in $(seq 1 60); do
    [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$SWARM_STACK")" ] \
      && [ -z "$(docker network ls -q --filter "label=com.docker.stack.namespace=$SWARM_STACK")" ] && break
    sleep 1
  done
  docker volume ls -q --filter "label=com.docker.stack.namespace=$SWARM_STACK" | xargs -r docker volume rm >/dev/null || true
  if [ "$made_swarm" = 1 ]; then
    docker swarm leave --force >/dev/null 2>&1 || true
    # The bridge that swarm tasks reach the outside through stays behind otherwise.
    docker network rm docker_gwbridge >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
  echo "swarm-smoke: cleaned up $(( $(date +%s) - phase_start )) s"
}

status=0
node_modules/.bin/vitest run --config test/compose-smoke/vitest.config.ts || status=$?
if [ "$status" != 0 ]; then
  echo "swarm-smoke: failed; the services' states and last log lines:" >&2
  docker stack ps "$SWARM_STACK" --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' >&2 || true
  for service in $(docker stack services "$SWARM_STACK" --format '{{.Name}}' 2>/dev/null); do
    docker service logs --no-task-ids --tail 30 "$service" >&2 2>&1 || true
  done
fi
if [ "${SWARM_SMOKE_KEEP:-0}" = 1 ]; then
  echo "swarm-smoke: the stack is left running ($SWARM_STACK; docker swarm leave --force ends it)"
else
  clean_up
fi
echo "swarm-smoke: finished in $(( $(date +%s) - started )) s (status $status)"
exit "$status"
