package io.vireo.engine.datacenters;

import org.jdbi.v3.core.Handle;

import java.util.UUID;

/**
 * Whether anything of a feature above this one (a storage domain) still lives in a data center,
 * so that it may not be removed; the counterpart of {@link ClusterUsage} one level up.
 */
@FunctionalInterface
public interface DataCenterUsage {
    boolean dataCenterInUse(Handle h, UUID dataCenterId);
}
