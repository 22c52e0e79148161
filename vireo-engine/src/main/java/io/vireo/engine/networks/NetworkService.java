package io.vireo.engine.networks;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.neutron.NeutronModel;
import io.vireo.engine.neutron.NeutronService;
import io.vireo.engine.store.ReferencedRows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.UniqueNames;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Cluster;
import io.vireo.model.ClusterNetwork;
import io.vireo.model.ErrorCode;
import io.vireo.model.Network;
import io.vireo.model.VmNic;
import io.vireo.model.VnicProfile;
import io.vireo.model.rpc.BridgedNetwork;
import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;
import io.vireo.model.rpc.VmNicSpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The rules of logical networks (a data center's; attached to clusters) and of VM NICs on them.
 * Whether a VM may change (Down, or Up with its host doing the change) is the vms feature's to say: it calls here inside its own
 * transaction, with the VM's row locked.
 */
public final class NetworkService {
    /** A Linux interface name: 1 to 15 characters (IFNAMSIZ), no '/', ':' or white space. */
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final int MAX_NICS_PER_VM = 16;
    private static final int MAC_ATTEMPTS = 32;

    private final Jdbi jdbi;
    private final DataCenterService dataCenters;
    private final HostService hosts;
    private final EventLog events;
    private final NeutronService provider;
    private final NetworkRepository networks = new NetworkRepository();

    public NetworkService(Jdbi jdbi, DataCenterService dataCenters, HostService hosts, EventLog events, NeutronService provider) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.hosts = requireNonNull(hosts, "hosts");
        this.events = requireNonNull(events, "events");
        this.provider = requireNonNull(provider, "provider");
    }

    public Network create(Network.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        String description = Objects.requireNonNullElse(Fields.text("description", request.description(), Fields.DESCRIPTION_LENGTH), "");
        UUID dataCenterId = Fields.id("dataCenterId", request.dataCenterId());
        Integer vlanId = request.vlanId() == null ? null : Fields.range("vlanId", request.vlanId(), 1, 4094);
        int mtu = request.mtu() == null ? Network.DEFAULT_MTU : Fields.range("mtu", request.mtu(), 68, 65535);
        String hostNic = hostNic(request.hostNic(), vlanId);
        String dataCenter = dataCenters.dataCenter(dataCenterId).name();
        UUID id = UUID.randomUUID();
        // the bridge's name on every host: short enough for Linux (15 characters), and the id's
        String bridge = "vn" + id.toString().replace("-", "").substring(0, 10);
        return UniqueNames.insert(jdbi, "network", name, h -> {
            networks.insert(h, new NetworkRepository.NewNetwork(id, dataCenterId, name, description, vlanId, mtu, hostNic, bridge));
            networks.insertProfile(h, new NetworkRepository.NewProfile(UUID.randomUUID(), id, name, "", null, true));
            events.write(h, EventLog.Entry.info("NETWORK_CREATED", "Network " + name + " was created in data center " + dataCenter
                    + " (" + (vlanId == null ? "untagged" : "VLAN " + vlanId) + " on " + hostNic + ", MTU " + mtu + ")"));
            return networks.find(h, id).orElseThrow();
        });
    }

    private static String hostNic(String value, Integer vlanId) {
        String hostNic = Fields.required("hostNic", value);
        if (!IFNAME.matcher(hostNic).matches()) {
            throw InvalidInputException.invalid("hostNic", "The hostNic '" + (hostNic.length() > 40 ? hostNic.substring(0, 37) + "..." : hostNic)
                    + "' is not an interface name: use 1 to 15 letters, digits, '.', '_' or '-'");
        }
        if (vlanId != null && (hostNic + "." + vlanId).length() > 15) {
            throw InvalidInputException.invalid("hostNic", "The VLAN interface " + hostNic + "." + vlanId
                    + " would be longer than the 15 characters Linux allows; the hostNic can have at most "
                    + (14 - Integer.toString(vlanId).length()) + " characters with this VLAN");
        }
        return hostNic;
    }

    public Network network(UUID id) {
        return jdbi.withHandle(h -> networks.find(h, id)).orElseThrow(() -> notFound(id));
    }

    private static NotFoundException notFound(UUID id) {
        return NotFoundException.of(ErrorCode.NETWORK_NOT_FOUND, "network", id);
    }

    /** One page, by name, of the networks that match the search in the data centers the caller sees. */
    public List<Network> list(Visibility dataCenters, Optional<String> search, Paging paging) {
        return jdbi.withHandle(h -> networks.list(h, dataCenters,
                SearchQuery.parse(search.orElse(null), NetworkRepository.SEARCH_FIELDS).predicate(), paging));
    }

    /** Changes the name, description or MTU; the hosts get the new MTU from the network convergence. */
    public Network update(UUID id, Network.Update update) {
        Fields.required("body", update);
        Network network = network(id);
        String name = update.name() == null ? network.name() : Fields.name("name", update.name());
        String description = update.description() == null ? network.description()
                : Fields.text("description", update.description(), Fields.DESCRIPTION_LENGTH);
        int mtu = update.mtu() == null ? network.mtu() : Fields.range("mtu", update.mtu(), 68, 65535);
        return UniqueNames.insert(jdbi, "network", name, h -> {
            networks.update(h, id, name, description, mtu);
            networks.renameDefaultProfile(h, id, network.name(), name);
            events.write(h, EventLog.Entry.info("NETWORK_UPDATED", "Network " + name + " was changed"));
            return networks.find(h, id).orElseThrow();
        });
    }

    /** Removes a network no VM NIC uses (the database's reference decides); it is detached from its clusters. */
    public void delete(UUID id) {
        Network network = network(id);
        ReferencedRows.remove(jdbi, h -> {
            networks.delete(h, id);
            events.write(h, EventLog.Entry.info("NETWORK_REMOVED", "Network " + network.name() + " was removed"));
        }, "Network " + network.name() + " is in use: VM NICs are on it; remove them first");
    }

    public List<ClusterNetwork> clusterNetworks(UUID clusterId) {
        dataCenters.cluster(clusterId);
        return jdbi.withHandle(h -> networks.attached(h, clusterId).stream().map(a -> a.view(clusterId)).toList());
    }

    /**
     * Attaches a network of the cluster's data center to it (or changes whether it is required). Two
     * networks of a cluster may not share a host port (the same hostNic untagged, or the same VLAN on it).
     */
    public ClusterNetwork attach(UUID clusterId, ClusterNetwork.Attach request) {
        Fields.required("body", request);
        UUID networkId = Fields.id("networkId", request.networkId());
        boolean required = Boolean.TRUE.equals(request.required());
        Cluster cluster = dataCenters.cluster(clusterId);
        Network network = network(networkId);
        if (!network.dataCenterId().equals(cluster.dataCenterId())) {
            throw InvalidInputException.invalid("networkId", "Network " + network.name() + " belongs to another data center than cluster "
                    + cluster.name());
        }
        return jdbi.inTransaction(h -> {
            for (NetworkRepository.Attached other : networks.attached(h, clusterId)) {
                Network o = other.network();
                if (!o.id().equals(network.id()) && o.hostNic().equals(network.hostNic()) && Objects.equals(o.vlanId(), network.vlanId())) {
                    throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Network " + o.name() + " of cluster " + cluster.name()
                            + " uses " + uplink(o) + " already; a host interface can be the port of one network's bridge only");
                }
            }
            networks.attach(h, clusterId, networkId, required);
            events.write(h, EventLog.Entry.info("NETWORK_ATTACHED", "Network " + network.name() + " is attached to cluster "
                    + cluster.name() + (required ? " (required)" : "")));
            return new ClusterNetwork(clusterId.toString(), network.id(), network.name(), required);
        });
    }

    private static String uplink(Network network) {
        return network.vlanId() == null ? network.hostNic() + " untagged" : network.hostNic() + "." + network.vlanId();
    }

    /** Detaches a network no NIC of the cluster's VMs uses; the hosts drop its bridge. */
    public void detach(UUID clusterId, UUID networkId) {
        Cluster cluster = dataCenters.cluster(clusterId);
        Network network = network(networkId);
        jdbi.useTransaction(h -> {
            int nics = networks.nicsOnNetworkInCluster(h, networkId, clusterId);
            if (nics > 0) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Network " + network.name() + " is in use in cluster "
                        + cluster.name() + ": " + nics + " VM NIC(s) are on it; remove them first");
            }
            if (!networks.detach(h, clusterId, networkId)) {
                throw new NotFoundException(ErrorCode.NETWORK_NOT_FOUND, "Network " + network.name() + " is not attached to cluster "
                        + cluster.name());
            }
            events.write(h, EventLog.Entry.info("NETWORK_DETACHED", "Network " + network.name() + " was detached from cluster "
                    + cluster.name()));
        });
    }

    // VM NICs

    public List<VmNic> nicsOfVm(UUID vmId) {
        return jdbi.withHandle(h -> networks.nicsOfVm(h, vmId));
    }

    /**
     * Adds a NIC to a VM of the cluster, in the caller's transaction (the VM locked and Down): on a
     * network attached to the cluster, with the MAC given (unique in the data center) or the next free
     * one of the data center's pool.
     */
    public VmNic addNic(Handle h, UUID vmId, String vmName, Cluster cluster, VmNic.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        Optional<VnicProfile> profile;
        UUID networkId;
        if (request.profileId() != null) {
            UUID profileId = Fields.id("profileId", request.profileId());
            profile = Optional.of(networks.findProfile(h, profileId).orElseThrow(() -> profileNotFound(profileId)));
            networkId = UUID.fromString(profile.get().networkId());
            if (request.networkId() != null && !Fields.id("networkId", request.networkId()).equals(networkId)) {
                throw InvalidInputException.invalid("networkId", "vNIC profile " + profile.get().name()
                        + " is for another network than networkId; give the profile or the network, or both of one");
            }
        } else {
            networkId = Fields.id("networkId", request.networkId());
            profile = networks.defaultProfile(h, networkId);
        }
        String mac = request.mac() == null ? null : MacAddresses.check("mac", request.mac());
        boolean linked = request.linked() != null ? request.linked() : profile.map(VnicProfile::linked).orElse(true);
        UUID profileId = profile.map(p -> UUID.fromString(p.id())).orElse(null);
        UUID clusterId = UUID.fromString(cluster.id());
        Optional<Network> logical = networks.find(h, networkId);
        if (logical.isEmpty() && profileId == null) {
            return addPortNic(h, vmId, vmName, cluster, name, networkId, mac, linked);
        }
        Network network = logical.orElseThrow(() -> notFound(networkId));
        if (networks.attached(h, clusterId).stream().noneMatch(a -> a.network().id().equals(network.id()))) {
            throw new ConflictException(ErrorCode.NETWORK_NOT_IN_CLUSTER, "Network " + network.name() + " is not attached to cluster "
                    + cluster.name() + " of VM " + vmName + "; attach it to the cluster first", Map.of("networkId", network.id()));
        }
        if (networks.nicsOfVm(h, vmId).size() >= MAX_NICS_PER_VM) {
            throw new ConflictException(ErrorCode.ENTITY_IN_USE, "VM " + vmName + " has " + MAX_NICS_PER_VM + " NICs, the most a VM can have");
        }
        UUID id = UUID.randomUUID();
        UUID dataCenterId = UUID.fromString(cluster.dataCenterId());
        NetworkRepository.NewNic row = new NetworkRepository.NewNic(id, vmId, dataCenterId, clusterId, name, networkId, mac, linked,
                profileId, null, null);
        if (mac != null) {
            if (!networks.insertNic(h, row)) {
                throw macInUse(mac);
            }
        } else {
            insertWithPoolMac(h, row);
        }
        VmNic nic = networks.nic(h, vmId, id).orElseThrow();
        events.write(h, EventLog.Entry.info("VM_NIC_ADDED", "NIC " + name + " (" + nic.mac() + ") on network " + network.name()
                + " was added to VM " + vmName).vm(vmId));
        return nic;
    }

    private static ConflictException macInUse(String mac) {
        return new ConflictException(ErrorCode.MAC_IN_USE, "MAC " + mac + " is used by another NIC in the data center already",
                Map.of("mac", mac));
    }

    /**
     * A NIC on a network of the built-in provider: its port is made there first (with the NIC's MAC, an
     * address of the network's subnet and the project's default security group), then the row; a port
     * left behind by a transaction that did not commit is removed by {@link #removeOrphanPorts}.
     */
    private VmNic addPortNic(Handle h, UUID vmId, String vmName, Cluster cluster, String name, UUID networkId, String mac,
                             boolean linked) {
        NeutronModel.Network network;
        try {
            network = provider.networkForNic(networkId);
        } catch (NotFoundException e) {
            throw notFound(networkId);
        }
        UUID dataCenterId = UUID.fromString(cluster.dataCenterId());
        if (!network.dataCenterId().equals(dataCenterId)) {
            throw new InvalidInputException(ErrorCode.INVALID_FIELD, "Network " + network.name() + " belongs to another data center than VM "
                    + vmName, Map.of("field", "networkId"));
        }
        if (networks.nicsOfVm(h, vmId).size() >= MAX_NICS_PER_VM) {
            throw new ConflictException(ErrorCode.ENTITY_IN_USE, "VM " + vmName + " has " + MAX_NICS_PER_VM + " NICs, the most a VM can have");
        }
        UUID id = UUID.randomUUID();
        NetworkRepository.NewNic row = new NetworkRepository.NewNic(id, vmId, dataCenterId, UUID.fromString(cluster.id()), name, null,
                mac, linked, null, networkId, null);
        insertPortNic(h, row, mac == null);
        VmNic nic = networks.nic(h, vmId, id).orElseThrow();
        events.write(h, EventLog.Entry.info("VM_NIC_ADDED", "NIC " + name + " (" + nic.mac() + ") on provider network "
                + (network.name().isEmpty() ? network.id().toString() : network.name()) + " was added to VM " + vmName).vm(vmId));
        return nic;
    }

    /** Makes the NIC's port and inserts its row; with a pool MAC, draws again while the MAC is taken (here or on the network). */
    private void insertPortNic(Handle h, NetworkRepository.NewNic row, boolean poolMac) {
        for (int attempt = 0; attempt < MAC_ATTEMPTS; attempt++) {
            NetworkRepository.NewNic withMac = poolMac ? row.withMac(MacAddresses.next()) : row;
            NeutronModel.Port port;
            try {
                port = provider.createVmPort(row.providerNetworkId(), row.vmId(), withMac.mac());
            } catch (ConflictException e) {
                if (poolMac && "MacAddressInUse".equals(e.details().get("neutronType"))) {
                    continue;
                }
                throw e;
            }
            if (networks.insertNic(h, withMac.withPort(port.id()))) {
                return;
            }
            provider.deleteVmPort(port.id());
            if (!poolMac) {
                throw macInUse(withMac.mac());
            }
        }
        throw new ConflictException(ErrorCode.MAC_IN_USE, "No free MAC address was found in the data center's pool");
    }

    /** Draws MACs from the pool until one is free in the data center (the unique index says which are taken). */
    private void insertWithPoolMac(Handle h, NetworkRepository.NewNic nic) {
        if (nic.providerNetworkId() != null) {
            insertPortNic(h, nic.withMac(null), true);
            return;
        }
        for (int attempt = 0; attempt < MAC_ATTEMPTS; attempt++) {
            if (networks.insertNic(h, nic.withMac(MacAddresses.next()))) {
                return;
            }
        }
        throw new ConflictException(ErrorCode.MAC_IN_USE, "No free MAC address was found in the data center's pool");
    }

    /** Removes a NIC of a VM, in the caller's transaction (the VM locked and Down); its MAC is free again. */
    public void removeNic(Handle h, UUID vmId, String vmName, UUID nicId) {
        VmNic nic = networks.nic(h, vmId, nicId)
                .orElseThrow(() -> NotFoundException.of(ErrorCode.NIC_NOT_FOUND, "NIC of VM " + vmName, nicId));
        networks.deleteNic(h, nicId);
        if (nic.portId() != null) {
            // the port goes once the row's removal has committed (if the transaction does not commit, the NIC keeps it)
            h.afterCommit(() -> provider.deleteVmPort(UUID.fromString(nic.portId())));
        }
        events.write(h, EventLog.Entry.info("VM_NIC_REMOVED", "NIC " + nic.name() + " (" + nic.mac() + ") was removed from VM "
                + vmName).vm(vmId));
    }

    /**
     * Sets whether the guest sees the NIC's link up, in the caller's transaction (the VM locked; when
     * it runs, the caller has its host apply it before committing).
     */
    public VmNic setLinked(Handle h, UUID vmId, String vmName, UUID nicId, boolean linked) {
        VmNic nic = networks.nic(h, vmId, nicId)
                .orElseThrow(() -> NotFoundException.of(ErrorCode.NIC_NOT_FOUND, "NIC of VM " + vmName, nicId));
        if (nic.linked() == linked) {
            return nic;
        }
        networks.setLinked(h, nicId, linked);
        events.write(h, EventLog.Entry.info("VM_NIC_LINK_CHANGED", "NIC " + nic.name() + " (" + nic.mac() + ") of VM " + vmName
                + " is " + (linked ? "linked up" : "linked down")).vm(vmId));
        return networks.nic(h, vmId, nicId).orElseThrow();
    }

    /** One NIC of a VM as an agent plugs it, in the caller's transaction. */
    public VmNicSpec nicSpec(Handle h, UUID vmId, String vmName, UUID nicId) {
        NetworkRepository.SpecRow row = networks.specOfNic(h, vmId, nicId)
                .orElseThrow(() -> NotFoundException.of(ErrorCode.NIC_NOT_FOUND, "NIC of VM " + vmName, nicId));
        return row.providerNetworkId() == null ? row.spec() : portSpec(row);
    }

    /** Whether the host carries the NIC's network now (its bridge up with its port), from the host's last report. */
    public boolean hostCarries(Handle h, UUID clusterId, UUID hostId, UUID networkId) {
        Network network = networks.find(h, networkId).orElseThrow(() -> notFound(networkId));
        return carriedNetworkNames(h, clusterId).getOrDefault(hostId, Set.of()).contains(network.name());
    }

    /** Gives a new desktop NICs like its template's, each with its own MAC from the pool, in the caller's transaction. */
    public void copyNics(Handle h, UUID templateVmId, UUID vmId) {
        for (NetworkRepository.NewNic nic : networks.nicRowsOfVm(h, templateVmId)) {
            insertWithPoolMac(h, new NetworkRepository.NewNic(UUID.randomUUID(), vmId, nic.dataCenterId(), nic.clusterId(), nic.name(),
                    nic.networkId(), null, nic.linked(), nic.profileId(), nic.providerNetworkId(), null));
        }
    }

    /**
     * The VM's NICs as an agent plugs them. A NIC on a provider network plugs into the overlay's bridge (a flat
     * network's: the bridge of the logical network it names) with the tap its port filter is keyed by.
     *
     * @throws ConflictException when a NIC's port or network is gone, or a flat network names no logical network
     */
    public List<VmNicSpec> nicSpecs(UUID vmId) {
        List<NetworkRepository.SpecRow> rows = jdbi.withHandle(h -> networks.specsOfVm(h, vmId));
        List<VmNicSpec> specs = new java.util.ArrayList<>();
        for (NetworkRepository.SpecRow row : rows) {
            if (row.providerNetworkId() == null) {
                specs.add(row.spec());
                continue;
            }
            specs.add(portSpec(row));
        }
        return specs;
    }

    /** A NIC on a provider network as an agent plugs it: on the overlay's bridge (a flat network's logical bridge), with its port's tap. */
    private VmNicSpec portSpec(NetworkRepository.SpecRow row) {
        NeutronModel.Network network;
        try {
            network = provider.networkForNic(row.providerNetworkId());
        } catch (NotFoundException e) {
            throw new ConflictException(ErrorCode.ENTITY_IN_USE, "The provider network of NIC " + row.spec().mac() + " is gone");
        }
        String bridge = NeutronModel.VXLAN.equals(network.networkType()) ? OverlayPlan.vxlanBridge(network.id().toString())
                : physicalBridge(network).orElseThrow(() -> new ConflictException(ErrorCode.ENTITY_IN_USE, "Flat network "
                + network.name() + " names no logical network " + network.physicalNetwork().orElse("") + " of its data center"));
        VmNicSpec spec = row.spec();
        return new VmNicSpec(spec.mac(), bridge, spec.model(), network.mtu(), spec.linked(), OverlayPlan.tap(row.portId().toString()));
    }

    /** The bridge of the logical network a flat provider network names (physical_network), in its data center. */
    private Optional<String> physicalBridge(NeutronModel.Network network) {
        return network.physicalNetwork().flatMap(name -> jdbi.withHandle(h -> networks.bridgeByName(h, network.dataCenterId(), name)));
    }

    // vNIC profiles

    private static NotFoundException profileNotFound(UUID id) {
        return NotFoundException.of(ErrorCode.VNIC_PROFILE_NOT_FOUND, "vNIC profile", id);
    }

    public VnicProfile profile(UUID id) {
        return jdbi.withHandle(h -> networks.findProfile(h, id)).orElseThrow(() -> profileNotFound(id));
    }

    /** One page, by name, of the profiles that match the search (name, network) in the data centers the caller sees. */
    public List<VnicProfile> profiles(Visibility dataCenters, Optional<String> search, Paging paging) {
        return jdbi.withHandle(h -> networks.listProfiles(h, dataCenters,
                SearchQuery.parse(search.orElse(null), NetworkRepository.PROFILE_SEARCH_FIELDS).predicate(), paging));
    }

    /** A profile of a network: its NICs get its MTU (at most the network's) and start linked as it says. */
    public VnicProfile createProfile(VnicProfile.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        Network network = network(Fields.id("networkId", request.networkId()));
        String description = Objects.requireNonNullElse(Fields.text("description", request.description(), Fields.DESCRIPTION_LENGTH), "");
        Integer mtu = profileMtu(request.mtu(), network);
        boolean linked = request.linked() == null || request.linked();
        UUID id = UUID.randomUUID();
        return UniqueNames.insert(jdbi, "vNIC profile", name, h -> {
            networks.insertProfile(h, new NetworkRepository.NewProfile(id, UUID.fromString(network.id()), name, description, mtu, linked));
            events.write(h, EventLog.Entry.info("VNIC_PROFILE_CREATED", "vNIC profile " + name + " of network " + network.name()
                    + " was created"));
            return networks.findProfile(h, id).orElseThrow();
        });
    }

    private static Integer profileMtu(Integer mtu, Network network) {
        return mtu == null ? null : Fields.range("mtu", mtu, 68, network.mtu());
    }

    /** Changes a profile; its NICs get a new MTU at their VM's next start (or migration). */
    public VnicProfile updateProfile(UUID id, VnicProfile.Update update) {
        Fields.required("body", update);
        VnicProfile profile = profile(id);
        Network network = network(UUID.fromString(profile.networkId()));
        if (update.name() != null && profile.name().equals(network.name()) && !update.name().equals(profile.name())) {
            throw InvalidInputException.invalid("name", "vNIC profile " + profile.name() + " is network " + network.name()
                    + "'s default profile and keeps the network's name");
        }
        String name = update.name() == null ? profile.name() : Fields.name("name", update.name());
        String description = update.description() == null ? profile.description()
                : Fields.text("description", update.description(), Fields.DESCRIPTION_LENGTH);
        Integer mtu = update.mtu() == null ? profile.mtu() : profileMtu(update.mtu(), network);
        boolean linked = update.linked() == null ? profile.linked() : update.linked();
        return UniqueNames.insert(jdbi, "vNIC profile", name, h -> {
            networks.updateProfile(h, id, name, description, mtu, linked);
            events.write(h, EventLog.Entry.info("VNIC_PROFILE_UPDATED", "vNIC profile " + name + " was changed"));
            return networks.findProfile(h, id).orElseThrow();
        });
    }

    /** Removes a profile no NIC uses (the database's reference decides). */
    public void deleteProfile(UUID id) {
        VnicProfile profile = profile(id);
        ReferencedRows.remove(jdbi, h -> {
            networks.deleteProfile(h, id);
            events.write(h, EventLog.Entry.info("VNIC_PROFILE_REMOVED", "vNIC profile " + profile.name() + " was removed"));
        }, "vNIC profile " + profile.name() + " is in use: VM NICs have it; remove them first");
    }

    // What the scheduler and the hosts need

    /** For each VM of the cluster with NICs, the names of their networks. */
    public Map<UUID, Set<String>> networkNamesOfVms(Handle h, UUID clusterId) {
        return networks.networkNamesOfVms(h, clusterId);
    }

    /** For each host of the cluster, the names of the cluster's networks it carries now, from its last report. */
    public Map<UUID, Set<String>> carriedNetworkNames(Handle h, UUID clusterId) {
        List<NetworkRepository.Attached> attached = networks.attached(h, clusterId);
        Map<UUID, Set<String>> carried = new HashMap<>();
        hosts.nicsInCluster(h, clusterId).forEach((hostId, nics) -> {
            Map<String, HostNic> byName = byName(nics);
            carried.put(hostId, attached.stream().map(NetworkRepository.Attached::network)
                    .filter(network -> carries(byName, network)).map(Network::name).collect(Collectors.toSet()));
        });
        return carried;
    }

    /** The host carries the network: its bridge is there and up, with the network's port in it. */
    static boolean carries(Map<String, HostNic> nics, Network network) {
        HostNic bridge = nics.get(network.bridge());
        HostNic port = nics.get(bridged(network).uplink());
        return bridge != null && bridge.kind() == NicKind.BRIDGE && bridge.up() && bridge.mtu() == network.mtu()
                && port != null && network.bridge().equals(port.master());
    }

    static BridgedNetwork bridged(Network network) {
        return new BridgedNetwork(network.bridge(), network.hostNic(), network.vlanId(), network.mtu());
    }

    static Map<String, HostNic> byName(List<HostNic> nics) {
        return nics.stream().collect(Collectors.toMap(HostNic::name, Function.identity(), (a, b) -> a));
    }

    /** The networks attached to each cluster, for the convergence round. */
    Map<UUID, List<NetworkRepository.Attached>> attachedByCluster() {
        return jdbi.withHandle(networks::attachedByCluster);
    }

    /** Each logical network's bridge, by "data center id/network name" (what a flat provider network names). */
    Map<String, String> logicalBridges() {
        return jdbi.withHandle(networks::bridgesByDataCenterAndName);
    }

    /** The ports VM NICs hold on provider networks. */
    Set<UUID> portsOfNics() {
        return jdbi.withHandle(networks::portsOfNics);
    }

    /** Every bridge of any network, for telling the engine's own bridges from others on a host. */
    Set<String> knownBridges() {
        return new HashSet<>(jdbi.withHandle(networks::bridges));
    }
}
