package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.ConsoleLogResult;
import io.vireo.model.rpc.EnsureRunningResult;
import io.vireo.model.rpc.HostFacts;
import io.vireo.model.rpc.HostStats;
import io.vireo.model.rpc.MigrationPolicy;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import io.vireo.model.rpc.VmObservation;
import io.vireo.model.rpc.VmSpec;
import java.util.UUID;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The agent's view of the hypervisor on its host. Every method is idempotent and bounded in time:
 * an implementation must give up with {@link HypervisorException} rather than hang (a stopped
 * libvirtd makes calls hang forever otherwise).
 */
public interface Hypervisor extends AutoCloseable {
    HostFacts facts();

    HostStats stats();

    /** Every VM this host runs or holds, Vireo's and, if any, foreign ones. */
    List<VmObservation> listVms();

    Optional<VmObservation> findVm(UUID vmId);

    /** Starts the VM unless it already runs; answers the observation and whether it already ran. */
    EnsureRunningResult ensureRunning(VmSpec spec);

    /** Powers the VM off if it runs; answers whether it was running. */
    boolean ensureStopped(UUID vmId);

    /** Presses the ACPI power button; answers false when the VM does not run. */
    boolean requestShutdown(UUID vmId);

    /** Asks the guest to reboot (ACPI); a guest that ignores it keeps running. */
    void reboot(UUID vmId);

    /** Resets the VM like a reset button: no guest cooperation. */
    void reset(UUID vmId);

    /**
     * Sets the VNC/SPICE password of a running VM, valid until the given time (a console ticket); with
     * disconnect, the clients connected now are dropped too (SPICE only: QEMU keeps VNC clients).
     */
    void setConsolePassword(UUID vmId, String password, java.time.Instant validTo, boolean disconnect);

    /**
     * Plugs the NIC into the running VM, live and, if the domain has one, into its persistent
     * definition; answers false when a NIC with its MAC is plugged already.
     *
     * @throws HypervisorException the VM does not run here, or libvirt refuses the device
     */
    boolean ensureNicPlugged(UUID vmId, io.vireo.model.rpc.VmNicSpec nic);

    /**
     * Unplugs the running VM's NIC with this MAC and waits (bounded) until the guest has let it go;
     * answers false when it has none.
     *
     * @throws HypervisorException the VM does not run here, libvirt refuses, or the guest keeps the device
     */
    boolean ensureNicUnplugged(UUID vmId, String mac);

    /** Sets the link state of the running VM's NIC with this MAC; answers false when it was so already. */
    boolean setNicLink(UUID vmId, String mac, boolean up);

    VmObservation ensurePaused(UUID vmId);

    VmObservation ensureResumed(UUID vmId);

    /** Reads the guest's serial console log from the given byte offset. */
    ConsoleLogResult readConsoleLog(UUID vmId, long offset);

    /**
     * Live-migrates the VM to the host whose libvirt answers at destinationUri (as this host's
     * libvirtd resolves it: the migration runs peer to peer) and blocks until it ends. Progress goes
     * to the consumer about twice a second. Idempotent: while a migration of the VM runs, a repeated
     * call waits for it instead of starting another; when the VM no longer runs here but on the
     * destination, the answer is completed.
     *
     * @throws HypervisorException the VM runs neither here nor on the destination, or libvirt fails
     *     before the migration starts; a migration that starts and fails answers outcome failed
     */
    MigrationResult migrate(UUID vmId, String destinationUri, MigrationPolicy policy, Consumer<MigrationProgress> progress);

    /** Aborts the VM's outgoing migration, which then ends as cancelled; false when none runs. */
    boolean cancelMigration(UUID vmId);

    /** How far the VM's outgoing migration is; empty when none runs. */
    Optional<MigrationProgress> migrationStatus(UUID vmId);

    /** Registers a listener for lifecycle changes (started, stopped, paused, resumed, crashed). */
    void onStateChange(StateChangeListener listener);

    @Override
    void close();

    @FunctionalInterface
    interface StateChangeListener {
        /** @param observation the VM as it is now; state shutoff when it has gone */
        void stateChanged(VmObservation observation);
    }
}
