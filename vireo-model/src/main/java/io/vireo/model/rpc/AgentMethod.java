package io.vireo.model.rpc;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One engine-to-agent command, typed: its JSON-RPC name, the record its params are and the record
 * its result is. The engine writes the params and reads the result with these records, the agent
 * does the reverse, both with {@link io.vireo.model.Json}'s lenient mapper, so the JSON field names
 * are the record components' names: renaming a component changes the wire (AgentContractTest pins
 * every name). The leader's epoch is not part of any params record: the engine's gateway adds it to
 * every command and the agent's dispatcher checks it before the command sees its params.
 */
public record AgentMethod<P, R>(String name, Class<P> paramsType, Class<R> resultType) {
    public AgentMethod {
        requireNonNull(name, "name");
        requireNonNull(paramsType, "paramsType");
        requireNonNull(resultType, "resultType");
    }

    /** The engine's first call on every connection: the host's facts and its full VM list. */
    public static final AgentMethod<NoParams, HostHelloResult> HOST_HELLO =
            new AgentMethod<>(AgentMethods.HOST_HELLO, NoParams.class, HostHelloResult.class);
    public static final AgentMethod<NoParams, VmListResult> VM_LIST =
            new AgentMethod<>(AgentMethods.VM_LIST, NoParams.class, VmListResult.class);
    /** Starts the VM from the spec unless it runs already ("already running" is a success). */
    public static final AgentMethod<EnsureRunningParams, EnsureRunningResult> VM_ENSURE_RUNNING =
            new AgentMethod<>(AgentMethods.VM_ENSURE_RUNNING, EnsureRunningParams.class, EnsureRunningResult.class);
    public static final AgentMethod<VmIdParams, EnsureStoppedResult> VM_ENSURE_STOPPED =
            new AgentMethod<>(AgentMethods.VM_ENSURE_STOPPED, VmIdParams.class, EnsureStoppedResult.class);
    /** Presses the ACPI power button; the engine waits for the guest and powers off after its timeout. */
    public static final AgentMethod<VmIdParams, ShutdownRequestResult> VM_REQUEST_SHUTDOWN =
            new AgentMethod<>(AgentMethods.VM_REQUEST_SHUTDOWN, VmIdParams.class, ShutdownRequestResult.class);
    public static final AgentMethod<RebootParams, RebootResult> VM_REBOOT =
            new AgentMethod<>(AgentMethods.VM_REBOOT, RebootParams.class, RebootResult.class);
    /** Answers the VM as it is now; pausing a paused VM is fine. */
    public static final AgentMethod<VmIdParams, VmObservation> VM_ENSURE_PAUSED =
            new AgentMethod<>(AgentMethods.VM_ENSURE_PAUSED, VmIdParams.class, VmObservation.class);
    /** Answers the VM as it is now; resuming a running VM is fine. */
    public static final AgentMethod<VmIdParams, VmObservation> VM_ENSURE_RESUMED =
            new AgentMethod<>(AgentMethods.VM_ENSURE_RESUMED, VmIdParams.class, VmObservation.class);
    /** Opens the VM's console to one ticket. */
    public static final AgentMethod<ConsolePasswordParams, ConsolePasswordResult> VM_SET_CONSOLE_PASSWORD =
            new AgentMethod<>(AgentMethods.VM_SET_CONSOLE_PASSWORD, ConsolePasswordParams.class, ConsolePasswordResult.class);
    public static final AgentMethod<ConsoleLogParams, ConsoleLogResult> VM_READ_CONSOLE_LOG =
            new AgentMethod<>(AgentMethods.VM_READ_CONSOLE_LOG, ConsoleLogParams.class, ConsoleLogResult.class);
    public static final AgentMethod<DiskCreateParams, DiskCreateResult> DISK_ENSURE_CREATED =
            new AgentMethod<>(AgentMethods.DISK_ENSURE_CREATED, DiskCreateParams.class, DiskCreateResult.class);
    public static final AgentMethod<PathParams, DiskDeleteResult> DISK_ENSURE_DELETED =
            new AgentMethod<>(AgentMethods.DISK_ENSURE_DELETED, PathParams.class, DiskDeleteResult.class);
    /** Named in the contract, but no agent serves it yet: an agent answers "no method" (-32601). */
    public static final AgentMethod<PathParams, PathCheckResult> STORAGE_CHECK_PATH =
            new AgentMethod<>(AgentMethods.STORAGE_CHECK_PATH, PathParams.class, PathCheckResult.class);
    /** The boot files of the storage domain at the path (PathParams: the domain's path), for the engine's scan. */
    public static final AgentMethod<PathParams, BootFilesResult> STORAGE_LIST_BOOT_FILES =
            new AgentMethod<>(AgentMethods.STORAGE_LIST_BOOT_FILES, PathParams.class, BootFilesResult.class);
    /**
     * Runs on the source host until the migration ends (live, peer to peer); progress comes as
     * migration.progress events meanwhile. A repeat after the first call finished answers completed.
     */
    public static final AgentMethod<MigrateParams, MigrationResult> VM_MIGRATE =
            new AgentMethod<>(AgentMethods.VM_MIGRATE, MigrateParams.class, MigrationResult.class);
    /** Aborts a migration in flight, whose vm.migrate then answers cancelled. */
    public static final AgentMethod<VmIdParams, CancelMigrationResult> VM_CANCEL_MIGRATION =
            new AgentMethod<>(AgentMethods.VM_CANCEL_MIGRATION, VmIdParams.class, CancelMigrationResult.class);
    public static final AgentMethod<VmIdParams, MigrationStatusResult> VM_MIGRATION_STATUS =
            new AgentMethod<>(AgentMethods.VM_MIGRATION_STATUS, VmIdParams.class, MigrationStatusResult.class);

