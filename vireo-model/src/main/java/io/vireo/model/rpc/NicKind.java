package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a host interface is, as the kernel says (its link kind). The wire names are lower case. */
public enum NicKind {
    /** A device with hardware behind it (/sys/class/net/NAME/device exists). */
    @JsonProperty("physical") PHYSICAL,
    @JsonProperty("bridge") BRIDGE,
    @JsonProperty("vlan") VLAN,
    @JsonProperty("bond") BOND,
    @JsonProperty("veth") VETH,
    /** Anything else: loopback, tap, vxlan, tun... */
    @JsonProperty("other") OTHER
}
