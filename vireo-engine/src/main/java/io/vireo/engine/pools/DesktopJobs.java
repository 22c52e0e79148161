package io.vireo.engine.pools;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.storage.DiskJobs;
import io.vireo.engine.storage.OverlayImage;
import io.vireo.engine.storage.StorageService;
import io.vireo.engine.vms.DesktopService;
import io.vireo.model.Vm;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.DiskCreateParams;
import io.vireo.engine.storage.StorageJobParams;
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
    private final StorageService storage;
    private final DesktopService desktops;
    private final AgentGateway gateway;
    private final EventLog events;

    public DesktopJobs(Jdbi jdbi, DiskJobs diskJobs, StorageService storage, DesktopService desktops, AgentGateway gateway,
                       EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.diskJobs = requireNonNull(diskJobs, "diskJobs");
        this.storage = requireNonNull(storage, "storage");
        this.desktops = requireNonNull(desktops, "desktops");
        this.gateway = requireNonNull(gateway, "gateway");
        this.events = requireNonNull(events, "events");
    }

    public List<JobHandler<?, ?>> handlers() {
        return List.of(new CreateDesktopJob(this), new ResetDesktopJob(this));
    }


    /** Makes the desktop's overlays on a host of the data center; {@code fresh} replaces what a user left in them. */
    void makeOverlays(JobContext<StorageJobParams> context, boolean fresh) {
        List<OverlayImage> overlays = storage.overlays(context.targetId());
        UUID host = diskJobs.hostForStorage(context.params().dataCenterId());
        for (int i = 0; i < overlays.size(); i++) {
            OverlayImage overlay = overlays.get(i);
            context.progress(100 * i / overlays.size(), (fresh ? "Resetting " : "Making ") + "disk " + overlay.name());
            try {
                gateway.call(host, AgentMethod.DISK_ENSURE_CREATED,
                        DiskCreateParams.overlay(overlay.path(), overlay.backingPath(), overlay.backingFormat(), fresh), Duration.ofMinutes(2));
            } catch (AgentException e) {
                throw new JobFailure(e.code(), "Disk " + overlay.name() + " could not be "
                        + (fresh ? "reset to the template" : "made") + ": " + e.getMessage());
            }
        }
    }

    /** The desktop's disks are usable and it needs no reset. */
    void overlaysReady(Handle h, UUID vmId) {
        desktops.overlaysMade(h, vmId, true);
    }

    void reportReset(Handle h, JobContext<StorageJobParams> context) {
        String name = desktops.find(h, context.targetId()).map(Vm::name).orElse(context.targetId().toString());
        events.write(h, EventLog.Entry.info("DESKTOP_RESET", "Desktop " + name + " was reset to its template and is free")
                .vm(context.targetId()).job(context.jobId()));
    }

    /** The monitor tries again later with a fresh overlay; until then nobody is given this desktop. */
    void overlaysFailed(UUID vmId) {
        jdbi.useTransaction(h -> desktops.overlaysMade(h, vmId, false));
    }
}