    /**
     * Asks the agent to renew its certificate now (it answers at once, and sends a
     * host.certificateRequest): after the engine's CA was rotated, for an agent whose certificate
     * the previous CA signed.
     */
    public static final AgentMethod<NoParams, RenewCertificateResult> HOST_RENEW_CERTIFICATE =
            new AgentMethod<>(AgentMethods.HOST_RENEW_CERTIFICATE, NoParams.class, RenewCertificateResult.class);
    /**
     * The engine's answer to a host.certificateRequest: the agent's new certificate, and the CA
     * certificates the agent trusts from now on (the current CA first, then the one before it).
     */
    public static final AgentMethod<InstallCertificateParams, InstallCertificateResult> HOST_INSTALL_CERTIFICATE =
            new AgentMethod<>(AgentMethods.HOST_INSTALL_CERTIFICATE, InstallCertificateParams.class,
                    InstallCertificateResult.class);

    /**
     * Makes the host carry these networks: for each, the VLAN sub-interface (if tagged), the bridge,
     * the port, the MTU, all up; idempotent. A port that holds addresses (the management interface)
     * gives them and their routes to the bridge, and the host must still reach its engine afterwards,
     * else that network's change is rolled back. A network the host cannot carry (a name too long, an
     * interface that does not exist, the engine lost after the change) is refused in its outcome, and
     * the host is left as it was.
     */
    public static final AgentMethod<EnsureBridgedParams, EnsureBridgedResult> NETWORK_ENSURE_BRIDGED =
            new AgentMethod<>(AgentMethods.NETWORK_ENSURE_BRIDGED, EnsureBridgedParams.class, EnsureBridgedResult.class);
    /**
     * Removes bridges no network needs (with their VLAN sub-interfaces); one that a VM still uses is kept.
     * A bridge that holds addresses gives them back to its port first, under the same engine check.
     */
    public static final AgentMethod<EnsureRemovedParams, EnsureRemovedResult> NETWORK_ENSURE_REMOVED =
            new AgentMethod<>(AgentMethods.NETWORK_ENSURE_REMOVED, EnsureRemovedParams.class, EnsureRemovedResult.class);
    /**
     * Makes the host's overlay wiring (segments, DHCP, routers, port filters) match the state, removing
     * what it left out; idempotent. See {@link OverlayState}.
     */
    public static final AgentMethod<OverlayState, OverlayConvergeResult> OVERLAY_CONVERGE =
            new AgentMethod<>(AgentMethods.OVERLAY_CONVERGE, OverlayState.class, OverlayConvergeResult.class);

    /**
     * Plugs a NIC into a running VM (live, and into its persistent definition if it has one); a NIC
     * with the spec's MAC plugged already is success, unchanged.
     */
    public static final AgentMethod<VmNicParams, VmNicResult> VM_ENSURE_NIC_PLUGGED =
            new AgentMethod<>(AgentMethods.VM_ENSURE_NIC_PLUGGED, VmNicParams.class, VmNicResult.class);
    /** Unplugs the running VM's NIC with the spec's MAC (the guest's driver lets it go); none with that MAC is success. */
    public static final AgentMethod<VmNicParams, VmNicResult> VM_ENSURE_NIC_UNPLUGGED =
            new AgentMethod<>(AgentMethods.VM_ENSURE_NIC_UNPLUGGED, VmNicParams.class, VmNicResult.class);
    /** Sets the link state the guest sees on the running VM's NIC with the spec's MAC to the spec's linked. */
    public static final AgentMethod<VmNicParams, VmNicResult> VM_SET_NIC_LINK =
            new AgentMethod<>(AgentMethods.VM_SET_NIC_LINK, VmNicParams.class, VmNicResult.class);

    public static final List<AgentMethod<?, ?>> ALL = List.of(HOST_HELLO, VM_LIST, VM_ENSURE_RUNNING, VM_ENSURE_STOPPED,
            VM_REQUEST_SHUTDOWN, VM_REBOOT, VM_ENSURE_PAUSED, VM_ENSURE_RESUMED, VM_SET_CONSOLE_PASSWORD,
            VM_READ_CONSOLE_LOG, DISK_ENSURE_CREATED, DISK_ENSURE_DELETED, STORAGE_CHECK_PATH, VM_MIGRATE,
            VM_CANCEL_MIGRATION, VM_MIGRATION_STATUS, HOST_RENEW_CERTIFICATE, HOST_INSTALL_CERTIFICATE, STORAGE_LIST_BOOT_FILES,
            NETWORK_ENSURE_BRIDGED, NETWORK_ENSURE_REMOVED, OVERLAY_CONVERGE, VM_ENSURE_NIC_PLUGGED, VM_ENSURE_NIC_UNPLUGGED,
            VM_SET_NIC_LINK);
}
