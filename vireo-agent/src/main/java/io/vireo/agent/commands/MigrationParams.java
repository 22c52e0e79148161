package io.vireo.agent.commands;

import io.vireo.model.rpc.MigrationPolicy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** Checks of vm.migrate's parameters beyond their types. */
final class MigrationParams {
    /** Beyond a minute the guest's own timers and its users notice; that is no live migration any more. */
    static final int MAX_DOWNTIME_LIMIT_MS = 60_000;

    private MigrationParams() {
    }

    /** A libvirt URI of another host, e.g. qemu+tls://host2.example/system; a local one would be this host itself. */
    static String destinationUri(String destinationUri) {
        String value = Params.text("destinationUri", destinationUri);
        URI uri;
        try {
            uri = new URI(value);
        }
        catch (URISyntaxException e) {
            throw new IllegalArgumentException("destinationUri is no URI: " + value);
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("destinationUri must be a libvirt URI naming the destination host, such as"
                    + " qemu+tls://host2/system, not " + value);
        }
        return value;
    }

    /** The policy parameter, or the defaults when there is none. */
    static MigrationPolicy policy(MigrationPolicy policy) {
        return policy == null ? MigrationPolicy.defaults() : validated(policy);
    }

    static MigrationPolicy validated(MigrationPolicy policy) {
        check(policy.maxDowntimeMs() >= 1 && policy.maxDowntimeMs() <= MAX_DOWNTIME_LIMIT_MS,
                "policy.maxDowntimeMs must be between 1 and " + MAX_DOWNTIME_LIMIT_MS + ", not " + policy.maxDowntimeMs());
        check(policy.bandwidthMiBps() >= 0, "policy.bandwidthMiBps must be 0 (no limit) or more, not " + policy.bandwidthMiBps());
        check(policy.stallSeconds() >= 1, "policy.stallSeconds must be at least 1, not " + policy.stallSeconds());
        List<Integer> steps = policy.downtimeStepsMs();
        int previous = policy.maxDowntimeMs();
        for (Integer step : steps) {
            check(step != null && step > previous && step <= MAX_DOWNTIME_LIMIT_MS, "policy.downtimeStepsMs must rise above maxDowntimeMs ("
                    + policy.maxDowntimeMs() + ") step by step, up to " + MAX_DOWNTIME_LIMIT_MS + ": " + steps);
            previous = step;
        }
        return policy;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
