#!/usr/bin/env bash
# Install what is needed, build, and run the demo: the emulated cards of labs/demo.yaml served by
# dahdi-emu, shown through the engine's hardware layer; then a cable is pulled and replugged.
# Pass --keep to leave the lab running (stop it with Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
# PSTN_DEMO_BIN runs already-built binaries (e.g. .build/debug) instead of a release build.
if [ -z "${PSTN_DEMO_BIN:-}" ]; then swift build -c release; fi
BIN=${PSTN_DEMO_BIN:-.build/release}
LAB=$(mktemp -d /tmp/pstn-demo-XXXXXX)
mkdir -p "$LAB/dahdi"
cleanup() {
  [ -n "${ENGINE:-}" ] && kill "$ENGINE" 2>/dev/null && wait "$ENGINE" 2>/dev/null || true
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
echo
echo "== pstnd on the engine's PRI spans 1, 2 and 4 (labs/demo-pstnd.yaml)"
sed -e "s|DAHDI|$LAB/dahdi|" -e "s|EVENTS|$LAB/events.jsonl|" labs/demo-pstnd.yaml > "$LAB/pstnd.yaml"
"$BIN/pstnd" --check --config "$LAB/pstnd.yaml"
"$BIN/pstnd" --config "$LAB/pstnd.yaml" >"$LAB/pstnd.log" 2>&1 &
ENGINE=$!
echo "== pstn-sim places four calls from the carrier's spans (labs/demo-carrier.yaml)"
sed -e "s|DAHDI|$LAB/dahdi|" labs/demo-carrier.yaml > "$LAB/carrier.yaml"
"$BIN/pstn-sim" --scenario "$LAB/carrier.yaml" --report "$LAB/report.json"
python3 - "$LAB/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["calls"]:
    print(f'  call {c["name"]:16} {c.get("calling") or "-":>13} -> {c["called"]:13} '
          f'{"answered" if c.get("answeredAt") else "not answered":13} cause {c.get("cause")} ({c.get("causeText")}), released by {c.get("releasedBy")}')
for c in r.get("answeredFromEngine", []):
    print(f'  the engine called the carrier: {c.get("calling")} -> {c["called"]}, cause {c.get("cause")}')
PY
echo "== What pstnd saw (its call event log, $LAB/events.jsonl)"
grep -v '"event":"channel"' "$LAB/events.jsonl" | cut -c1-160 | tail -n 30
if [ "${1:-}" = "--keep" ]; then
  echo
  echo "The lab stays up: DAHDI directory $LAB/dahdi, fault socket $LAB/lab.sock. Ctrl-C stops it."
  echo "Try: $BIN/pstn-hwinfo --dahdi $LAB/dahdi    $BIN/dahdi-emu fault --control $LAB/lab.sock status"
  wait "$EMU"
fi
