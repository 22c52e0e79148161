package io.vireo.model.rpc;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One agent-to-engine notification, typed: its JSON-RPC name and the record its params are. No
 * reply, no epoch: an event is what the host saw, whoever leads.
 */
public record AgentEvent<P>(String name, Class<P> paramsType) {
    public AgentEvent {
        requireNonNull(name, "name");
        requireNonNull(paramsType, "paramsType");
    }

    /** Pushed by a source host about twice a second while a VM migrates. */
    public static final AgentEvent<MigrationProgress> MIGRATION_PROGRESS =
            new AgentEvent<>(AgentMethods.EVENT_MIGRATION_PROGRESS, MigrationProgress.class);
    /**
     * A VM's lifecycle changed; state shutoff when it has gone, migrated from the source host when an
     * outgoing live migration moved it away.
     */
    public static final AgentEvent<VmStateChange> VM_STATE_CHANGED =
            new AgentEvent<>(AgentMethods.EVENT_VM_STATE_CHANGED, VmStateChange.class);
    public static final AgentEvent<HostStatsReport> HOST_STATS =
            new AgentEvent<>(AgentMethods.EVENT_HOST_STATS, HostStatsReport.class);
    /** Every second, so the engine can tell a silent host from a quiet one. */
    public static final AgentEvent<NoParams> HEARTBEAT = new AgentEvent<>(AgentMethods.EVENT_HEARTBEAT, NoParams.class);

    /**
     * The agent asks for a new certificate over its link, when two thirds of its certificate's life
     * has passed (or the engine asked it to): a certificate request for a key it just made.
     */
    public static final AgentEvent<CertificateRequest> CERTIFICATE_REQUEST =
            new AgentEvent<>(AgentMethods.EVENT_CERTIFICATE_REQUEST, CertificateRequest.class);

    public static final List<AgentEvent<?>> ALL = List.of(MIGRATION_PROGRESS, VM_STATE_CHANGED, HOST_STATS, HEARTBEAT,
            CERTIFICATE_REQUEST);
}
