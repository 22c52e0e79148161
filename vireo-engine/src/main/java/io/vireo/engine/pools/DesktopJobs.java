package io.vireo.engine.pools;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.storage.DiskJobs;
import io.vireo.engine.storage.StorageJobParams;
import io.vireo.model.rpc.AgentMethods;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The jobs that give a desktop its disks: thin overlays of the template's disks, made when the
 * desktop is made ({@link CreateDesktopJob}), and made afresh when a stateless desktop comes back
 * from its user ({@link ResetDesktopJob}).
 */
public final class DesktopJobs {
    private final Jdbi jdbi;
    private final DiskJobs diskJobs;
    private final AgentGateway gateway;
    private final EventLog events;

    public DesktopJobs(Jdbi jdbi, DiskJobs diskJobs, AgentGateway gateway, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.diskJobs = requireNonNull(diskJobs, "diskJobs");
        this.gateway = requireNonNull(gateway, "gateway");
        this.events = requireNonNull(events, "events");
    }

    public List<JobHandler<?, ?>> handlers() {
        return List.of(new CreateDesktopJob(this), new ResetDesktopJob(this));
    }

    private record Overlay(UUID diskId, String name, String path, String backingPath) {
    }

    private List<Overlay> overlays(UUID vmId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT d.id, d.name, d.path, b.path AS backing_path FROM disks d "
                        + "JOIN disks b ON b.id = d.backing_disk_id WHERE d.vm_id = :vm ORDER BY d.boot_order")
                .bind("vm", vmId)
                .map((rs, ctx) -> new Overlay(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("path"),
                        rs.getString("backing_path"))).list());
    }

    /** Makes the desktop's overlays on a host of the data center; {@code fresh} replaces what a user left in them. */
    void makeOverlays(JobContext<StorageJobParams> context, boolean fresh) {
        List<Overlay> overlays = overlays(context.targetId());
        UUID host = diskJobs.hostForStorage(context.params().dataCenterId());
        for (int i = 0; i < overlays.size(); i++) {
            Overlay overlay = overlays.get(i);
            context.progress(100 * i / overlays.size(), (fresh ? "Resetting " : "Making ") + "disk " + overlay.name());
            try {
                gateway.call(host, AgentMethods.DISK_ENSURE_CREATED, gateway.params()
                        .put("path", overlay.path()).put("backingPath", overlay.backingPath()).put("fresh", fresh),
                        Duration.ofMinutes(2));
            } catch (AgentException e) {
                throw new JobFailure(e.code(), "Disk " + overlay.name() + " could not be "
                        + (fresh ? "reset to the template" : "made") + ": " + e.getMessage());
            }
        }
    }

    /** The desktop's disks are usable and it needs no reset. */
    void overlaysReady(Handle h, UUID vmId) {
        h.createUpdate("UPDATE disks SET status = 'OK' WHERE vm_id = :vm").bind("vm", vmId).execute();
        h.createUpdate("UPDATE vms SET needs_reset = FALSE WHERE id = :vm").bind("vm", vmId).execute();
    }

    void reportReset(Handle h, JobContext<StorageJobParams> context) {
        String name = h.createQuery("SELECT name FROM vms WHERE id = :vm").bind("vm", context.targetId()).mapTo(String.class).one();
        events.write(h, EventLog.Entry.info("DESKTOP_RESET", "Desktop " + name + " was reset to its template and is free")
                .vm(context.targetId()).job(context.jobId()));
    }

    /** The monitor tries again later with a fresh overlay; until then nobody is given this desktop. */
    void overlaysFailed(UUID vmId) {
        jdbi.useHandle(h -> {
            h.createUpdate("UPDATE vms SET needs_reset = TRUE WHERE id = :vm").bind("vm", vmId).execute();
            h.createUpdate("UPDATE disks SET status = 'ILLEGAL' WHERE vm_id = :vm AND status = 'LOCKED'").bind("vm", vmId).execute();
        });
    }
}
