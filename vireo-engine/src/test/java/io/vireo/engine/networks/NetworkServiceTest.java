package io.vireo.engine.networks;

import io.vireo.engine.EngineFixture;
import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Visibility;
import io.vireo.engine.vms.VmNics;
import io.vireo.model.Cluster;
import io.vireo.model.ClusterNetwork;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Network;
import io.vireo.model.Vm;
import io.vireo.model.VmNic;
import io.vireo.model.VnicProfile;
import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;
import io.vireo.model.rpc.VmNicSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Networks, their clusters and VM NICs on a real PostgreSQL: the rules and every refusal, with nothing half-made. */
class NetworkServiceTest {
    private final EngineFixture f = new EngineFixture();
    private final NetworkService networks = f.networks;
    /** Not leading and with no leader to relay to: a VM that is Down never needs its host. */
    private final VmNics nics = new VmNics(f.jdbi, f.vms, f.dataCenters, f.networks, new io.vireo.engine.hostlink.AgentGateway(
            new io.vireo.engine.leadership.LeadershipLease(f.jdbi, "test", java.time.Duration.ofSeconds(10))));
    private final Cluster cluster = f.cluster("c1");
    private final Cluster otherCluster = f.dataCenters.createCluster(new Cluster.Create("c1b", cluster.dataCenterId(), null, null));
    private final Cluster otherDcCluster = f.cluster("c2");

    @AfterEach
    void close() {
        f.close();
    }

    private Network lan(String name, String hostNic, Integer vlan) {
        return networks.create(new Network.Create(name, "a LAN", cluster.dataCenterId(), vlan, null, hostNic));
    }

    private UUID id(Network network) {
        return UUID.fromString(network.id());
    }

    @Test
    void aNetworkGetsABridgeNameLinuxTakesAndIsListedByItsDataCenter() {
        Network network = lan("lan", "eth1", null);
        Network tagged = networks.create(new Network.Create("lan10", null, cluster.dataCenterId(), 10, 9000, "eth1"));

        assertThat(network.bridge()).matches("vn[0-9a-f]{10}").isEqualTo("vn" + network.id().replace("-", "").substring(0, 10));
        assertThat(network.mtu()).isEqualTo(1500);
        assertThat(network.vlanId()).isNull();
        assertThat(tagged.vlanId()).isEqualTo(10);
        assertThat(tagged.mtu()).isEqualTo(9000);
        assertThat(tagged.description()).isEmpty();
        assertThat(networks.list(Visibility.ALL, Optional.of("vlan=10"), Paging.ALL)).extracting(Network::name).containsExactly("lan10");
        assertThat(networks.list(Visibility.ALL, Optional.of("name=lan*"), new Paging(1, 1))).extracting(Network::name).containsExactly("lan");
        assertThat(networks.list(Visibility.NONE, Optional.empty(), Paging.ALL)).isEmpty();
        // the name is the data center's: another data center may use it
        networks.create(new Network.Create("lan", null, otherDcCluster.dataCenterId(), null, null, "eth1"));
    }

