package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Everything an agent needs to run a VM. The engine sends the whole spec with every ensureRunning,
 * so the host never needs state of its own to start a VM again.
 *
 * @param kernelBoot null to boot from the first disk
 * @param nics the network interfaces, in the order the guest sees them (left off the wire when none)
 */
public record VmSpec(
        UUID id,
        String name,
        int vcpus,
        int memoryMib,
        List<DiskAttachment> disks,
        KernelBoot kernelBoot,
        Graphics graphics,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<VmNicSpec> nics) {
    public VmSpec {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        disks = disks == null ? List.of() : List.copyOf(disks);
        graphics = graphics == null ? Graphics.VNC : graphics;
        nics = nics == null ? List.of() : List.copyOf(nics);
    }

    /** A VM without network interfaces. */
    public VmSpec(UUID id, String name, int vcpus, int memoryMib, List<DiskAttachment> disks, KernelBoot kernelBoot,
                  Graphics graphics) {
        this(id, name, vcpus, memoryMib, disks, kernelBoot, graphics, List.of());
    }
}
