package io.vireo.engine.datacenters;

import org.jdbi.v3.core.Handle;

import java.util.UUID;

/**
 * Whether anything of a feature above this one (a host, a VM) still lives in a cluster, so that it
 * may not be removed. Those features implement it through their services; this package cannot
 * know their tables, as they depend on it. Asked inside the removing transaction.
 */
@FunctionalInterface
public interface ClusterUsage {
    boolean clusterInUse(Handle h, UUID clusterId);
}
