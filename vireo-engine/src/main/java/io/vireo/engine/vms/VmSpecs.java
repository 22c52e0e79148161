package io.vireo.engine.vms;

import io.vireo.engine.networks.NetworkService;
import io.vireo.engine.storage.StorageService;
import io.vireo.model.Disk;
import io.vireo.model.Vm;
import io.vireo.model.rpc.DiskAttachment;
import io.vireo.model.rpc.Graphics;
import io.vireo.model.rpc.KernelBoot;
import io.vireo.model.rpc.VmSpec;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** Builds the spec an agent runs a VM from, out of the VM's desired state. */
public final class VmSpecs {
    private final Jdbi jdbi;
    private final StorageService storage;
    private final NetworkService networks;
    private final HostWiring wiring;

    public VmSpecs(Jdbi jdbi, StorageService storage, NetworkService networks, HostWiring wiring) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.storage = requireNonNull(storage, "storage");
        this.networks = requireNonNull(networks, "networks");
        this.wiring = requireNonNull(wiring, "wiring");
    }

    /** Readies the host's networking for the VM, then answers its spec. */
    public VmSpec specFor(Vm vm, UUID host) {
        wiring.prepare(UUID.fromString(vm.id()), host);
        return specOf(vm);
    }

    public VmSpec specOf(Vm vm) {
        List<Disk> disks = jdbi.withHandle(h -> storage.disksOfVm(h, UUID.fromString(vm.id())));
        // the agent gets each boot file as its domain's path and its name, and resolves and checks it itself
        KernelBoot boot = vm.kernelFileId() == null ? null : jdbi.withHandle(h -> new KernelBoot(
                storage.bootFileLocation(h, UUID.fromString(vm.kernelFileId())),
                vm.initrdFileId() == null ? null : storage.bootFileLocation(h, UUID.fromString(vm.initrdFileId())), vm.cmdline()));
        List<DiskAttachment> attachments = new ArrayList<>();
        for (int i = 0; i < disks.size(); i++) {
            Disk disk = disks.get(i);
            attachments.add(new DiskAttachment(UUID.fromString(disk.id()), disk.path(), disk.format(), "vd" + (char) ('a' + i),
                    boot == null ? i + 1 : 0));
        }
        return new VmSpec(UUID.fromString(vm.id()), vm.name(), vm.vcpus(), vm.memoryMib(), attachments, boot, Graphics.of(vm.graphics()),
                networks.nicSpecs(UUID.fromString(vm.id())));
    }
}
