#!/usr/bin/env bash
# Makes the local services the tests need available: Postgres (trust auth on 127.0.0.1:5432, with pgvector) and Redis
# (127.0.0.1:6379), plus curl and jq for the README walk-through test and Chromium for the UI tests. Starts what is stopped and
# installs from Debian's packages what is missing. Safe to run again.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # description, command...
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "ensure-services: $what did not come up" >&2
  return 1
}

for tool in curl jq; do command -v "$tool" >/dev/null || install "$tool"; done
# The UI's end-to-end tests drive Debian's Chromium through playwright-core (no browser download).
command -v chromium >/dev/null || install chromium fonts-liberation

if ! command -v pg_ctlcluster >/dev/null; then
  install postgresql
  # A fresh Debian cluster asks for passwords over TCP; the tests expect trust on loopback, as CI has.
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
  as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
fi
# pgvector, for retrieval by meaning (file-ingest falls back to comparing vectors itself without it).
bash "$(dirname "$0")/install-pgvector.sh" || echo "ensure-services: pgvector not installed; vectors stay in bytea" >&2
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  wait_for "Postgres" pg_isready -q -h 127.0.0.1 -p 5432
fi

command -v redis-server >/dev/null || install redis-server
if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for "Redis" sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'
fi

echo "ensure-services: Postgres and Redis are up"
