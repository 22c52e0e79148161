#!/bin/sh
# udhcpc calls this with the lease in its environment ($ip, $mask as a prefix length, $router).
case "$1" in
    bound|renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" dev "$interface"
        if [ -n "$router" ]; then
            ip route add default via "${router%% *}" dev "$interface"
        fi
        echo "GUEST-NET $interface $ip/${mask:-24} dhcp" > /dev/console
        ;;
esac
exit 0
