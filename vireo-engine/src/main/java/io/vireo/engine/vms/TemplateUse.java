package io.vireo.engine.vms;

import org.jdbi.v3.core.Handle;

import java.util.Optional;
import java.util.UUID;

/**
 * Whether a VM is the template of something built on its disks (a desktop pool): such a VM may
 * neither start nor be removed. Owned here, implemented by the pools feature, which sits above vms.
 */
@FunctionalInterface
public interface TemplateUse {
    TemplateUse NONE = (h, vmId) -> Optional.empty();

    /** The name of the pool whose template the VM is, if any. */
    Optional<String> poolUsing(Handle h, UUID vmId);
}
