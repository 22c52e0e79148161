package io.vireo.engine.pools;

import io.vireo.engine.vms.TemplateUse;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.Optional;
import java.util.UUID;

/** Tells the VM feature which VMs are pool templates (it refuses to start or remove them). */
public final class PoolTemplates implements TemplateUse {
    private final PoolRepository pools;

    public PoolTemplates(Jdbi jdbi) {
        this.pools = new PoolRepository(jdbi);
    }

    @Override
    public Optional<String> poolUsing(Handle h, UUID vmId) {
        return pools.poolUsingTemplate(h, vmId);
    }
}
