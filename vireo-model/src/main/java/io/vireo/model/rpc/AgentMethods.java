package io.vireo.model.rpc;

/**
 * The JSON-RPC 2.0 method names between engine and agent. Engine-to-agent commands carry the
 * leader epoch in their params as {@code "epoch"}; the agent refuses an epoch lower than the
 * highest it has seen. Commands are named by outcome, so repeating one is always safe.
 */
public final class AgentMethods {
    private AgentMethods() {
    }

    // engine -> agent
    /** params: {epoch} result: {facts: HostFacts, vms: [VmObservation]} */
    public static final String HOST_HELLO = "host.hello";
    /** params: {epoch} result: [VmObservation] */
    public static final String VM_LIST = "vm.list";
    /** params: {epoch, spec: VmSpec} result: {observation: VmObservation, alreadyRunning: bool} */
    public static final String VM_ENSURE_RUNNING = "vm.ensureRunning";
    /** params: {epoch, vmId} result: {wasRunning: bool} */
    public static final String VM_ENSURE_STOPPED = "vm.ensureStopped";
    /** params: {epoch, vmId} result: {requested: bool} ACPI power button; the engine waits and falls back. */
    public static final String VM_REQUEST_SHUTDOWN = "vm.requestShutdown";
    /** params: {epoch, vmId} result: {} */
    public static final String VM_REBOOT = "vm.reboot";
    /** params: {epoch, vmId} result: VmObservation; pausing an already paused VM is fine. */
    public static final String VM_ENSURE_PAUSED = "vm.ensurePaused";
    /** params: {epoch, vmId} result: VmObservation; resuming a running VM is fine. */
    public static final String VM_ENSURE_RESUMED = "vm.ensureResumed";
    /** params: {epoch, vmId, password, validTo (ISO-8601)} result: {validTo}: opens the VM's console to one ticket. */
    public static final String VM_SET_CONSOLE_PASSWORD = "vm.setConsolePassword";
    /** params: {epoch, vmId, offset} result: {text, nextOffset} */
    public static final String VM_READ_CONSOLE_LOG = "vm.readConsoleLog";
    /** params: {epoch, path, sizeBytes, format} result: {path, actualSizeBytes, created: bool} */
    public static final String DISK_ENSURE_CREATED = "disk.ensureCreated";
    /** params: {epoch, path} result: {deleted: bool} */
    public static final String DISK_ENSURE_DELETED = "disk.ensureDeleted";
    /** params: {epoch, path} result: {exists: bool, writable: bool} */
    public static final String STORAGE_CHECK_PATH = "storage.checkPath";

    /**
     * params: {epoch, vmId, destinationUri, policy: MigrationPolicy} result: MigrationResult. Runs on the
     * source host until the migration ends (live, peer to peer); progress comes as migration.progress.
     * If the VM already runs on the destination (a repeat after the first call finished), answers completed.
     */
    public static final String VM_MIGRATE = "vm.migrate";
    /** params: {epoch, vmId} result: {cancelled: bool} aborts a migration in flight; false when none runs. */
    public static final String VM_CANCEL_MIGRATION = "vm.cancelMigration";
    /** params: {epoch, vmId} result: {active: bool, progress: MigrationProgress or null} */
    public static final String VM_MIGRATION_STATUS = "vm.migrationStatus";

    // agent -> engine (notifications, no reply)
    /** params: MigrationProgress */
    public static final String EVENT_MIGRATION_PROGRESS = "migration.progress";
    /**
     * params: VmObservation, or {id, state: "shutoff"} when a VM has gone, or {id, state: "migrated"}
     * from the source host when an outgoing live migration moved it away.
     */
    public static final String EVENT_VM_STATE_CHANGED = "vm.stateChanged";
    /** params: {host: HostStats, vms: [VmObservation]} */
    public static final String EVENT_HOST_STATS = "host.stats";
    /** params: {} every second */
    public static final String EVENT_HEARTBEAT = "host.heartbeat";

    /** JSON-RPC error code an agent answers when a command carries a stale epoch. */
    public static final int ERROR_STALE_EPOCH = -32010;
    /** JSON-RPC error code for a command that failed on the host (libvirt, qemu-img). */
    public static final int ERROR_HOST_FAILURE = -32020;
    /** JSON-RPC error code for a VM that the host does not know. */
    public static final int ERROR_NO_SUCH_VM = -32030;
}
