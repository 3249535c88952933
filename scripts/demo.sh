#!/usr/bin/env bash
# Install what is needed, build, and run the demo: the emulated cards of labs/demo.yaml served by
# dahdi-emu, shown through the engine's hardware layer; then a cable is pulled and replugged.
# Pass --keep to leave the lab running (stop it with Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release
BIN=.build/release
LAB=$(mktemp -d /tmp/pstn-demo-XXXXXX)
mkdir -p "$LAB/dahdi"
cleanup() {
  [ -n "${EMU:-}" ] && kill "$EMU" 2>/dev/null && wait "$EMU" 2>/dev/null || true
  mountpoint -q "$LAB/dahdi" && fusermount3 -u -z "$LAB/dahdi" || true
  rm -rf "$LAB"
}
trap cleanup EXIT
"$BIN/dahdi-emu" --lab labs/demo.yaml --mount "$LAB/dahdi" --control "$LAB/lab.sock" >"$LAB/emu.log" 2>&1 &
EMU=$!
for _ in $(seq 100); do [ -e "$LAB/dahdi/ctl" ] && break; sleep 0.1; done
[ -e "$LAB/dahdi/ctl" ] || { cat "$LAB/emu.log"; echo "dahdi-emu did not start" >&2; exit 1; }
echo "== The demo lab (labs/demo.yaml) is served by dahdi-emu on $LAB/dahdi"
"$BIN/pstn-hwinfo" --dahdi "$LAB/dahdi" --summary
echo
echo "== Pulling cable e1-1 (engine span 1 <-> carrier span 5)"
"$BIN/dahdi-emu" fault --control "$LAB/lab.sock" pull e1-1
"$BIN/pstn-hwinfo" --dahdi "$LAB/dahdi" --summary | grep -E "^span (1|5):"
echo "== Replugging it"
"$BIN/dahdi-emu" fault --control "$LAB/lab.sock" replug e1-1
"$BIN/pstn-hwinfo" --dahdi "$LAB/dahdi" --summary | grep -E "^span (1|5):"
if [ "${1:-}" = "--keep" ]; then
  echo
  echo "The lab stays up: DAHDI directory $LAB/dahdi, fault socket $LAB/lab.sock. Ctrl-C stops it."
  echo "Try: $BIN/pstn-hwinfo --dahdi $LAB/dahdi    $BIN/dahdi-emu fault --control $LAB/lab.sock status"
  wait "$EMU"
fi
