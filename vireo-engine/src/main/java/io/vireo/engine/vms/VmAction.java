package io.vireo.engine.vms;

import io.vireo.engine.common.ConflictException;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;

import java.util.Set;

/** The power actions on a VM: which status allows each and the state it asks for (the jobs are classes of their own). */
public enum VmAction {
    START(Set.of(VmStatus.DOWN), ErrorCode.VM_NOT_DOWN, "Start"),
    STOP(Set.of(VmStatus.UP, VmStatus.PAUSED, VmStatus.POWERING_UP, VmStatus.POWERING_DOWN, VmStatus.REBOOT_IN_PROGRESS,
            VmStatus.UNKNOWN), ErrorCode.VM_NOT_UP, "Power off"),
    SHUTDOWN(Set.of(VmStatus.UP, VmStatus.POWERING_DOWN), ErrorCode.VM_NOT_UP, "Shut down"),
    REBOOT(Set.of(VmStatus.UP), ErrorCode.VM_NOT_UP, "Reboot"),
    SUSPEND(Set.of(VmStatus.UP), ErrorCode.VM_NOT_UP, "Suspend"),
    RESUME(Set.of(VmStatus.PAUSED), ErrorCode.VM_NOT_PAUSED, "Resume");

    private final Set<VmStatus> allowed;
    private final ErrorCode refusal;
    private final String verb;

    VmAction(Set<VmStatus> allowed, ErrorCode refusal, String verb) {
        this.allowed = allowed;
        this.refusal = refusal;
        this.verb = verb;
    }

    public void check(Vm vm) {
        if (!allowed.contains(vm.status())) {
            String hint = switch (refusal) {
                case VM_NOT_DOWN -> "; it must be Down";
                case VM_NOT_PAUSED -> "; only a Paused VM can be resumed";
                default -> "; it must be running";
            };
            throw new ConflictException(refusal, "Cannot " + verb.toLowerCase() + " VM " + vm.name() + ": it is "
                    + vm.status() + hint);
        }
    }

    public String desiredState(Vm vm) {
        return switch (this) {
            case START, REBOOT, RESUME -> "UP";
            case STOP, SHUTDOWN -> "DOWN";
            case SUSPEND -> "PAUSED";
        };
    }

    public String describe(Vm vm) {
        return verb + " VM " + vm.name();
    }
}
