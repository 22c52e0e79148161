#!/usr/bin/env bash
# Makes this machine's QEMU guests' displays (VNC, SPICE) listen on one address only and take TLS only,
# with the host certificate the Vireo agent writes (docs/libvirt-tls.md). Writes a block of its own in
# /etc/libvirt/qemu.conf (replacing the one an earlier run wrote) and restarts a running libvirtd when
# the block changed; running guests keep their displays until they restart.
#   scripts/configure-qemu-displays.sh [LISTEN_ADDRESS [PKI_DIRECTORY]]
# LISTEN_ADDRESS: the host's management address, never 0.0.0.0 (default 127.0.0.1, the all-in-one's);
# PKI_DIRECTORY: the agent's --libvirt-pki-dir (default /etc/pki/vireo-libvirt).
# QEMU_CONF (environment) writes another file instead, and restarts nothing.
set -euo pipefail
listen=${1:-127.0.0.1}
pki=${2:-/etc/pki/vireo-libvirt}
conf=${QEMU_CONF:-/etc/libvirt/qemu.conf}
case "$listen" in
    0.0.0.0|::|"[::]"|0) echo "a display listen address must be the host's management address, not $listen" >&2; exit 1 ;;
esac
# libvirtd refuses to start when a named certificate directory is missing; the agent fills it
mkdir -p "$pki/qemu"
chmod 0755 "$pki" "$pki/qemu"
block=$(cat <<CONF
# BEGIN Vireo displays (scripts/configure-qemu-displays.sh)
vnc_listen = "$listen"
spice_listen = "$listen"
vnc_tls = 1
vnc_tls_x509_cert_dir = "$pki/qemu"
vnc_tls_x509_verify = 1
spice_tls = 1
spice_tls_x509_cert_dir = "$pki/qemu"
# END Vireo displays
CONF
)
current=$(sed -n '/^# BEGIN Vireo displays/,/^# END Vireo displays/p' "$conf")
if [ "$current" = "$block" ]; then
    exit 0
fi
sed -i '/^# BEGIN Vireo displays/,/^# END Vireo displays/d' "$conf"
printf '%s\n' "$block" >> "$conf"
echo "Displays in $conf: on $listen, TLS only with $pki/qemu"
if [ "$conf" = /etc/libvirt/qemu.conf ] && pgrep -x libvirtd >/dev/null; then
    if command -v systemctl >/dev/null && systemctl is-active --quiet libvirtd 2>/dev/null; then
        systemctl restart libvirtd
    else
        kill "$(cat /run/libvirtd.pid)"
        for _ in $(seq 1 50); do pgrep -x libvirtd >/dev/null || break; sleep 0.2; done
        libvirtd -d
    fi
fi