    @Test
    void everyBadNetworkIsRefusedWithItsFieldAndNothingIsMade() {
        lan("lan", "eth1", null);
        String dc = cluster.dataCenterId();
        refused(() -> lan("lan", "eth2", null), ConflictException.class, ErrorCode.DUPLICATE_NAME, "A network named lan exists already");
        refused(() -> lan("v0", "eth1", 0), InvalidInputException.class, ErrorCode.INVALID_FIELD, "vlanId must be between 1 and 4094, not 0");
        refused(() -> lan("v4095", "eth1", 4095), InvalidInputException.class, ErrorCode.INVALID_FIELD, "not 4095");
        refused(() -> networks.create(new Network.Create("m", null, dc, null, 67, "eth1")), InvalidInputException.class,
                ErrorCode.INVALID_FIELD, "mtu must be between 68 and 65535, not 67");
        refused(() -> networks.create(new Network.Create("m", null, dc, null, 65536, "eth1")), InvalidInputException.class,
                ErrorCode.INVALID_FIELD, "not 65536");
        refused(() -> lan("n1", "eth/1", null), InvalidInputException.class, ErrorCode.INVALID_FIELD, "not an interface name");
        refused(() -> lan("n2", "a-very-long-nic0", null), InvalidInputException.class, ErrorCode.INVALID_FIELD, "15");
        refused(() -> lan("n3", "enp0s31f6abc", 1000), InvalidInputException.class, ErrorCode.INVALID_FIELD,
                "enp0s31f6abc.1000 would be longer than the 15 characters");
        refused(() -> lan("n4", null, null), InvalidInputException.class, ErrorCode.MISSING_FIELD, "hostNic");
        refused(() -> lan("bad name", "eth1", null), InvalidInputException.class, ErrorCode.INVALID_FIELD, "name");
        refused(() -> networks.create(new Network.Create("n5", null, UUID.randomUUID().toString(), null, null, "eth1")),
                NotFoundException.class, ErrorCode.DATA_CENTER_NOT_FOUND, "No data center");
        refused(() -> networks.create(new Network.Create("n6", null, "dc1", null, null, "eth1")), InvalidInputException.class,
                ErrorCode.INVALID_FIELD, "not a valid id");
        assertThat(f.count("networks")).isEqualTo(1);
    }

