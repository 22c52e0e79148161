#!/usr/bin/env bash
# Starts virtlogd and libvirtd on a machine without systemd, unless they run already.
set -euo pipefail
# Without systemd-udev nothing gives /dev/kvm its usual group and mode; libvirt then believes its QEMU
# user cannot use KVM, discards its capability cache and re-probes QEMU on every call (50 s a start).
if [ -e /dev/kvm ] && getent group kvm >/dev/null; then
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi
if ! pgrep -x virtlogd >/dev/null; then virtlogd -d; fi
if ! pgrep -x libvirtd >/dev/null; then libvirtd -d; fi
for _ in $(seq 1 100); do
    virsh -c qemu:///system version >/dev/null 2>&1 && exit 0
    sleep 0.2
done
echo "libvirtd does not answer on qemu:///system" >&2
exit 1
