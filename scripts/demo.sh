#!/usr/bin/env bash
# Install what is needed, build, and run the demo on the emulated cards of labs/demo.yaml:
# dahdi-emu serves them, a cable is pulled and replugged, pstnd starts with labs/demo-pstnd.yaml
# (PRI, SS7, FXO trunks, FXS desks, its store and control socket), pstn-sim places a few calls of
# every kind and then a trickle of calls that runs until Ctrl-C, while you try pstnctl in a
# second shell. --once stops after the scripted calls (no trickle, nothing left running).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
# PSTN_DEMO_BIN runs already-built binaries (e.g. .build/debug) instead of a release build.
if [ -z "${PSTN_DEMO_BIN:-}" ]; then swift build -c release; fi
BIN=$(cd "${PSTN_DEMO_BIN:-.build/release}" && pwd)
LAB=$(mktemp -d /tmp/pstn-demo-XXXXXX)
chmod 755 "$LAB"
mkdir -p "$LAB/dahdi"
cleanup() {
  [ -n "${TRICKLE:-}" ] && kill "$TRICKLE" 2>/dev/null && wait "$TRICKLE" 2>/dev/null || true
  [ -n "${ENGINE:-}" ] && kill "$ENGINE" 2>/dev/null && wait "$ENGINE" 2>/dev/null || true
  [ -n "${EMU:-}" ] && kill "$EMU" 2>/dev/null && wait "$EMU" 2>/dev/null || true
  mountpoint -q "$LAB/dahdi" && fusermount3 -u -z "$LAB/dahdi" || true
  rm -rf "$LAB"
}
trap cleanup EXIT
trap 'exit 0' INT TERM
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
fill() { sed -e "s|LABDIR|$LAB|g" -e "s|DAHDI|$LAB/dahdi|" -e "s|EVENTS|$LAB/events.jsonl|" -e "s|STORE|$LAB/store.sqlite|" -e "s|SOCKET|$LAB/control.sock|" -e "s|REPO|$PWD|g" "$1"; }
echo "== pstnd on the engine's PRI spans, its SS7 link, FXO lines and FXS desks (labs/demo-pstnd.yaml)"
fill labs/demo-pstnd.yaml > "$LAB/pstnd.yaml"
"$BIN/pstnd" --check --config "$LAB/pstnd.yaml"
"$BIN/pstnd" --config "$LAB/pstnd.yaml" >"$LAB/pstnd.log" 2>&1 &
ENGINE=$!
export PSTN_SOCKET="$LAB/control.sock"
for _ in $(seq 100); do "$BIN/pstnctl" status >/dev/null 2>&1 && break; sleep 0.1; done
"$BIN/pstnctl" status
"$BIN/pstnctl" agent login 1001 && "$BIN/pstnctl" agent login 1002
echo
echo "== pstn-sim places calls of every kind from the carrier's side (labs/demo-carrier.yaml)"
fill labs/demo-carrier.yaml > "$LAB/carrier.yaml"
"$BIN/pstn-sim" --scenario "$LAB/carrier.yaml" --report "$LAB/report.json"
python3 - "$LAB/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["calls"]:
    print(f'  call {c["name"]:16} {c.get("calling") or "-":>13} -> {c["called"]:13} '
          f'{"answered" if c.get("answeredAt") else "not answered":13} cause {c.get("cause")} ({c.get("causeText")}), released by {c.get("releasedBy")}')
for c in r.get("answeredFromEngine", []):
    print(f'  the engine called the carrier or a desk: {c.get("calling")} -> {c["called"]}, cause {c.get("cause")}')
PY
echo
sleep 2
echo "== The IVR steps callers took (95566 in English, 95555 leaving a message): keys, digits, messages"
grep '"ivr-step"' "$LAB/events.jsonl" | python3 -c 'import json,sys; [print("  node", e["node"], "input", e.get("input")) for e in map(json.loads, sys.stdin)]'
echo "== The engine's records of them (pstnctl cdr)"
"$BIN/pstnctl" cdr --limit 12
echo "== The voicemail left on 95555 (pstnctl voicemail list) and the hotline's recorded calls (pstnctl recordings list)"
"$BIN/pstnctl" voicemail list
"$BIN/pstnctl" recordings list --kind call
echo "== The service queue (95533): the queue log and the agents (pstnctl queue-log, pstnctl agents)"
"$BIN/pstnctl" queue-log
"$BIN/pstnctl" agents
if [ "${1:-}" = "--once" ]; then exit 0; fi
fill labs/demo-trickle.yaml > "$LAB/trickle.yaml"
"$BIN/pstn-sim" --scenario "$LAB/trickle.yaml" --report "$LAB/trickle.json" >"$LAB/trickle.log" 2>&1 &
TRICKLE=$!
cat <<HELP

== pstn-sim now places a call to the hotline every few seconds. In a second shell, try:

  export PSTN_SOCKET=$LAB/control.sock PATH=$BIN:\$PATH
  pstnctl top                      # spans, busy channels and calls, refreshed every second
  pstnctl calls                    # the calls up now; pstnctl calls show ID
  pstnctl events --follow          # every call event as it happens (--kind call.released ...)
  pstnctl channels --busy          # which B-channels, CICs and analog lines carry a call
  pstnctl cdr --number 138         # call detail records; --cause 1, --state interrupted ...
  pstnctl calls hangup ID --cause 17
  pstnctl calls originate --trunk-group carrier --to 13800138000 --hangup-after 3
  pstnctl block ss7 --cics 1-5     # and unblock; pstnctl block span1 --channels 1-3
  pstnctl capture start span1 /tmp/span1.pcap; pstnctl capture stop span1; tshark -r /tmp/span1.pcap
  pstnctl metrics                  # Prometheus text
  pstnctl events --follow --kind ivr.step    # callers' steps through the IVR (call 95555 or 95566)
  pstnctl commands                 # everything the socket offers, and the role each needs
  $BIN/dahdi-emu fault --control $LAB/lab.sock pull e1-2    # then replug e1-2

Ctrl-C here stops the demo and removes $LAB.
HELP
wait "$TRICKLE" || true
