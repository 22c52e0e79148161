package io.vireo.engine.networks;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.ClusterNetwork;
import io.vireo.model.Network;
import io.vireo.model.VmNic;
import io.vireo.model.rpc.VmNicSpec;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** SQL of logical networks, their attachment to clusters, and VM NICs. */
final class NetworkRepository {
    static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "datacenter", new SearchQuery.Field("data_center_id::text", SearchQuery.Type.TEXT),
            "vlan", new SearchQuery.Field("vlan_id", SearchQuery.Type.NUMBER),
            "hostnic", new SearchQuery.Field("host_nic", SearchQuery.Type.TEXT),
            "bridge", new SearchQuery.Field("bridge", SearchQuery.Type.TEXT));

    record NewNetwork(UUID id, UUID dataCenterId, String name, String description, Integer vlanId, int mtu, String hostNic,
                      String bridge) {
    }

    void insert(Handle h, NewNetwork n) {
        h.createUpdate("INSERT INTO networks (id, data_center_id, name, description, vlan_id, mtu, host_nic, bridge) "
                        + "VALUES (:id, :dc, :name, :description, :vlan, :mtu, :nic, :bridge)")
                .bind("id", n.id()).bind("dc", n.dataCenterId()).bind("name", n.name()).bind("description", n.description())
                .bind("vlan", n.vlanId()).bind("mtu", n.mtu()).bind("nic", n.hostNic()).bind("bridge", n.bridge()).execute();
    }

    Optional<Network> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM networks WHERE id = :id").bind("id", id).map((rs, ctx) -> toNetwork(rs)).findOne();
    }

    List<Network> list(Handle h, Visibility dataCenters, SqlPredicate search, Paging paging) {
        return Pages.list(h, "SELECT * FROM networks", search.and(dataCenters.on("networks.data_center_id")), "name, id", paging,
                (rs, ctx) -> toNetwork(rs));
    }

    void update(Handle h, UUID id, String name, String description, int mtu) {
        h.createUpdate("UPDATE networks SET name = :name, description = :description, mtu = :mtu WHERE id = :id")
                .bind("id", id).bind("name", name).bind("description", description).bind("mtu", mtu).execute();
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM networks WHERE id = :id").bind("id", id).execute();
    }

    /** Attaches, or changes whether it is required when attached already. */
    void attach(Handle h, UUID clusterId, UUID networkId, boolean required) {
        h.createUpdate("INSERT INTO cluster_networks (cluster_id, network_id, required) VALUES (:cluster, :network, :required) "
                        + "ON CONFLICT (cluster_id, network_id) DO UPDATE SET required = EXCLUDED.required")
                .bind("cluster", clusterId).bind("network", networkId).bind("required", required).execute();
    }

    boolean detach(Handle h, UUID clusterId, UUID networkId) {
        return h.createUpdate("DELETE FROM cluster_networks WHERE cluster_id = :cluster AND network_id = :network")
                .bind("cluster", clusterId).bind("network", networkId).execute() > 0;
    }

    /** A network attached to a cluster, with the attachment's required flag. */
    record Attached(Network network, boolean required) {
        ClusterNetwork view(UUID clusterId) {
            return new ClusterNetwork(clusterId.toString(), network.id(), network.name(), required);
        }
    }

    List<Attached> attached(Handle h, UUID clusterId) {
        return h.createQuery("SELECT n.*, cn.required FROM cluster_networks cn JOIN networks n ON n.id = cn.network_id "
                        + "WHERE cn.cluster_id = :cluster ORDER BY n.name")
                .bind("cluster", clusterId).map((rs, ctx) -> new Attached(toNetwork(rs), rs.getBoolean("required"))).list();
    }

    /** The networks attached to each cluster that has any. */
    Map<UUID, List<Attached>> attachedByCluster(Handle h) {
        Map<UUID, List<Attached>> byCluster = new HashMap<>();
        h.createQuery("SELECT n.*, cn.cluster_id AS attached_to, cn.required FROM cluster_networks cn "
                        + "JOIN networks n ON n.id = cn.network_id ORDER BY n.name")
                .map((rs, ctx) -> Map.entry(rs.getObject("attached_to", UUID.class), new Attached(toNetwork(rs), rs.getBoolean("required"))))
                .forEach(entry -> byCluster.computeIfAbsent(entry.getKey(), key -> new java.util.ArrayList<>()).add(entry.getValue()));
        return byCluster;
    }

    int nicsOnNetworkInCluster(Handle h, UUID networkId, UUID clusterId) {
        return h.createQuery("SELECT count(*) FROM vm_nics WHERE network_id = :network AND cluster_id = :cluster")
                .bind("network", networkId).bind("cluster", clusterId).mapTo(Integer.class).one();
    }

    /**
     * @param networkId a logical network's id, or null for a NIC on a provider network
     * @param providerNetworkId the provider network's id (with its port's), or null
     */
    record NewNic(UUID id, UUID vmId, UUID dataCenterId, UUID clusterId, String name, UUID networkId, String mac, boolean linked,
                  UUID providerNetworkId, UUID portId) {
        NewNic withMac(String newMac) {
            return new NewNic(id, vmId, dataCenterId, clusterId, name, networkId, newMac, linked, providerNetworkId, portId);
        }

        NewNic withPort(UUID newPort) {
            return new NewNic(id, vmId, dataCenterId, clusterId, name, networkId, mac, linked, providerNetworkId, newPort);
        }
    }

    /** Inserts the NIC unless its MAC is taken in the data center: then nothing, and false. */
    boolean insertNic(Handle h, NewNic nic) {
        return h.createUpdate("INSERT INTO vm_nics (id, vm_id, data_center_id, cluster_id, name, network_id, mac, linked, "
                        + "provider_network_id, port_id) VALUES (:id, :vm, :dc, :cluster, :name, CAST(:network AS uuid), :mac, :linked, "
                        + "CAST(:provider AS uuid), CAST(:port AS uuid)) ON CONFLICT (data_center_id, mac) DO NOTHING")
                .bind("id", nic.id()).bind("vm", nic.vmId()).bind("dc", nic.dataCenterId()).bind("cluster", nic.clusterId())
                .bind("name", nic.name()).bind("network", nic.networkId()).bind("mac", nic.mac()).bind("linked", nic.linked())
                .bind("provider", nic.providerNetworkId()).bind("port", nic.portId())
                .execute() > 0;
    }

    /** Every port a VM NIC holds on a provider network. */
    Set<UUID> portsOfNics(Handle h) {
        return new HashSet<>(h.createQuery("SELECT port_id FROM vm_nics WHERE port_id IS NOT NULL").mapTo(UUID.class).list());
    }


    List<VmNic> nicsOfVm(Handle h, UUID vmId) {
        return h.createQuery("SELECT * FROM vm_nics WHERE vm_id = :vm ORDER BY created_at, name").bind("vm", vmId)
                .map((rs, ctx) -> toNic(rs)).list();
    }

    Optional<VmNic> nic(Handle h, UUID vmId, UUID nicId) {
        return h.createQuery("SELECT * FROM vm_nics WHERE vm_id = :vm AND id = :id").bind("vm", vmId).bind("id", nicId)
                .map((rs, ctx) -> toNic(rs)).findOne();
    }

    /** The VM's NIC rows, to copy (a desktop's from its template's). */
    List<NewNic> nicRowsOfVm(Handle h, UUID vmId) {
        return h.createQuery("SELECT * FROM vm_nics WHERE vm_id = :vm ORDER BY created_at, name").bind("vm", vmId)
                .map((rs, ctx) -> new NewNic(rs.getObject("id", UUID.class), vmId, rs.getObject("data_center_id", UUID.class),
                        rs.getObject("cluster_id", UUID.class), rs.getString("name"), rs.getObject("network_id", UUID.class),
                        rs.getString("mac"), rs.getBoolean("linked"), rs.getObject("provider_network_id", UUID.class),
                        rs.getObject("port_id", UUID.class))).list();
    }

    Optional<String> bridgeByName(Handle h, UUID dataCenterId, String name) {
        return h.createQuery("SELECT bridge FROM networks WHERE data_center_id = :dc AND name = :name").bind("dc", dataCenterId)
                .bind("name", name).mapTo(String.class).findOne();
    }

    /** Every logical network's bridge by its data center and name (for flat provider networks). */
    Map<String, String> bridgesByDataCenterAndName(Handle h) {
        Map<String, String> bridges = new HashMap<>();
        h.createQuery("SELECT data_center_id, name, bridge FROM networks").map((rs, ctx) -> Map.entry(
                rs.getObject("data_center_id") + "/" + rs.getString("name"), rs.getString("bridge"))).forEach(e -> bridges.put(e.getKey(), e.getValue()));
        return bridges;
    }

    List<String> bridges(Handle h) {
        return h.createQuery("SELECT bridge FROM networks").mapTo(String.class).list();
    }

    void deleteNic(Handle h, UUID nicId) {
        h.createUpdate("DELETE FROM vm_nics WHERE id = :id").bind("id", nicId).execute();
    }

    /**
     * What an agent needs to plug the VM's NICs, in the order the guest sees them; a NIC on a provider network
     * has no bridge here (null) and its port instead, which the service turns into the overlay's bridge and tap.
     */
    List<SpecRow> specsOfVm(Handle h, UUID vmId) {
        return h.createQuery("SELECT nic.mac, nic.model, nic.linked, n.bridge, n.mtu, nic.provider_network_id, nic.port_id "
                        + "FROM vm_nics nic LEFT JOIN networks n ON n.id = nic.network_id WHERE nic.vm_id = :vm "
                        + "ORDER BY nic.created_at, nic.name")
                .bind("vm", vmId)
                .map((rs, ctx) -> new SpecRow(new VmNicSpec(rs.getString("mac"), rs.getString("bridge") == null ? "-" : rs.getString("bridge"),
                        rs.getString("model"), rs.getString("bridge") == null ? 1500 : rs.getInt("mtu"), rs.getBoolean("linked"), null),
                        rs.getObject("provider_network_id", UUID.class), rs.getObject("port_id", UUID.class))).list();
    }

    /** @param providerNetworkId null for a NIC on a logical network (whose spec is complete) */
    record SpecRow(VmNicSpec spec, UUID providerNetworkId, UUID portId) {
    }

    /** The names of the networks each VM of the cluster has a NIC on. */
    Map<UUID, Set<String>> networkNamesOfVms(Handle h, UUID clusterId) {
        Map<UUID, Set<String>> names = new HashMap<>();
        h.createQuery("SELECT nic.vm_id, n.name FROM vm_nics nic JOIN networks n ON n.id = nic.network_id "
                        + "WHERE nic.cluster_id = :cluster")
                .bind("cluster", clusterId)
                .map((rs, ctx) -> Map.entry(rs.getObject("vm_id", UUID.class), rs.getString("name")))
                .forEach(entry -> names.computeIfAbsent(entry.getKey(), key -> new HashSet<>()).add(entry.getValue()));
        return names;
    }

    static Network toNetwork(ResultSet rs) throws SQLException {
        return new Network(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                rs.getObject("data_center_id").toString(), Rows.integer(rs, "vlan_id"), rs.getInt("mtu"), rs.getString("host_nic"),
                rs.getString("bridge"), Rows.instant(rs, "created_at"));
    }

    private static VmNic toNic(ResultSet rs) throws SQLException {
        Object network = rs.getObject("network_id") != null ? rs.getObject("network_id") : rs.getObject("provider_network_id");
        Object port = rs.getObject("port_id");
        return new VmNic(rs.getObject("id").toString(), rs.getObject("vm_id").toString(), rs.getString("name"),
                network.toString(), rs.getString("mac"), rs.getBoolean("linked"), rs.getString("model"),
                Rows.instant(rs, "created_at"), port == null ? null : port.toString());
    }
}
