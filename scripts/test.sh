#!/usr/bin/env bash
# Install what is needed, build everything, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build
# Unit tests first, in parallel. Then the lab tests (real processes, real-time audio), with no
# unit test competing for the CPU: each takes a slot (PSTN_LAB_PARALLEL, default one per two
# cores), and those that measure load or CPU, or run a fax, take every slot (LabSlots.swift).
# Both phases run even if the first fails, so that one run shows every failure.
lab='LabTests|DeviceEmulatorTests|RecordingCrashTests'
status=0
swift test --skip "$lab" || status=$?
swift test --skip-build --filter "$lab" || status=$?
exit "$status"
