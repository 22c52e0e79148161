#!/bin/busybox sh
# /init of the Vireo lab guest: just enough to show that a VM booted, got its network and keeps
# running (the TICK counter and uptime go on across a live migration, and restart after a reboot).
# Kernel arguments it reads: labip=A.B.C.D/NN (static eth0 address, else DHCP is tried),
# labgw=A.B.C.D (default route), labname=NAME (hostname), labdirty=MIB (rewrite MIB of memory with
# random bytes, over and over: a guest whose live migration cannot converge on a slow link),
# labping=A.B.C.D (once eth0 has an address, ping A.B.C.D every second and say each answer or loss).
# A NIC plugged in while the guest runs (eth1, ...) is brought up and tries DHCP (GUEST-NIC ethN appeared,
# then GUEST-NET ethN A.B.C.D/NN dhcp); one unplugged is said too (GUEST-NIC ethN gone).

/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

cmdline="$(cat /proc/cmdline)"

# Tests read the serial port: when the console is elsewhere, say it on ttyS0 as well.
say() {
    echo "$@"
    case " $cmdline " in
        *" console=ttyS0"*) ;;
        *) echo "$@" > /dev/ttyS0 2>/dev/null ;;
    esac
}

for module in $(cat /etc/modules-load); do
    insmod "/lib/modules/$module.ko" || say "GUEST-WARNING insmod $module failed"
done

# Ctrl+Alt+Del on the keyboard: rather than the kernel's instant reset, have it signal init (SIGINT),
# as real inits do, and say so, so a console test can see that the key combination reached the guest.
trap 'say "GUEST-CTRL-ALT-DEL"' INT
echo 0 > /proc/sys/kernel/ctrl-alt-del

say "GUEST-BOOTED"

labip=""
labgw=""
labdirty=""
labping=""
for argument in $cmdline; do
    case "$argument" in
        labip=*) labip="${argument#labip=}" ;;
        labgw=*) labgw="${argument#labgw=}" ;;
        labname=*) hostname "${argument#labname=}" ;;
        labdirty=*) labdirty="${argument#labdirty=}" ;;
        labping=*) labping="${argument#labping=}" ;;
    esac
done

if [ -n "$labdirty" ]; then
    mkdir -p /tmp
    (while true; do
        dd if=/dev/urandom of=/tmp/dirty bs=65536 count=$((labdirty * 16)) conv=notrunc 2>/dev/null
    done) &
    say "GUEST-DIRTYING ${labdirty} MiB"
fi

ip link set lo up
# The NIC can show up a moment after virtio_net is loaded.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    [ -e /sys/class/net/eth0 ] && break
    sleep 0.2
done
if [ -e /sys/class/net/eth0 ]; then
    ip link set eth0 up
    if [ -n "$labip" ]; then
        if ip addr add "$labip" dev eth0; then
            say "GUEST-NET eth0 $labip"
        else
            say "GUEST-WARNING cannot set $labip on eth0"
        fi
        [ -n "$labgw" ] && ip route add default via "$labgw"
    else
        # In the background and bounded: a guest without a DHCP server must still tick.
        udhcpc -i eth0 -s /etc/udhcpc.script -n -q -t 15 -T 2 >/dev/null 2>&1 &
    fi
    if [ -n "$labping" ]; then
        (until ip -4 addr show dev eth0 | grep -q inet; do sleep 0.5; done
        sequence=0
        while true; do
            sequence=$((sequence + 1))
            if ping -c 1 -W 1 "$labping" >/dev/null 2>&1; then
                say "GUEST-PING $labping ok $sequence"
            else
                say "GUEST-PING $labping lost $sequence"
            fi
            sleep 1
        done) &
    fi
fi

# Every NIC that appears after boot, whatever its name, gets the same as eth0 at boot: up, DHCP.
known=" "
[ -e /sys/class/net/eth0 ] && known=" eth0 "
(while true; do
    present=" "
    for path in /sys/class/net/eth*; do
        [ -e "$path" ] || continue
        nic="${path##*/}"
        present="$present$nic "
        case "$known" in
            *" $nic "*) ;;
            *)
                say "GUEST-NIC $nic appeared"
                ip link set "$nic" up
                udhcpc -i "$nic" -s /etc/udhcpc.script -n -q -t 15 -T 2 >/dev/null 2>&1 &
                ;;
        esac
    done
    for nic in $known; do
        case "$present" in
            *" $nic "*) ;;
            *) say "GUEST-NIC $nic gone" ;;
        esac
    done
    known="$present"
    sleep 0.5
done) &

tick=0
while true; do
    tick=$((tick + 1))
    read uptime idle < /proc/uptime
    say "TICK $tick $uptime"
    sleep 1
done
