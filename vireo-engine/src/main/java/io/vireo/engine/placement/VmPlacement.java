package io.vireo.engine.placement;

import io.vireo.engine.vms.HostChooser;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.scheduling.ClusterSnapshot;
import io.vireo.engine.scheduling.Decision;
import io.vireo.engine.scheduling.Rejection;
import io.vireo.engine.scheduling.Scheduler;
import io.vireo.engine.scheduling.VmRequest;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Where a VM starts or migrates to: the cluster's scheduling policy (filters, then weights) over a
 * fresh snapshot of the cluster. A refusal says, host by host, which filter rejected it and why.
 */
public final class VmPlacement implements HostChooser {
    private final ClusterSnapshotReader snapshots;
    private final Scheduler scheduler;

    public VmPlacement(ClusterSnapshotReader snapshots, Scheduler scheduler) {
        this.snapshots = requireNonNull(snapshots, "snapshots");
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    @Override
    public UUID chooseForStart(Vm vm, UUID requestedHost) {
        ClusterSnapshot snapshot = snapshots.read(UUID.fromString(vm.clusterId()));
        // a start places a VM that runs nowhere, whatever a stale row says
        VmRequest request = snapshot.vm(vm.id()).onHost(null);
        return decide(snapshot, request, requestedHost, Set.of());
    }

    /** A destination for a live migration: any acceptable host but the VM's own and the excluded ones. */
    public UUID chooseForMigration(Vm vm, UUID requestedHost, Set<UUID> excluded) {
        ClusterSnapshot snapshot = snapshots.read(UUID.fromString(vm.clusterId()));
        VmRequest request = snapshot.vm(vm.id());
        if (requestedHost != null && requestedHost.toString().equals(vm.hostId())) {
            throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, "VM " + vm.name() + " already runs on the requested host");
        }
        // the migration-source filter keeps the VM off its own host, and says so in the refusal
        return decide(snapshot, request, requestedHost, excluded);
    }

    private UUID decide(ClusterSnapshot snapshot, VmRequest request, UUID requestedHost, Set<UUID> excluded) {
        if (requestedHost != null) {
            if (snapshot.host(requestedHost.toString()) == null) {
                throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, "Host " + requestedHost + " is not in the VM's cluster");
            }
            Optional<Rejection> rejection = scheduler.check(snapshot, request, requestedHost.toString());
            if (rejection.isPresent()) {
                throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, "VM " + request.name() + " cannot run on host "
                        + rejection.get().hostName() + ": " + rejection.get().reason());
            }
            return requestedHost;
        }
        Set<String> excludedIds = new HashSet<>();
        excluded.forEach(id -> excludedIds.add(id.toString()));
        Decision decision = scheduler.schedule(snapshot, request, excludedIds);
        return switch (decision) {
            case Decision.Chosen chosen -> UUID.fromString(chosen.hostId());
            case Decision.Refused refused -> throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, refused.message());
        };
    }
}
