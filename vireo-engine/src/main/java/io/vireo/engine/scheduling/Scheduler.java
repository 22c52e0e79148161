package io.vireo.engine.scheduling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Places a VM on a host of a cluster snapshot, following the cluster's policy: every filter must
 * accept the host, then the host with the highest weighted score wins.
 *
 * <p>It keeps no state, so one instance serves every caller. {@link #schedule} is the hot path (a
 * VM start, a migration): plain loops over arrays, filters asked only whether they accept, and
 * refusals worded in a second pass when no host is left.
 */
public final class Scheduler {
    static final String EXCLUDED = "excluded from this request";

    /**
     * The best host for the VM, or a refusal that says why each host cannot take it.
     *
     * @param excludedHostIds hosts the caller rules out (a migration's failed targets, for one)
     */
    public Decision schedule(ClusterSnapshot snapshot, VmRequest vm, Set<String> excludedHostIds) {
        requireNonNull(snapshot, "snapshot");
        requireNonNull(vm, "vm");
        requireNonNull(excludedHostIds, "excludedHostIds");
        SchedulingContext context = new SchedulingContext(snapshot, vm);
        HostFilter[] filters = snapshot.policy().filterArray();
        PolicyWeight[] weights = snapshot.policy().weightArray();
        HostCandidate best = null;
        double bestScore = 0;
        // Hosts come ordered by name, so keeping the first of equal scores breaks ties by name.
        for (HostCandidate host : snapshot.hostArray()) {
            if (!accepted(host, vm, context, filters, excludedHostIds)) {
                continue;
            }
            double score = 0;
            for (PolicyWeight weight : weights) {
                score += weight.factor() * weight.weight().score(host, vm, context);
            }
            if (best == null || score > bestScore) {
                best = host;
                bestScore = score;
            }
        }
        if (best != null) {
            return new Decision.Chosen(best.id(), best.name(), bestScore);
        }
        // Only a refusal needs the reasons, so they are worded in this second pass.
        List<Rejection> rejections = new ArrayList<>();
        for (HostCandidate host : snapshot.hostArray()) {
            Rejection rejection = rejection(host, vm, context, filters, excludedHostIds);
            if (rejection == null) {
                throw new IllegalStateException("A filter accepts host " + host.name() + " for VM " + vm.name()
                        + " yet gives no reason to refuse it");
            }
            rejections.add(rejection);
        }
        return new Decision.Refused(refusal(vm, rejections), rejections);
    }

    /**
     * Every host that can run the VM, best first (ties by name), with each weight's part in its
     * score: what the balancer chooses among, and what an administrator reads to see why.
     */
    public List<HostScore> rank(ClusterSnapshot snapshot, VmRequest vm, Set<String> excludedHostIds) {
        requireNonNull(snapshot, "snapshot");
        requireNonNull(vm, "vm");
        requireNonNull(excludedHostIds, "excludedHostIds");
        SchedulingContext context = new SchedulingContext(snapshot, vm);
        HostFilter[] filters = snapshot.policy().filterArray();
        List<HostScore> scores = new ArrayList<>();
        for (HostCandidate host : snapshot.hostArray()) {
            if (accepted(host, vm, context, filters, excludedHostIds)) {
                scores.add(score(host, vm, context));
            }
        }
        // A stable sort keeps equal scores in name order.
        scores.sort(Comparator.comparingDouble(HostScore::total).reversed());
        return scores;
    }

    /** Why the host cannot run the VM, in the words of the first filter that refuses it; empty when it can. */
    public Optional<Rejection> check(ClusterSnapshot snapshot, VmRequest vm, String hostId) {
        HostCandidate host = snapshot.host(hostId);
        if (host == null) {
            return Optional.of(new Rejection(hostId, hostId, "availability", "it is not in the VM's cluster"));
        }
        SchedulingContext context = new SchedulingContext(snapshot, vm);
        return Optional.ofNullable(rejection(host, vm, context, snapshot.policy().filterArray(), Set.of()));
    }

    private static boolean accepted(HostCandidate host, VmRequest vm, SchedulingContext context,
                                    HostFilter[] filters, Set<String> excludedHostIds) {
        if (!excludedHostIds.isEmpty() && excludedHostIds.contains(host.id())) {
            return false;
        }
        for (HostFilter filter : filters) {
            if (!filter.accepts(host, vm, context)) {
                return false;
            }
        }
        return true;
    }

    private static Rejection rejection(HostCandidate host, VmRequest vm, SchedulingContext context,
                                       HostFilter[] filters, Set<String> excludedHostIds) {
        if (!excludedHostIds.isEmpty() && excludedHostIds.contains(host.id())) {
            return new Rejection(host.id(), host.name(), "excluded", EXCLUDED);
        }
        for (HostFilter filter : filters) {
            Optional<String> reason = filter.reject(host, vm, context);
            if (reason.isPresent()) {
                return new Rejection(host.id(), host.name(), filter.name(), reason.get());
            }
        }
        return null;
    }

    private static HostScore score(HostCandidate host, VmRequest vm, SchedulingContext context) {
        Map<String, Double> parts = new LinkedHashMap<>();
        double total = 0;
        for (PolicyWeight weight : context.snapshot().policy().weightArray()) {
            double part = weight.factor() * weight.weight().score(host, vm, context);
            parts.put(weight.weight().name(), part);
            total += part;
        }
        return new HostScore(host.id(), host.name(), total, parts);
    }

    private static String refusal(VmRequest vm, List<Rejection> rejections) {
        StringBuilder message = new StringBuilder("No host can run VM ").append(vm.name()).append(": ");
        if (rejections.isEmpty()) {
            return message.append("the cluster has no hosts").toString();
        }
        for (int i = 0; i < rejections.size(); i++) {
            Rejection rejection = rejections.get(i);
            message.append(i == 0 ? "" : "; ").append(rejection.hostName()).append(": ").append(rejection.reason());
        }
        return message.toString();
    }
}
