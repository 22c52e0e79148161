package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A VM's state as its host sees it (libvirt's domain state, plus MIGRATED). The wire names are lower case. */
public enum GuestState {
    @JsonProperty("running") RUNNING,
    @JsonProperty("paused") PAUSED,
    @JsonProperty("shutting_down") SHUTTING_DOWN,
    @JsonProperty("shutoff") SHUTOFF,
    @JsonProperty("crashed") CRASHED,
    /** Gone from this host because a live migration moved it: not a crash; the destination reports it from now on. */
    @JsonProperty("migrated") MIGRATED
}
