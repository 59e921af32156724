#!/usr/bin/env bash
# Makes the local services the tests need available: Postgres (trust auth on 127.0.0.1:5432, with
# pgvector) and Redis (127.0.0.1:6379), plus curl and jq for the README walk-through test, Chromium for
# the UI tests and kubectl for the Kubernetes manifests' checks. Starts what is stopped and installs from Debian's
# packages what is missing. Safe to run again.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # description, command...
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "ensure-services: $what did not come up" >&2
  return 1
}

for tool in curl jq; do command -v "$tool" >/dev/null || apt_install "$tool"; done
# The UI's end-to-end tests drive Debian's Chromium through playwright-core (no browser download).
command -v chromium >/dev/null || apt_install chromium fonts-liberation

if ! command -v pg_ctlcluster >/dev/null; then
  apt_install postgresql
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

command -v redis-server >/dev/null || apt_install redis-server
if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for "Redis" sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'
fi

# kubectl with kustomize v5: test/k8s.test.ts builds the Kubernetes manifests with `kubectl kustomize`.
# Debian 12's kubectl (kubernetes-client 1.20) carries kustomize v2, which has no components; Debian 13
# packages kubectl 1.32 as one binary that needs only libc, so it is fetched with apt from Debian 13's
# archive (a private package list, nothing added to this system's sources) and put in /usr/local/bin.
if ! kubectl version --client 2>/dev/null | grep -q '^Kustomize Version: v5'; then
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  apt_dir=$(mktemp -d)
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
  echo "deb $mirror trixie main" >"$apt_dir/sources.list"
  apt_private=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o APT::Sandbox::User=root)
  as_root apt-get "${apt_private[@]}" update -qq
  (cd "$apt_dir" && as_root apt-get "${apt_private[@]}" download -qq kubectl/trixie)
  as_root dpkg -x "$apt_dir"/kubectl_*.deb "$apt_dir/unpacked"
  as_root cp "$apt_dir/unpacked/usr/bin/kubectl" /usr/local/bin/kubectl
  as_root chmod 0755 /usr/local/bin/kubectl
  as_root rm -rf "$apt_dir"
  hash -r
  kubectl version --client | grep -q '^Kustomize Version: v5' || { echo "ensure-services: kubectl has no kustomize v5" >&2; exit 1; }
fi

echo "ensure-services: Postgres, Redis and kubectl $(kubectl version --client | sed -n 's/^Client Version: //p') are up"
