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
import io.vireo.model.VnicProfile;
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
     * @param profileId its vNIC profile (a logical network's NIC), or null
     * @param providerNetworkId the provider network's id (with its port's), or null
     */
    record NewNic(UUID id, UUID vmId, UUID dataCenterId, UUID clusterId, String name, UUID networkId, String mac, boolean linked,
                  UUID profileId, UUID providerNetworkId, UUID portId) {
        NewNic withMac(String newMac) {
            return new NewNic(id, vmId, dataCenterId, clusterId, name, networkId, newMac, linked, profileId, providerNetworkId, portId);
        }

        NewNic withPort(UUID newPort) {
            return new NewNic(id, vmId, dataCenterId, clusterId, name, networkId, mac, linked, profileId, providerNetworkId, newPort);
        }
    }

    /** Inserts the NIC unless its MAC is taken in the data center: then nothing, and false. */
    boolean insertNic(Handle h, NewNic nic) {
        return h.createUpdate("INSERT INTO vm_nics (id, vm_id, data_center_id, cluster_id, name, network_id, mac, linked, profile_id, "
                        + "provider_network_id, port_id) VALUES (:id, :vm, :dc, :cluster, :name, CAST(:network AS uuid), :mac, :linked, "
                        + "CAST(:profile AS uuid), CAST(:provider AS uuid), CAST(:port AS uuid)) ON CONFLICT (data_center_id, mac) DO NOTHING")
                .bind("id", nic.id()).bind("vm", nic.vmId()).bind("dc", nic.dataCenterId()).bind("cluster", nic.clusterId())
                .bind("name", nic.name()).bind("network", nic.networkId()).bind("mac", nic.mac()).bind("linked", nic.linked())
                .bind("profile", nic.profileId()).bind("provider", nic.providerNetworkId()).bind("port", nic.portId())
                .execute() > 0;
    }

    // vNIC profiles

    static final Map<String, SearchQuery.Field> PROFILE_SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("p.name", SearchQuery.Type.TEXT),
            "network", new SearchQuery.Field("p.network_id::text", SearchQuery.Type.TEXT));
    private static final String PROFILES = "SELECT p.*, n.data_center_id FROM vnic_profiles p JOIN networks n ON n.id = p.network_id";

    record NewProfile(UUID id, UUID networkId, String name, String description, Integer mtu, boolean linked) {
    }

    void insertProfile(Handle h, NewProfile p) {
        h.createUpdate("INSERT INTO vnic_profiles (id, network_id, name, description, mtu, linked) "
                        + "VALUES (:id, :network, :name, :description, :mtu, :linked)")
                .bind("id", p.id()).bind("network", p.networkId()).bind("name", p.name()).bind("description", p.description())
                .bind("mtu", p.mtu()).bind("linked", p.linked()).execute();
    }

    Optional<VnicProfile> findProfile(Handle h, UUID id) {
        return h.createQuery(PROFILES + " WHERE p.id = :id").bind("id", id).map((rs, ctx) -> toProfile(rs)).findOne();
    }

    List<VnicProfile> listProfiles(Handle h, Visibility dataCenters, SqlPredicate search, Paging paging) {
        return Pages.list(h, PROFILES, search.and(dataCenters.on("n.data_center_id")), "p.name, p.id", paging, (rs, ctx) -> toProfile(rs));
    }

    void updateProfile(Handle h, UUID id, String name, String description, Integer mtu, boolean linked) {
        h.createUpdate("UPDATE vnic_profiles SET name = :name, description = :description, mtu = :mtu, linked = :linked WHERE id = :id")
                .bind("id", id).bind("name", name).bind("description", description).bind("mtu", mtu).bind("linked", linked).execute();
    }

    /** The default profile keeps its network's name. */
    void renameDefaultProfile(Handle h, UUID networkId, String oldName, String newName) {
        h.createUpdate("UPDATE vnic_profiles SET name = :new WHERE network_id = :network AND name = :old")
                .bind("network", networkId).bind("old", oldName).bind("new", newName).execute();
    }

    void deleteProfile(Handle h, UUID id) {
        h.createUpdate("DELETE FROM vnic_profiles WHERE id = :id").bind("id", id).execute();
    }

    /** The network's default profile (the one with the network's name), if it still has it. */
    Optional<VnicProfile> defaultProfile(Handle h, UUID networkId) {
        return h.createQuery(PROFILES + " WHERE p.network_id = :network AND p.name = n.name").bind("network", networkId)
                .map((rs, ctx) -> toProfile(rs)).findOne();
    }

    static VnicProfile toProfile(ResultSet rs) throws SQLException {
        return new VnicProfile(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                rs.getObject("network_id").toString(), rs.getObject("data_center_id").toString(), Rows.integer(rs, "mtu"),
                rs.getBoolean("linked"), Rows.instant(rs, "created_at"));
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
                        rs.getString("mac"), rs.getBoolean("linked"), rs.getObject("profile_id", UUID.class),
                        rs.getObject("provider_network_id", UUID.class), rs.getObject("port_id", UUID.class))).list();
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
     * A NIC as an agent plugs it: on its network's bridge, with its profile's MTU if it has one (never above the
     * network's). A NIC on a provider network has no logical network: no bridge here (null) and its port instead,
     * which the service turns into the overlay's bridge and tap.
     */
    private static final String SPEC = "SELECT nic.mac, nic.model, nic.linked, n.bridge, LEAST(COALESCE(p.mtu, n.mtu), n.mtu) AS mtu, "
            + "nic.provider_network_id, nic.port_id FROM vm_nics nic LEFT JOIN networks n ON n.id = nic.network_id "
            + "LEFT JOIN vnic_profiles p ON p.id = nic.profile_id ";

    void setLinked(Handle h, UUID nicId, boolean linked) {
        h.createUpdate("UPDATE vm_nics SET linked = :linked WHERE id = :id").bind("id", nicId).bind("linked", linked).execute();
    }

    Optional<SpecRow> specOfNic(Handle h, UUID vmId, UUID nicId) {
        return h.createQuery(SPEC + "WHERE nic.vm_id = :vm AND nic.id = :id")
                .bind("vm", vmId).bind("id", nicId).map((rs, ctx) -> specRow(rs)).findOne();
    }

    List<SpecRow> specsOfVm(Handle h, UUID vmId) {
        return h.createQuery(SPEC + "WHERE nic.vm_id = :vm ORDER BY nic.created_at, nic.name")
                .bind("vm", vmId).map((rs, ctx) -> specRow(rs)).list();
    }

    private static SpecRow specRow(ResultSet rs) throws SQLException {
        boolean logical = rs.getString("bridge") != null;
        return new SpecRow(new VmNicSpec(rs.getString("mac"), logical ? rs.getString("bridge") : "-", rs.getString("model"),
                logical ? rs.getInt("mtu") : 1500, rs.getBoolean("linked"), null),
                rs.getObject("provider_network_id", UUID.class), rs.getObject("port_id", UUID.class));
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
                Rows.instant(rs, "created_at"), rs.getObject("profile_id") == null ? null : rs.getObject("profile_id").toString(),
                port == null ? null : port.toString());
    }
}
