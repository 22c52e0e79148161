package io.vireo.agent.hypervisor;

/**
 * A domain job's statistics as virDomainGetJobStats gives them; -1 for a figure libvirt did not report.
 *
 * @param type virDomainJobType: 0 none, 1 bounded, 2 unbounded, 3 completed, 4 failed, 5 cancelled
 * @param operation virDomainJobOperation, e.g. {@link #OPERATION_MIGRATION_OUT}
 * @param downtimeMs how long the guest's CPUs were stopped at the switch-over (completed migrations)
 */
record JobStats(
        int type,
        int operation,
        long timeElapsedMs,
        long downtimeMs,
        long dataTotalBytes,
        long dataProcessedBytes,
        long dataRemainingBytes) {
    static final int TYPE_NONE = 0;
    static final int TYPE_BOUNDED = 1;
    static final int TYPE_UNBOUNDED = 2;
    static final int TYPE_COMPLETED = 3;
    static final int OPERATION_MIGRATION_IN = 4;
    static final int OPERATION_MIGRATION_OUT = 5;

    static JobStats none() {
        return new JobStats(TYPE_NONE, -1, -1, -1, -1, -1, -1);
    }

    /** A job runs (bounded or unbounded); completed, failed and cancelled ones are over. */
    boolean active() {
        return type == TYPE_BOUNDED || type == TYPE_UNBOUNDED;
    }

    boolean outgoingMigration() {
        return active() && operation == OPERATION_MIGRATION_OUT;
    }
}
