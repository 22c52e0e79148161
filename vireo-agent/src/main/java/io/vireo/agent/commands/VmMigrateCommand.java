package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.MigrateParams;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import java.util.UUID;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * Live-migrates a VM from this host and answers when the migration has ended, which can take
 * minutes; progress goes to the engine meanwhile as migration.progress notifications.
 */
public final class VmMigrateCommand implements AgentCommand<MigrateParams, MigrationResult> {
    private final Hypervisor hypervisor;
    private final Consumer<MigrationProgress> progress;
    private final UnaryOperator<String> clientUri;

    /**
     * @param progress where progress goes, e.g. to the engine; the same one for every call, so that a
     *     repeated call attaching to a migration in flight does not make its progress go out twice
     * @param clientUri adds to the engine's destination URI what only this host knows: where its own
     *     certificate is (LibvirtPki.clientUri), which this host presents to the destination
     */
    public VmMigrateCommand(Hypervisor hypervisor, Consumer<MigrationProgress> progress, UnaryOperator<String> clientUri) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
        this.progress = requireNonNull(progress, "progress");
        this.clientUri = requireNonNull(clientUri, "clientUri");
    }

    @Override
    public AgentMethod<MigrateParams, MigrationResult> method() {
        return AgentMethod.VM_MIGRATE;
    }

    @Override
    public MigrationResult execute(MigrateParams params) {
        UUID vmId = Params.vmId(params.vmId());
        String destinationUri = clientUri.apply(MigrationParams.destinationUri(params.destinationUri()));
        return hypervisor.migrate(vmId, destinationUri, MigrationParams.policy(params.policy()), progress);
    }
}
