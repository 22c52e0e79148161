package io.vireo.agent.hypervisor;

import java.util.UUID;

/** A hypervisor call that failed or timed out; the message is meant for a person. */
public class HypervisorException extends RuntimeException {
    private final boolean noSuchVm;

    public HypervisorException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public HypervisorException(String message, Throwable cause, boolean noSuchVm) {
        super(message, cause);
        this.noSuchVm = noSuchVm;
    }

    public static HypervisorException noSuchVm(UUID vmId) {
        return new HypervisorException("no VM " + vmId + " runs on this host", null, true);
    }

    public boolean isNoSuchVm() {
        return noSuchVm;
    }
}
