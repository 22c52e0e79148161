package io.vireo.model.rpc;

/**
 * The JSON-RPC 2.0 method names between engine and agent, and the error codes an agent answers.
 * {@link AgentMethod} gives each command its params and result records, {@link AgentEvent} each
 * notification its params record; the names stay here as constants so that a switch can use them.
 * Engine-to-agent commands carry the leader epoch in their params as {@code "epoch"}; the agent
 * refuses an epoch lower than the highest it has seen. Commands are named by outcome, so repeating
 * one is always safe.
 */
public final class AgentMethods {
    private AgentMethods() {
    }

    // engine -> agent
    public static final String HOST_HELLO = "host.hello";
    public static final String VM_LIST = "vm.list";
    public static final String VM_ENSURE_RUNNING = "vm.ensureRunning";
    public static final String VM_ENSURE_STOPPED = "vm.ensureStopped";
    public static final String VM_REQUEST_SHUTDOWN = "vm.requestShutdown";
    public static final String VM_REBOOT = "vm.reboot";
    public static final String VM_ENSURE_PAUSED = "vm.ensurePaused";
    public static final String VM_ENSURE_RESUMED = "vm.ensureResumed";
    public static final String VM_SET_CONSOLE_PASSWORD = "vm.setConsolePassword";
    public static final String VM_READ_CONSOLE_LOG = "vm.readConsoleLog";
    public static final String DISK_ENSURE_CREATED = "disk.ensureCreated";
    public static final String DISK_ENSURE_DELETED = "disk.ensureDeleted";
    public static final String STORAGE_CHECK_PATH = "storage.checkPath";
    public static final String STORAGE_LIST_BOOT_FILES = "storage.listBootFiles";
    public static final String VM_MIGRATE = "vm.migrate";
    public static final String VM_CANCEL_MIGRATION = "vm.cancelMigration";
    public static final String VM_MIGRATION_STATUS = "vm.migrationStatus";
    public static final String HOST_RENEW_CERTIFICATE = "host.renewCertificate";
    public static final String HOST_INSTALL_CERTIFICATE = "host.installCertificate";
    public static final String NETWORK_ENSURE_BRIDGED = "network.ensureBridged";
    public static final String NETWORK_ENSURE_REMOVED = "network.ensureRemoved";
    public static final String OVERLAY_CONVERGE = "overlay.converge";
    public static final String VM_ENSURE_NIC_PLUGGED = "vm.ensureNicPlugged";
    public static final String VM_ENSURE_NIC_UNPLUGGED = "vm.ensureNicUnplugged";
    public static final String VM_SET_NIC_LINK = "vm.setNicLink";

    // agent -> engine (notifications, no reply)
    public static final String EVENT_MIGRATION_PROGRESS = "migration.progress";
    public static final String EVENT_VM_STATE_CHANGED = "vm.stateChanged";
    public static final String EVENT_HOST_STATS = "host.stats";
    public static final String EVENT_HEARTBEAT = "host.heartbeat";
    public static final String EVENT_CERTIFICATE_REQUEST = "host.certificateRequest";

    /** JSON-RPC error code an agent answers when a command carries a stale epoch. */
    public static final int ERROR_STALE_EPOCH = -32010;
    /** JSON-RPC error code for a command that failed on the host (libvirt, qemu-img). */
    public static final int ERROR_HOST_FAILURE = -32020;
    /** JSON-RPC error code for a VM that the host does not know. */
    public static final int ERROR_NO_SUCH_VM = -32030;
}
