package io.vireo.model;

/**
 * A network attached to a cluster: every host of the cluster carries it.
 *
 * @param required a host that cannot carry it is NonOperational
 */
public record ClusterNetwork(String clusterId, String networkId, String name, boolean required) {
    /** @param required null for false */
    public record Attach(String networkId, Boolean required) {
    }
}
