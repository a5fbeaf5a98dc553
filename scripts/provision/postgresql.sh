#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, postgres) are there: the Resonate adapter's PostgreSQL-mode tests
# start a throwaway server on loopback with them. Installs Debian's package when they are missing (as root).
# Idempotent; fails loudly.
set -euo pipefail

find_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir)
    [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
  done
  return 1
}

if dir=$(find_bindir); then
  echo "provision/postgresql: $("$dir/postgres" --version) at $dir"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "provision/postgresql: PostgreSQL server binaries (initdb, postgres) are missing: install Debian's postgresql package (apt-get install postgresql)" >&2
  exit 1
fi
echo "provision/postgresql: installing Debian's postgresql package (apt-get)"
started=$SECONDS
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
dir=$(find_bindir) || { echo "provision/postgresql: apt-get installed no initdb/postgres" >&2; exit 1; }
echo "provision/postgresql: $("$dir/postgres" --version) at $dir ($((SECONDS - started)) s)"
