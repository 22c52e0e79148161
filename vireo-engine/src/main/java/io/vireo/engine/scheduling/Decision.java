package io.vireo.engine.scheduling;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Where a VM goes, or why it goes nowhere. */
public sealed interface Decision {
    /** The host with the best total weight; ties go to the first host by name. */
    record Chosen(String hostId, String hostName, double score) implements Decision {
        public Chosen {
            requireNonNull(hostId, "hostId");
            requireNonNull(hostName, "hostName");
        }
    }

    /**
     * No host can run the VM.
     *
     * @param message one sentence saying, host by host, what stood in the way
     * @param rejections the same, one entry per host, ordered by host name
     */
    record Refused(String message, List<Rejection> rejections) implements Decision {
        public Refused {
            requireNonNull(message, "message");
            rejections = List.copyOf(rejections);
        }
    }
}
