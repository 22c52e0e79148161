package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;

/** A VM's display: a VNC server, a SPICE server, or none. The wire names are lower case, as libvirt's graphics types. */
public enum Graphics {
    @JsonProperty("vnc") VNC,
    @JsonProperty("spice") SPICE,
    @JsonProperty("none") NONE;

    /** The libvirt graphics type, also the name in the API. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The display of an API name ("vnc", "spice", "none"). */
    public static Graphics of(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
