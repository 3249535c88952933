#!/usr/bin/env bash
# Install every Debian 12 package the engine, the lab and the tests need (run as root).
set -euo pipefail
PACKAGES=(
  pkg-config
  libpri-dev libss7-dev libspandsp-dev libtonezone-dev
  dahdi-source   # <dahdi/user.h>, the DAHDI user ABI
  dahdi          # dahdi_cfg, dahdi_test: Debian's own tools, run against dahdi-emu
  libsndfile1-dev libsamplerate0-dev   # prompts and recordings: read any audio file, resample to 8 kHz
                 # (Debian 12's libsndfile1 1.2.0 links libmp3lame0 and libmpg123-0: MP3 recordings need nothing more)
  libfuse3-dev fuse3
  util-linux     # unshare, for running dahdi tools with the lab bound on /dev/dahdi
  espeak-ng espeak-ng-data   # DTMF talk-off tests: English and Mandarin (cmn) speech corpus
  sox            # DTMF talk-off tests: synthesised music corpus, 8 kHz WAV conversion
  tshark         # D-channel capture tests: decode the engine's LAPD/Q.931 pcaps
  python3        # the lab's loopback HTTP services (IVR lookups, CRM); the demo's event filter
  ghostscript    # fax: documents (PDF, PostScript) rendered into fax pages
  libtiff-tools  # fax: tiff2pdf turns received faxes into PDF
  libtiff-dev    # fax: reading and comparing fax pages
  paps fonts-wqy-microhei   # fax: UTF-8 text (Chinese included) laid out into pages
  img2pdf        # fax: PNG and JPEG images into pages
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
command -v swift >/dev/null || { echo "swift is not installed (expected at /opt/swift)" >&2; exit 1; }