    @Test
    void aNetworkIsAttachedToClustersOfItsDataCenterOnlyAndNeverTwiceOnOnePort() {
        Network lan = lan("lan", "eth1", null);
        Network other = lan("lan-b", "eth1", null);
        Network vlan = lan("lan-10", "eth1", 10);
        Network foreign = networks.create(new Network.Create("far", null, otherDcCluster.dataCenterId(), null, null, "eth1"));

        assertThat(networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(lan.id(), true)))
                .isEqualTo(new ClusterNetwork(cluster.id(), lan.id(), "lan", true));
        networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(vlan.id(), null));
        // attaching again changes whether it is required
        networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(lan.id(), false));
        assertThat(networks.clusterNetworks(UUID.fromString(cluster.id())))
                .containsExactly(new ClusterNetwork(cluster.id(), lan.id(), "lan", false), new ClusterNetwork(cluster.id(), vlan.id(), "lan-10", false));

        refused(() -> networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(other.id(), false)), ConflictException.class,
                ErrorCode.ENTITY_IN_USE, "Network lan of cluster c1 uses eth1 untagged already");
        refused(() -> networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(foreign.id(), false)),
                InvalidInputException.class, ErrorCode.INVALID_FIELD, "another data center");
        refused(() -> networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(UUID.randomUUID().toString(), false)),
                NotFoundException.class, ErrorCode.NETWORK_NOT_FOUND, "No network");
        refused(() -> networks.detach(UUID.fromString(otherCluster.id()), id(lan)), NotFoundException.class, ErrorCode.NETWORK_NOT_FOUND,
                "not attached");
        assertThat(f.count("cluster_networks")).isEqualTo(2);
        networks.detach(UUID.fromString(cluster.id()), id(vlan));
        assertThat(networks.clusterNetworks(UUID.fromString(cluster.id()))).extracting(ClusterNetwork::name).containsExactly("lan");
    }

    @Test
    void nicsTakeTheirMacFromThePoolOrAValidUnusedOne() {
        Network lan = attached("lan", "eth1");
        UUID vm = UUID.fromString(f.vm(cluster, "vm1").id());
        UUID vm2 = UUID.fromString(f.vm(cluster, "vm2").id());

        VmNic pooled = nics.add(vm, new VmNic.Create("nic1", lan.id(), null, null));
        VmNic given = nics.add(vm, new VmNic.Create("nic2", lan.id(), "52-54-00-AB-CD-EF", false));

        assertThat(pooled.mac()).matches("56:6f(:[0-9a-f]{2}){4}");
        assertThat(pooled.linked()).isTrue();
        assertThat(pooled.model()).isEqualTo("virtio");
        assertThat(given.mac()).isEqualTo("52:54:00:ab:cd:ef");
        assertThat(given.linked()).isFalse();
        assertThat(nics.list(vm)).extracting(VmNic::name).containsExactly("nic1", "nic2");
        assertThat(networks.nicSpecs(vm)).containsExactly(new VmNicSpec(pooled.mac(), lan.bridge(), "virtio", 1500, true, null),
                new VmNicSpec("52:54:00:ab:cd:ef", lan.bridge(), "virtio", 1500, false, null));

        refused(() -> nics.add(vm2, new VmNic.Create("nic1", lan.id(), "52:54:00:ab:cd:ef", null)), ConflictException.class,
                ErrorCode.MAC_IN_USE, "MAC 52:54:00:ab:cd:ef is used by another NIC in the data center already");
        refused(() -> nics.add(vm2, new VmNic.Create("nic1", lan.id(), "53:54:00:ab:cd:ef", null)), InvalidInputException.class,
                ErrorCode.INVALID_FIELD, "multicast");
        refused(() -> nics.add(vm2, new VmNic.Create("nic1", lan.id(), "52:54:00:ab:cd", null)), InvalidInputException.class,
                ErrorCode.INVALID_FIELD, "is not a MAC address");
        refused(() -> nics.add(vm2, new VmNic.Create("nic1", lan.id(), "00:00:00:00:00:00", null)), InvalidInputException.class,
                ErrorCode.INVALID_FIELD, "not a usable address");
        refused(() -> nics.add(vm, new VmNic.Create("nic1", lan.id(), null, null)), ConflictException.class, ErrorCode.DUPLICATE_NAME,
                "A NIC named nic1 exists already");
        refused(() -> nics.add(vm2, new VmNic.Create("nic1", "x", null, null)), InvalidInputException.class, ErrorCode.INVALID_FIELD,
                "networkId");
        refused(() -> nics.add(vm2, new VmNic.Create("nic1", UUID.randomUUID().toString(), null, null)), NotFoundException.class,
                ErrorCode.NETWORK_NOT_FOUND, "No network");
        refused(() -> nics.add(UUID.randomUUID(), new VmNic.Create("nic1", lan.id(), null, null)), NotFoundException.class,
                ErrorCode.VM_NOT_FOUND, "No VM");
        assertThat(f.count("vm_nics")).isEqualTo(2);

        // a VM of another data center may use the same MAC: the pool is the data center's
        Network far = networks.create(new Network.Create("far", null, otherDcCluster.dataCenterId(), null, null, "eth1"));
        networks.attach(UUID.fromString(otherDcCluster.id()), new ClusterNetwork.Attach(far.id(), false));
        nics.add(UUID.fromString(f.vm(otherDcCluster, "vm3").id()), new VmNic.Create("nic1", far.id(), "52:54:00:ab:cd:ef", null));
    }

    @Test
    void aNicNeedsItsNetworkOnTheVmsClusterAndTheVmDownOrUp() {
        Network lan = attached("lan", "eth1");
        Network unattached = lan("lan-b", "eth2", null);
        Vm vm = f.vm(cluster, "vm1");
        UUID vmId = UUID.fromString(vm.id());
        UUID elsewhere = UUID.fromString(f.vm(otherCluster, "vm2").id());

        refused(() -> nics.add(vmId, new VmNic.Create("nic1", unattached.id(), null, null)), ConflictException.class,
                ErrorCode.NETWORK_NOT_IN_CLUSTER, "Network lan-b is not attached to cluster c1 of VM vm1; attach it to the cluster first");
        refused(() -> nics.add(elsewhere, new VmNic.Create("nic1", lan.id(), null, null)), ConflictException.class,
                ErrorCode.NETWORK_NOT_IN_CLUSTER, "not attached to cluster c1b");
        VmNic nic = nics.add(vmId, new VmNic.Create("nic1", lan.id(), null, null));

        f.jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET status = 'PAUSED' WHERE id = :id").bind("id", vmId).execute());
        refused(() -> nics.add(vmId, new VmNic.Create("nic2", lan.id(), null, null)), ConflictException.class, ErrorCode.VM_NOT_DOWN,
                "VM vm1 is PAUSED; it must be Down or Up to add a NIC to it");
        refused(() -> nics.remove(vmId, UUID.fromString(nic.id())), ConflictException.class, ErrorCode.VM_NOT_DOWN,
                "it must be Down or Up to remove a NIC from it");
        refused(() -> nics.update(vmId, UUID.fromString(nic.id()), new VmNic.Update(false)), ConflictException.class,
                ErrorCode.VM_NOT_DOWN, "it must be Down or Up to change a NIC's link");
        assertThat(f.count("vm_nics")).isEqualTo(1);

        f.jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET status = 'DOWN' WHERE id = :id").bind("id", vmId).execute());
        refused(() -> nics.remove(vmId, UUID.randomUUID()), NotFoundException.class, ErrorCode.NIC_NOT_FOUND, "No NIC of VM vm1");
        nics.remove(vmId, UUID.fromString(nic.id()));
        assertThat(nics.list(vmId)).isEmpty();
    }

    @Test
    void aNetworkInUseStaysAndAVmsMacsAreFreedWithIt() {
        Network lan = attached("lan", "eth1");
        Vm vm = f.vm(cluster, "vm1");
        nics.add(UUID.fromString(vm.id()), new VmNic.Create("nic1", lan.id(), "52:54:00:00:00:01", null));

        refused(() -> networks.delete(id(lan)), ConflictException.class, ErrorCode.ENTITY_IN_USE,
                "Network lan is in use: VM NICs are on it; remove them first");
        refused(() -> networks.detach(UUID.fromString(cluster.id()), id(lan)), ConflictException.class, ErrorCode.ENTITY_IN_USE,
                "1 VM NIC(s) are on it");
        assertThat(networks.network(id(lan)).name()).isEqualTo("lan");

        f.vms.delete(UUID.fromString(vm.id()), false);
        assertThat(f.count("vm_nics")).isZero();
        // the MAC is free again
        nics.add(UUID.fromString(f.vm(cluster, "vm2").id()), new VmNic.Create("nic1", lan.id(), "52:54:00:00:00:01", null));
        f.vms.delete(UUID.fromString(f.vms.list(Visibility.ALL, Optional.of("name=vm2"), Paging.ALL).getFirst().id()), false);

        networks.delete(id(lan));
        assertThat(f.count("networks")).isZero();
        assertThat(f.count("cluster_networks")).isZero();
        refused(() -> networks.network(id(lan)), NotFoundException.class, ErrorCode.NETWORK_NOT_FOUND, "No network");
    }

    @Test
    void aDesktopGetsNicsLikeItsTemplatesWithMacsOfItsOwn() {
        Network lan = attached("lan", "eth1");
        UUID template = UUID.fromString(f.vm(cluster, "tpl").id());
        VmNic original = nics.add(template, new VmNic.Create("nic1", lan.id(), null, false));
        UUID desktop1 = UUID.fromString(f.vm(cluster, "d1").id());
        UUID desktop2 = UUID.fromString(f.vm(cluster, "d2").id());

        f.jdbi.useTransaction(h -> {
            networks.copyNics(h, template, desktop1);
            networks.copyNics(h, template, desktop2);
        });

        List<VmNic> first = nics.list(desktop1);
        List<VmNic> second = nics.list(desktop2);
        assertThat(first).singleElement().satisfies(nic -> {
            assertThat(nic.name()).isEqualTo("nic1");
            assertThat(nic.networkId()).isEqualTo(lan.id());
            assertThat(nic.linked()).isFalse();
        });
        assertThat(Set.of(original.mac(), first.getFirst().mac(), second.getFirst().mac())).hasSize(3);
    }

    @Test
    void aHostCarriesANetworkWhenItsBridgeIsUpWithTheNetworksPort() {
        Network lan = attached("lan", "eth1");
        attached("lan-b", "eth2");
        Host host = f.upHost(cluster, "h1");
        UUID hostId = UUID.fromString(host.id());
        UUID vm = UUID.fromString(f.vm(cluster, "vm1").id());
        nics.add(vm, new VmNic.Create("nic1", lan.id(), null, null));

        f.hosts.recordNics(hostId, List.of(nic("eth1", NicKind.PHYSICAL, lan.bridge(), true, 1500),
                nic(lan.bridge(), NicKind.BRIDGE, null, true, 1500), nic("eth2", NicKind.PHYSICAL, null, true, 1500)));
        assertThat(carried(hostId)).containsExactly("lan");
        assertThat(f.hosts.nics(hostId)).extracting(HostNic::name).containsExactly("eth1", lan.bridge(), "eth2");
        Map<UUID, Set<String>> vmNetworks = f.jdbi.withHandle(h -> networks.networkNamesOfVms(h, UUID.fromString(cluster.id())));
        assertThat(vmNetworks).isEqualTo(Map.of(vm, Set.of("lan")));

        // a bridge that is down, or without the port, or at another MTU does not carry it
        f.hosts.recordNics(hostId, List.of(nic("eth1", NicKind.PHYSICAL, lan.bridge(), true, 1500), nic(lan.bridge(), NicKind.BRIDGE, null, false, 1500)));
        assertThat(carried(hostId)).isEmpty();
        f.hosts.recordNics(hostId, List.of(nic("eth1", NicKind.PHYSICAL, null, true, 1500), nic(lan.bridge(), NicKind.BRIDGE, null, true, 1500)));
        assertThat(carried(hostId)).isEmpty();
        f.hosts.recordNics(hostId, List.of(nic("eth1", NicKind.PHYSICAL, lan.bridge(), true, 1500), nic(lan.bridge(), NicKind.BRIDGE, null, true, 9000)));
        assertThat(carried(hostId)).isEmpty();
    }

    @Test
    void aHostMissingARequiredNetworkIsNonOperationalUntilItCarriesIt() {
        UUID hostId = UUID.fromString(f.upHost(cluster, "h1").id());

        f.hosts.networkProblem(hostId, Optional.of("lan (the host has no interface eth9)"));
        Host host = f.hosts.host(hostId);
        assertThat(host.status()).isEqualTo(HostStatus.NON_OPERATIONAL);
        assertThat(host.statusDetail()).isEqualTo("it cannot carry a required network: lan (the host has no interface eth9)");
        f.hosts.networkProblem(hostId, Optional.of("lan (eth1 carries 10.0.0.1/24)"));
        assertThat(f.hosts.host(hostId).statusDetail()).endsWith("lan (eth1 carries 10.0.0.1/24)");

        f.hosts.networkProblem(hostId, Optional.empty());
        assertThat(f.hosts.host(hostId).status()).isEqualTo(HostStatus.UP);
        assertThat(f.hosts.host(hostId).statusDetail()).isNull();

        // NonOperational for libvirt is not the networks' to end
        f.jdbi.useHandle(h -> h.createUpdate("UPDATE hosts SET status = 'NON_OPERATIONAL', status_detail = 'libvirt on the host does "
                + "not answer: x' WHERE id = :id").bind("id", hostId).execute());
        f.hosts.networkProblem(hostId, Optional.empty());
        assertThat(f.hosts.host(hostId).status()).isEqualTo(HostStatus.NON_OPERATIONAL);
        assertThat(f.hosts.host(hostId).statusDetail()).startsWith("libvirt");
    }

    @Test
    void aNicNamesAProfileOrItsNetworksDefaultProfileAndGetsItsMtuAndLink() {
        Network lan = networks.create(new Network.Create("lan", null, cluster.dataCenterId(), null, 9000, "eth1"));
        networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(lan.id(), false));
        VnicProfile standard = networks.profiles(Visibility.ALL, Optional.of("network=" + lan.id()), Paging.ALL).getFirst();
        assertThat(standard.name()).isEqualTo("lan");
        assertThat(standard.mtu()).isNull();
        assertThat(standard.linked()).isTrue();
        VnicProfile narrow = networks.createProfile(new VnicProfile.Create("narrow", lan.id(), "tunnels inside", 1400, false));
        UUID vm = UUID.fromString(f.vm(cluster, "vm1").id());

        VmNic byNetwork = nics.add(vm, new VmNic.Create("nic1", lan.id(), null, null));
        VmNic byProfile = nics.add(vm, new VmNic.Create("nic2", null, null, null, narrow.id()));
        VmNic linkedAnyway = nics.add(vm, new VmNic.Create("nic3", lan.id(), null, true, narrow.id()));

        assertThat(byNetwork.profileId()).isEqualTo(standard.id());
        assertThat(byProfile.profileId()).isEqualTo(narrow.id());
        assertThat(byProfile.networkId()).isEqualTo(lan.id());
        assertThat(byProfile.linked()).isFalse();
        assertThat(linkedAnyway.linked()).isTrue();
        assertThat(networks.nicSpecs(vm)).extracting(VmNicSpec::mtu).containsExactly(9000, 1400, 1400);
        // a network made smaller: no NIC is given more than its network
        networks.update(id(lan), new Network.Update(null, null, 1300));
        assertThat(networks.nicSpecs(vm)).extracting(VmNicSpec::mtu).containsExactly(1300, 1300, 1300);

        Network other = attached("other", "eth2");
        refused(() -> nics.add(vm, new VmNic.Create("nic4", other.id(), null, null, narrow.id())), InvalidInputException.class,
                ErrorCode.INVALID_FIELD, "vNIC profile narrow is for another network than networkId");
        refused(() -> nics.add(vm, new VmNic.Create("nic4", null, null, null, UUID.randomUUID().toString())), NotFoundException.class,
                ErrorCode.VNIC_PROFILE_NOT_FOUND, "No vNIC profile");
        refused(() -> networks.createProfile(new VnicProfile.Create("big", lan.id(), null, 1500, null)), InvalidInputException.class,
                ErrorCode.INVALID_FIELD, "mtu must be between 68 and 1300");
        refused(() -> networks.createProfile(new VnicProfile.Create("narrow", lan.id(), null, null, null)), ConflictException.class,
                ErrorCode.DUPLICATE_NAME, "A vNIC profile named narrow exists already");
        refused(() -> networks.deleteProfile(UUID.fromString(narrow.id())), ConflictException.class, ErrorCode.ENTITY_IN_USE,
                "vNIC profile narrow is in use");
        refused(() -> networks.updateProfile(UUID.fromString(standard.id()), new VnicProfile.Update("renamed", null, null, null)),
                InvalidInputException.class, ErrorCode.INVALID_FIELD, "keeps the network's name");
        assertThat(f.count("vm_nics")).isEqualTo(3);

        // the default profile follows its network's name; profiles go with their network
        networks.update(id(lan), new Network.Update("lan2", null, null));
        assertThat(networks.profile(UUID.fromString(standard.id())).name()).isEqualTo("lan2");
        assertThat(nics.add(vm, new VmNic.Create("nic4", lan.id(), null, null)).profileId()).isEqualTo(standard.id());
        assertThat(networks.updateProfile(UUID.fromString(narrow.id()), new VnicProfile.Update(null, null, 1000, true)).mtu()).isEqualTo(1000);
        f.vms.delete(vm, false);
        networks.deleteProfile(UUID.fromString(narrow.id()));
        networks.detach(UUID.fromString(cluster.id()), id(lan));
        networks.delete(id(lan));
        assertThat(networks.profiles(Visibility.ALL, Optional.empty(), Paging.ALL)).extracting(VnicProfile::name).containsExactly("other");
    }

    private Set<String> carried(UUID hostId) {
        return f.jdbi.withHandle(h -> networks.carriedNetworkNames(h, UUID.fromString(cluster.id()))).get(hostId);
    }

    private static HostNic nic(String name, NicKind kind, String master, boolean up, int mtu) {
        return new HostNic(name, "52:54:00:00:00:01", mtu, up, List.of(), kind, master, null, null);
    }

    private Network attached(String name, String hostNic) {
        Network network = lan(name, hostNic, null);
        networks.attach(UUID.fromString(cluster.id()), new ClusterNetwork.Attach(network.id(), false));
        return network;
    }

    private static void refused(Runnable action, Class<? extends DomainException> type, ErrorCode code, String sentence) {
        assertThatThrownBy(action::run).isInstanceOf(type).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(sentence);
        });
    }

    /** A provider network (VXLAN 4242, MTU 1450) with a subnet 10.9.0.0/24, written as its rows (the neutron feature's own tests cover its API). */
    private UUID overlay(String dataCenterId) {
        UUID network = UUID.randomUUID();
        f.jdbi.useHandle(h -> {
            h.createUpdate("INSERT INTO neutron_networks (id, project_id, name, mtu, network_type, segmentation_id, data_center_id) "
                    + "VALUES (:id, :project, 'blue', 1450, 'vxlan', :vni, :dc)").bind("id", network).bind("project", UUID.randomUUID())
                    .bind("vni", 4000 + (int) (Math.random() * 1000)).bind("dc", UUID.fromString(dataCenterId)).execute();
            h.createUpdate("INSERT INTO neutron_subnets (id, network_id, project_id, cidr, gateway_ip, allocation_pools) "
                    + "VALUES (:id, :network, :project, '10.9.0.0/24', '10.9.0.1', '[{\"start\": \"10.9.0.10\", \"end\": \"10.9.0.20\"}]')")
                    .bind("id", UUID.randomUUID()).bind("network", network).bind("project", UUID.randomUUID()).execute();
        });
        return network;
    }

    @Test
    void aNicOnAProviderNetworkHoldsAPortWithItsMacAndPlugsIntoTheOverlaysBridgeWithItsTap() {
        UUID blue = overlay(cluster.dataCenterId());
        UUID vm = UUID.fromString(f.vm(cluster, "vm1").id());
        VmNic nic = nics.add(vm, new VmNic.Create("nic1", blue.toString(), null, null));

        assertThat(nic.networkId()).isEqualTo(blue.toString());
        assertThat(nic.portId()).isNotNull();
        assertThat(nic.mac()).matches("56:6f(:[0-9a-f]{2}){4}");
        var port = f.neutron.snapshot().ports().stream().filter(p -> p.id().toString().equals(nic.portId())).findFirst().orElseThrow();
        assertThat(port.macAddress()).isEqualTo(nic.mac());
        assertThat(port.deviceOwner()).isEqualTo("compute:vireo");
        assertThat(port.deviceId()).isEqualTo(vm.toString());
        assertThat(port.fixedIps()).singleElement().satisfies(ip -> assertThat(ip.ipAddress()).isEqualTo("10.9.0.10"));
        assertThat(networks.nicSpecs(vm)).containsExactly(new VmNicSpec(nic.mac(), "brq" + blue.toString().substring(0, 11), "virtio",
                1450, true, "tap" + nic.portId().substring(0, 11)));

        // a desktop made from it gets a port of its own, with its own MAC and address
        UUID desktop = UUID.fromString(f.vm(cluster, "d1").id());
        f.jdbi.useTransaction(h -> networks.copyNics(h, vm, desktop));
        VmNic copy = nics.list(desktop).getFirst();
        assertThat(copy.portId()).isNotNull().isNotEqualTo(nic.portId());
        assertThat(copy.mac()).isNotEqualTo(nic.mac());
        assertThat(f.neutron.snapshot().ports()).hasSize(2);

        // another data center's VM may not use it; an unknown network is not found; nothing is left of either
        refused(() -> nics.add(UUID.fromString(f.vm(otherDcCluster, "vm3").id()), new VmNic.Create("nic1", blue.toString(), null, null)),
                InvalidInputException.class, ErrorCode.INVALID_FIELD, "another data center");
        refused(() -> nics.add(vm, new VmNic.Create("nic2", UUID.randomUUID().toString(), null, null)), NotFoundException.class,
                ErrorCode.NETWORK_NOT_FOUND, "No network");
        assertThat(f.neutron.snapshot().ports()).hasSize(2);
        assertThat(f.count("vm_nics")).isEqualTo(2);

        // removing the NIC removes its port; removing the VM leaves its port to the orphan sweep
        nics.remove(vm, UUID.fromString(nic.id()));
        assertThat(f.neutron.snapshot().ports()).extracting(p -> p.id().toString()).containsExactly(copy.portId());
        assertThat(networks.portsOfNics()).containsExactly(UUID.fromString(copy.portId()));
    }
}
