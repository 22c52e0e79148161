package io.vireo.engine.vms;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.networks.NetworkService;
import io.vireo.engine.store.UniqueNames;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmNic;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * A VM's network interfaces: added and removed while the VM is Down (hot-plug comes later), with its
 * row locked so that no start slips in between. The networks feature owns the NIC rows and their rules.
 */
public final class VmNics {
    private final Jdbi jdbi;
    private final VmService vms;
    private final DataCenterService dataCenters;
    private final NetworkService networks;

    public VmNics(Jdbi jdbi, VmService vms, DataCenterService dataCenters, NetworkService networks) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.vms = requireNonNull(vms, "vms");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.networks = requireNonNull(networks, "networks");
    }

    public List<VmNic> list(UUID vmId) {
        vms.vm(vmId);
        return networks.nicsOfVm(vmId);
    }

    public VmNic add(UUID vmId, VmNic.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        vms.vm(vmId);
        return UniqueNames.insert(jdbi, "NIC", name, h -> {
            Vm vm = lockDown(h, vmId, "add a NIC to it");
            Cluster cluster = dataCenters.cluster(h, UUID.fromString(vm.clusterId()));
            return networks.addNic(h, vmId, vm.name(), cluster, request);
        });
    }

    public void remove(UUID vmId, UUID nicId) {
        jdbi.useTransaction(h -> {
            Vm vm = lockDown(h, vmId, "remove a NIC from it");
            networks.removeNic(h, vmId, vm.name(), nicId);
        });
    }

    private Vm lockDown(Handle h, UUID vmId, String what) {
        Vm vm = vms.lock(h, vmId);
        if (vm.status() != VmStatus.DOWN) {
            throw new ConflictException(ErrorCode.VM_NOT_DOWN, "VM " + vm.name() + " is " + vm.status() + "; stop it to " + what
                    + " (NICs cannot be plugged into a running VM yet)");
        }
        vms.refuseIfBusy(h, vm);
        return vm;
    }
}
