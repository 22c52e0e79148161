#!/usr/bin/env bash
# First command on a fresh Debian 12 machine: install what is missing, build, and start an
# all-in-one Vireo (engine on an embedded PostgreSQL + a host agent for this machine).
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
scripts/install-dependencies.sh
scripts/configure-qemu-displays.sh
scripts/start-libvirt.sh
mvn -B -q -DskipTests install
exec bin/vireo all-in-one "$@"
