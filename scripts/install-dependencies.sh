#!/usr/bin/env bash
# Installs what Vireo and its tests need on Debian 12: QEMU, libvirt, PostgreSQL, the lab's tools.
# Safe to run again; used by ./install.sh and by .ci/run.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
    echo "run as root (it installs Debian packages)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# The list is scripts/debian-packages.txt (also read by .ci/run): qemu + libvirt (the hypervisor, virsh, the C library
# libvirt-java binds), postgresql (binaries of the engine's embedded database), busybox-static + cpio (the lab's tiny
# guest), iproute2, dnsmasq-base, nftables (lab networks), maven (the build).
mapfile -t PACKAGES < "$(dirname "$0")/debian-packages.txt"
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian's postgresql package starts a cluster of its own where systemd runs; Vireo does not use it.
if [ ! -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    echo "Java 21+ is needed at /usr/lib/jvm/temurin-25-jdk-amd64 (or set JAVA_HOME to a JDK 21+)" >&2
    [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || exit 1
fi
