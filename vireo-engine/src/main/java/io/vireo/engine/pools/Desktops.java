package io.vireo.engine.pools;

/** What "free" means for a desktop, as one SQL predicate over {@code vms v} used wherever pools count or choose. */
final class Desktops {
    /**
     * Given to nobody, not waiting for a reset, every disk usable, running or Down or on its way up,
     * and no job at work on it except a start (a prestarting desktop may be handed out).
     */
    static final String FREE = "v.assigned_user_id IS NULL AND NOT v.needs_reset "
            + "AND v.status IN ('DOWN', 'POWERING_UP', 'UP', 'MIGRATING_FROM') "
            + "AND NOT EXISTS (SELECT 1 FROM disks d WHERE d.vm_id = v.id AND d.status <> 'OK') "
            + "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.target_id = v.id AND j.status IN ('PENDING', 'RUNNING') "
            + "AND j.kind <> 'START_VM')";

    private Desktops() {
    }
}
