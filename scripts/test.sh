#!/usr/bin/env bash
# Install what is needed, build everything, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build
# Unit tests run in parallel; lab tests (real processes, real-time audio) take a slot each
# (PSTN_LAB_PARALLEL, default 2) and those that measure load or CPU run alone (LabSlots.swift).
swift test
