#!/usr/bin/env bash
# Makes the pgvector extension available to the local PostgreSQL (file-ingest keeps vectors in it; without
# it, vectors are compared in the service). Debian 13 packages it as postgresql-<major>-pgvector; Debian 12
# does not, so there it is built from Debian 13's source package, fetched from the Debian mirror this
# machine already uses, with apt's state kept in a temporary directory (the system's sources stay as they
# are). Safe to run again: it does nothing when the extension is there.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }

major=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if [ -f "/usr/share/postgresql/$major/extension/vector.control" ]; then exit 0; fi
pg_config=/usr/lib/postgresql/$major/bin/pg_config

if apt-cache show "postgresql-$major-pgvector" >/dev/null 2>&1; then
  apt_install "postgresql-$major-pgvector"
  exit 0
fi

mirror=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
  grep -v security | head -n 1 | tr -d ' ' || true)
if [ -z "$mirror" ]; then
  echo "install-pgvector: no Debian mirror in apt's sources; vectors stay in bytea" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} trixie main" >"$work/sources.list"
apt_options=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists")
apt-get "${apt_options[@]}" update -qq
apt_install "postgresql-server-dev-$major" build-essential
(cd "$work" && apt-get "${apt_options[@]}" source --download-only -qq pgvector >/dev/null 2>&1)
tar -xzf "$work"/pgvector_*.orig.tar.gz -C "$work"
# OPTFLAGS="": portable code (pgvector otherwise builds for this very CPU with -march=native).
make -s -C "$work"/pgvector-*/ OPTFLAGS="" PG_CONFIG="$pg_config" >/dev/null
as_root make -s -C "$work"/pgvector-*/ install PG_CONFIG="$pg_config" >/dev/null
echo "install-pgvector: built pgvector for PostgreSQL $major from Debian's source package"
