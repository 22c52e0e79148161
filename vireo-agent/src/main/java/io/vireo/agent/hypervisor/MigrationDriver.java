package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.MigrationPolicy;
import java.util.UUID;

import java.util.Optional;
import java.util.concurrent.Future;

/**
 * What a live migration needs from libvirt, so that its control loop ({@link LiveMigration}) can be
 * tested with a fake. Every call but {@link #start} is bounded by the usual call timeout.
 */
interface MigrationDriver {
    /** How far the running job is; empty when the domain has no job (or no longer exists). */
    record JobProgress(long dataTotalBytes, long dataProcessedBytes, long dataRemainingBytes) {
    }

    /**
     * Starts the migration call, which blocks until the migration ends, on a thread of its own and
     * without the call timeout; the future fails with libvirt's error when the migration fails.
     */
    Future<?> start(UUID vmId, String destinationUri, MigrationPolicy policy);

    Optional<JobProgress> jobProgress(UUID vmId);

    /** The current job's statistics (operation, figures); empty when the domain does not exist. */
    Optional<JobStats> currentJob(UUID vmId);

    void setMaxDowntime(UUID vmId, int downtimeMs);

    /** The maximum downtime QEMU works with now; empty when libvirt cannot tell. */
    Optional<Integer> maxDowntimeMs(UUID vmId);

    void startPostCopy(UUID vmId);

    /** Aborts the domain's job; false when it has none (any more). */
    boolean abortJob(UUID vmId);

    /** Whether the VM is active on this host. */
    boolean runsHere(UUID vmId);

    /** Whether the VM is active on the host behind the URI, asked over a connection of its own. */
    boolean runsOn(String destinationUri, UUID vmId);

    /** The statistics of the last completed job, kept for a later reader too; empty when none. */
    Optional<JobStats> completedJobOn(String destinationUri, UUID vmId);
}
