#!/usr/bin/env bash
# The test command: unit tests, then the end-to-end tests on a lab of simulated hosts (needs root,
# QEMU and libvirt: run scripts/install-dependencies.sh first, or install.sh).
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
exec mvn -B verify "$@"
