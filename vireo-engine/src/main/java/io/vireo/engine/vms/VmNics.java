package io.vireo.engine.vms;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.UnavailableException;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.networks.NetworkService;
import io.vireo.engine.store.UniqueNames;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmNic;
import io.vireo.model.VmStatus;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.VmNicParams;
import io.vireo.model.rpc.VmNicSpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * A VM's network interfaces. On a Down VM a change is a row; on an Up VM it is a row and its host's
 * doing, in one transaction that holds the VM's row locked (no start, stop or migration slips in
 * between) while the host plugs, unplugs or relinks the device: the row is committed only when the
 * host did it, and rolled back when it did not, so the rows are always what the guest has (a later
 * start or a migration's destination gets its spec from them). The networks feature owns the rows.
 */
public final class VmNics {
    private static final Logger log = LoggerFactory.getLogger(VmNics.class);
    /** Plugging takes libvirt well under a second; unplugging waits for the guest's driver (the agent gives it 20 s). */
    static final Duration PLUG_TIMEOUT = Duration.ofSeconds(30);
    static final Duration UNPLUG_TIMEOUT = Duration.ofSeconds(45);

    private final Jdbi jdbi;
    private final VmService vms;
    private final DataCenterService dataCenters;
    private final NetworkService networks;
    private final AgentGateway gateway;

    public VmNics(Jdbi jdbi, VmService vms, DataCenterService dataCenters, NetworkService networks, AgentGateway gateway) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.vms = requireNonNull(vms, "vms");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.networks = requireNonNull(networks, "networks");
        this.gateway = requireNonNull(gateway, "gateway");
    }

    public List<VmNic> list(UUID vmId) {
        vms.vm(vmId);
        return networks.nicsOfVm(vmId);
    }

    /** Adds a NIC to a Down VM, or plugs it into an Up one (hot-plug). */
    public VmNic add(UUID vmId, VmNic.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        vms.vm(vmId);
        return UniqueNames.insert(jdbi, "NIC", name, h -> {
            Vm vm = lockDownOrUp(h, vmId, "add a NIC to it");
            Cluster cluster = dataCenters.cluster(h, UUID.fromString(vm.clusterId()));
            VmNic nic = networks.addNic(h, vmId, vm.name(), cluster, request);
            if (vm.status() == VmStatus.UP && nic.portId() != null) {
                // the port made for it goes with the rolled back row (the leader sweeps ports no NIC holds)
                throw new ConflictException(ErrorCode.VM_NOT_DOWN, "VM " + vm.name() + " is Up; a NIC on a network of the built-in "
                        + "provider is added while the VM is Down (hot-plug is for logical networks): stop it first");
            }
            if (vm.status() == VmStatus.UP) {
                UUID hostId = UUID.fromString(vm.hostId());
                if (!networks.hostCarries(h, UUID.fromString(cluster.id()), hostId, UUID.fromString(nic.networkId()))) {
                    throw new ConflictException(ErrorCode.NETWORK_NOT_ON_HOST, "The host VM " + vm.name() + " runs on does not carry "
                            + "the NIC's network (yet); a NIC can be plugged in once the host has the network's bridge",
                            Map.of("networkId", nic.networkId(), "hostId", vm.hostId()));
                }
                VmNicSpec spec = networks.nicSpec(h, vmId, vm.name(), UUID.fromString(nic.id()));
                try {
                    gateway.call(hostId, AgentMethod.VM_ENSURE_NIC_PLUGGED, new VmNicParams(vmId, spec), PLUG_TIMEOUT);
                } catch (AgentException e) {
                    // the host may have plugged it after all (a timeout): take it out again, so that the rolled back row is the truth
                    unplugQuietly(hostId, vmId, spec);
                    throw new UnavailableException(e.code(), "Cannot plug NIC " + name + " into VM " + vm.name() + ": " + e.getMessage());
                }
            }
            return nic;
        });
    }

    /** Removes a NIC from a Down VM, or unplugs it from an Up one (hot-unplug, once the guest lets it go). */
    public void remove(UUID vmId, UUID nicId) {
        jdbi.useTransaction(h -> {
            Vm vm = lockDownOrUp(h, vmId, "remove a NIC from it");
            VmNicSpec spec = networks.nicSpec(h, vmId, vm.name(), nicId);
            networks.removeNic(h, vmId, vm.name(), nicId);
            if (vm.status() == VmStatus.UP) {
                try {
                    gateway.call(UUID.fromString(vm.hostId()), AgentMethod.VM_ENSURE_NIC_UNPLUGGED, new VmNicParams(vmId, spec),
                            UNPLUG_TIMEOUT);
                } catch (AgentException e) {
                    throw new UnavailableException(e.code(), "Cannot unplug NIC " + spec.mac() + " from VM " + vm.name()
                            + "; it stays: " + e.getMessage());
                }
            }
        });
    }

    /** Links a NIC up or down: stored on a Down VM, applied live (and stored) on an Up one. */
    public VmNic update(UUID vmId, UUID nicId, VmNic.Update request) {
        Fields.required("body", request);
        boolean linked = Fields.required("linked", request.linked());
        return jdbi.inTransaction(h -> {
            Vm vm = lockDownOrUp(h, vmId, "change a NIC's link");
            VmNic nic = networks.setLinked(h, vmId, vm.name(), nicId, linked);
            if (vm.status() == VmStatus.UP) {
                VmNicSpec spec = networks.nicSpec(h, vmId, vm.name(), nicId);
                try {
                    gateway.call(UUID.fromString(vm.hostId()), AgentMethod.VM_SET_NIC_LINK, new VmNicParams(vmId, spec), PLUG_TIMEOUT);
                } catch (AgentException e) {
                    throw new UnavailableException(e.code(), "Cannot link NIC " + nic.name() + " of VM " + vm.name()
                            + (linked ? " up: " : " down: ") + e.getMessage());
                }
            }
            return nic;
        });
    }

    private void unplugQuietly(UUID hostId, UUID vmId, VmNicSpec spec) {
        try {
            gateway.call(hostId, AgentMethod.VM_ENSURE_NIC_UNPLUGGED, new VmNicParams(vmId, spec), UNPLUG_TIMEOUT);
        } catch (AgentException e) {
            log.warn("VM {}: NIC {} failed to plug, and taking it out again failed too ({}); the host's next report "
                    + "or the VM's next start shows the truth", vmId, spec.mac(), e.getMessage());
        }
    }

    /** Locks the VM's row; it must be Down, or Up on a host, and no job may work on it. */
    private Vm lockDownOrUp(Handle h, UUID vmId, String what) {
        Vm vm = vms.lock(h, vmId);
        if (vm.status() != VmStatus.DOWN && (vm.status() != VmStatus.UP || vm.hostId() == null)) {
            throw new ConflictException(ErrorCode.VM_NOT_DOWN, "VM " + vm.name() + " is " + vm.status() + "; it must be Down or Up to "
                    + what);
        }
        vms.refuseIfBusy(h, vm);
        return vm;
    }
}
