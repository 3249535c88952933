#!/usr/bin/env bash
# Make the prompt set from sounds/prompts.txt: sounds/en/NAME.wav and sounds/zh/NAME.wav, spoken by
# espeak-ng (voices en-us and cmn), converted by sox to 8 kHz mono 16-bit PCM and normalised to
# -3 dBFS peak; plus sounds/tones/beep.wav (the voicemail beep) and sounds/moh/default.wav (music
# on hold). The results are committed: a fresh machine needs neither tool to run the engine.
# Needs: espeak-ng espeak-ng-data sox (apt-get install -y espeak-ng espeak-ng-data sox).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v espeak-ng >/dev/null && command -v sox >/dev/null || {
  echo "make-prompts.sh needs espeak-ng and sox (apt-get install -y espeak-ng espeak-ng-data sox)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make() { # LANG VOICE SPEED NAME TEXT
  local out="sounds/$1/$4.wav"
  mkdir -p "$(dirname "$out")"
  espeak-ng -v "$2" -s "$3" -w "$tmp/raw.wav" "$5"
  sox -R -V1 "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out" silence 1 0.02 0.2% reverse silence 1 0.02 0.2% reverse pad 0 0.08 norm -3
}
count=0
while IFS='|' read -r name en zh; do
  name=$(echo "$name" | sed 's/^ *//;s/ *$//')
  [ -z "$name" ] || [ "${name:0:1}" = "#" ] && continue
  en=$(echo "$en" | sed 's/^ *//;s/ *$//')
  zh=$(echo "$zh" | sed 's/^ *//;s/ *$//')
  make en en-us 160 "$name" "$en"
  make zh cmn 150 "$name" "$zh"
  count=$((count + 1))
done < sounds/prompts.txt
mkdir -p sounds/tones sounds/moh
# The beep before a voicemail: 1 kHz for 0.4 s at -6 dBFS.
sox -V1 -n -r 8000 -c 1 -b 16 -e signed-integer sounds/tones/beep.wav synth 0.4 sine 1000 vol 0.5
# Music on hold: a slow arpeggio of soft chords, 16 s, looped by the player.
sox -V1 -n -r 8000 -c 1 -b 16 -e signed-integer "$tmp/a.wav" synth 2 pluck C4 pluck E4 pluck G4 fade 0 2 0.3 vol 0.4
sox -V1 -n -r 8000 -c 1 -b 16 -e signed-integer "$tmp/b.wav" synth 2 pluck A3 pluck C4 pluck E4 fade 0 2 0.3 vol 0.4
sox -V1 -n -r 8000 -c 1 -b 16 -e signed-integer "$tmp/c.wav" synth 2 pluck F3 pluck A3 pluck C4 fade 0 2 0.3 vol 0.4
sox -V1 -n -r 8000 -c 1 -b 16 -e signed-integer "$tmp/d.wav" synth 2 pluck G3 pluck B3 pluck D4 fade 0 2 0.3 vol 0.4
sox -V1 "$tmp/a.wav" "$tmp/b.wav" "$tmp/c.wav" "$tmp/d.wav" "$tmp/a.wav" "$tmp/b.wav" "$tmp/c.wav" "$tmp/d.wav" sounds/moh/default.wav norm -6
echo "made $count prompts in sounds/en and sounds/zh, sounds/tones/beep.wav and sounds/moh/default.wav"
