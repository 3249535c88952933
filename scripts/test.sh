#!/usr/bin/env bash
# Install what is needed, build everything, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build
# Lab tests time real-time audio; run them one at a time so their timing is not shared.
swift test --no-parallel
