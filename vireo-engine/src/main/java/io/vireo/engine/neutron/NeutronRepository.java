package io.vireo.engine.neutron;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.engine.neutron.NeutronModel.AllocationPool;
import io.vireo.engine.neutron.NeutronModel.FixedIp;
import io.vireo.engine.neutron.NeutronModel.FloatingIp;
import io.vireo.engine.neutron.NeutronModel.HostRoute;
import io.vireo.engine.neutron.NeutronModel.Network;
import io.vireo.engine.neutron.NeutronModel.Port;
import io.vireo.engine.neutron.NeutronModel.Router;
import io.vireo.engine.neutron.NeutronModel.RouterPort;
import io.vireo.engine.neutron.NeutronModel.Rule;
import io.vireo.engine.neutron.NeutronModel.SecurityGroup;
import io.vireo.engine.neutron.NeutronModel.Standard;
import io.vireo.engine.neutron.NeutronModel.Subnet;
import io.vireo.engine.store.Rows;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatements;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * SQL of the built-in network provider (tables of migration V20). A list is of every row, or, given a project,
 * of that project's rows (networks: also the shared and external ones; subnets: also those of such networks).
 */
final class NeutronRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STANDARD_UPDATE = "updated_at = now(), revision_number = revision_number + 1";

    // ------------------------------------------------------------------------------------------ locks

    /** Serialises what allocates from one pool (a subnet's addresses, the VNIs) until the transaction ends. */
    void lock(Handle h, String what) {
        h.createQuery("SELECT pg_advisory_xact_lock(hashtext(:what))").bind("what", "neutron:" + what).mapTo(String.class)
                .findOne();
    }

    // ------------------------------------------------------------------------------------------ networks

    record NewNetwork(UUID id, UUID projectId, String name, String description, boolean adminStateUp, boolean shared,
                      boolean external, boolean portSecurity, int mtu, String networkType, String physicalNetwork,
                      Integer segmentationId, UUID dataCenterId) {
    }

    void insertNetwork(Handle h, NewNetwork n) {
        h.createUpdate("INSERT INTO neutron_networks (id, project_id, name, description, admin_state_up, shared, router_external, "
                        + "port_security, mtu, network_type, physical_network, segmentation_id, data_center_id) VALUES (:id, "
                        + ":project, :name, :description, :up, :shared, :external, :security, :mtu, :type, :physical, :vni, :dc)")
                .bind("id", n.id()).bind("project", n.projectId()).bind("name", n.name()).bind("description", n.description())
                .bind("up", n.adminStateUp()).bind("shared", n.shared()).bind("external", n.external())
                .bind("security", n.portSecurity()).bind("mtu", n.mtu()).bind("type", n.networkType())
                .bind("physical", n.physicalNetwork()).bind("vni", n.segmentationId()).bind("dc", n.dataCenterId()).execute();
    }

    private static final String NETWORK_SELECT = "SELECT n.*, ARRAY(SELECT s.id FROM neutron_subnets s WHERE s.network_id = n.id "
            + "ORDER BY s.created_at, s.id) AS subnet_ids FROM neutron_networks n";

    List<Network> networks(Handle h, Optional<UUID> project) {
        return h.createQuery(NETWORK_SELECT + (project.isPresent()
                        ? " WHERE n.project_id = CAST(:project AS uuid) OR n.shared OR n.router_external" : "") + " ORDER BY n.created_at, n.id")
                .configure(SqlStatements.class, unused -> unused.setUnusedBindingAllowed(true))
                .bind("project", project.orElse(null)).map((rs, ctx) -> network(rs)).list();
    }

    Optional<Network> network(Handle h, UUID id) {
        return h.createQuery(NETWORK_SELECT + " WHERE n.id = :id").bind("id", id).map((rs, ctx) -> network(rs)).findOne();
    }

    /** The network, locked against concurrent changes until the transaction ends. */
    Optional<Network> networkForUpdate(Handle h, UUID id) {
        h.createQuery("SELECT id FROM neutron_networks WHERE id = :id FOR UPDATE").bind("id", id).mapTo(UUID.class).findOne();
        return network(h, id);
    }

    void updateNetwork(Handle h, UUID id, String name, String description, boolean adminStateUp, boolean shared,
                       boolean external, boolean portSecurity, int mtu) {
        h.createUpdate("UPDATE neutron_networks SET name = :name, description = :description, admin_state_up = :up, "
                        + "shared = :shared, router_external = :external, port_security = :security, mtu = :mtu, "
                        + STANDARD_UPDATE + " WHERE id = :id")
                .bind("id", id).bind("name", name).bind("description", description).bind("up", adminStateUp)
                .bind("shared", shared).bind("external", external).bind("security", portSecurity).bind("mtu", mtu).execute();
    }

    void deleteNetwork(Handle h, UUID id) {
        h.createUpdate("DELETE FROM neutron_networks WHERE id = :id").bind("id", id).execute();
    }

    boolean vniTaken(Handle h, int vni) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM neutron_networks WHERE segmentation_id = :vni)").bind("vni", vni)
                .mapTo(Boolean.class).one();
    }

    /** The lowest VXLAN network identifier no network holds, if any is left. */
    Optional<Integer> lowestFreeVni(Handle h) {
        return h.createQuery("SELECT candidate FROM (SELECT 1 AS candidate UNION ALL SELECT segmentation_id + 1 FROM "
                        + "neutron_networks WHERE segmentation_id IS NOT NULL) c WHERE candidate <= 16777215 AND NOT EXISTS "
                        + "(SELECT 1 FROM neutron_networks n WHERE n.segmentation_id = c.candidate) ORDER BY candidate LIMIT 1")
                .mapTo(Integer.class).findOne();
    }

    private static Network network(ResultSet rs) throws SQLException {
        return new Network(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class), rs.getString("name"),
                rs.getString("description"), rs.getBoolean("admin_state_up"), rs.getBoolean("shared"),
                rs.getBoolean("router_external"), rs.getBoolean("port_security"), rs.getInt("mtu"), rs.getString("network_type"),
                Optional.ofNullable(rs.getString("physical_network")), Optional.ofNullable(Rows.integer(rs, "segmentation_id")),
                rs.getObject("data_center_id", UUID.class), uuids(rs, "subnet_ids"), standard(rs));
    }

    // ------------------------------------------------------------------------------------------ subnets

    record NewSubnet(UUID id, UUID networkId, UUID projectId, String name, String description, String cidr, String gatewayIp,
                     List<AllocationPool> pools, List<String> dns, List<HostRoute> routes, boolean enableDhcp) {
    }

    void insertSubnet(Handle h, NewSubnet s) {
        h.createUpdate("INSERT INTO neutron_subnets (id, network_id, project_id, name, description, cidr, gateway_ip, "
                        + "allocation_pools, dns_nameservers, host_routes, enable_dhcp) VALUES (:id, :network, :project, :name, "
                        + ":description, :cidr, :gateway, CAST(:pools AS jsonb), CAST(:dns AS jsonb), CAST(:routes AS jsonb), :dhcp)")
                .bind("id", s.id()).bind("network", s.networkId()).bind("project", s.projectId()).bind("name", s.name())
                .bind("description", s.description()).bind("cidr", s.cidr()).bind("gateway", s.gatewayIp())
                .bind("pools", json(s.pools())).bind("dns", json(s.dns())).bind("routes", json(s.routes()))
                .bind("dhcp", s.enableDhcp()).execute();
    }

    List<Subnet> subnets(Handle h, Optional<UUID> project) {
        return h.createQuery("SELECT s.* FROM neutron_subnets s" + (project.isPresent()
                        ? " JOIN neutron_networks n ON n.id = s.network_id WHERE s.project_id = CAST(:project AS uuid) OR n.shared "
                        + "OR n.router_external" : "") + " ORDER BY s.created_at, s.id")
                .configure(SqlStatements.class, unused -> unused.setUnusedBindingAllowed(true))
                .bind("project", project.orElse(null)).map((rs, ctx) -> subnet(rs)).list();
    }

    List<Subnet> subnetsOfNetwork(Handle h, UUID networkId) {
        return h.createQuery("SELECT * FROM neutron_subnets WHERE network_id = :network ORDER BY created_at, id")
                .bind("network", networkId).map((rs, ctx) -> subnet(rs)).list();
    }

    Optional<Subnet> subnet(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM neutron_subnets WHERE id = :id").bind("id", id).map((rs, ctx) -> subnet(rs)).findOne();
    }

    void updateSubnet(Handle h, UUID id, String name, String description, String gatewayIp, List<AllocationPool> pools,
                      List<String> dns, List<HostRoute> routes, boolean enableDhcp) {
        h.createUpdate("UPDATE neutron_subnets SET name = :name, description = :description, gateway_ip = :gateway, "
                        + "allocation_pools = CAST(:pools AS jsonb), dns_nameservers = CAST(:dns AS jsonb), host_routes = "
                        + "CAST(:routes AS jsonb), enable_dhcp = :dhcp, " + STANDARD_UPDATE + " WHERE id = :id")
                .bind("id", id).bind("name", name).bind("description", description).bind("gateway", gatewayIp)
                .bind("pools", json(pools)).bind("dns", json(dns)).bind("routes", json(routes)).bind("dhcp", enableDhcp)
                .execute();
    }

    void deleteSubnet(Handle h, UUID id) {
        h.createUpdate("DELETE FROM neutron_subnets WHERE id = :id").bind("id", id).execute();
    }

    private static Subnet subnet(ResultSet rs) throws SQLException {
        return new Subnet(rs.getObject("id", UUID.class), rs.getObject("network_id", UUID.class),
                rs.getObject("project_id", UUID.class), rs.getString("name"), rs.getString("description"), rs.getString("cidr"),
                Optional.ofNullable(rs.getString("gateway_ip")),
                read(rs.getString("allocation_pools"), new TypeReference<List<AllocationPool>>() { }),
                read(rs.getString("dns_nameservers"), new TypeReference<List<String>>() { }),
                read(rs.getString("host_routes"), new TypeReference<List<HostRoute>>() { }), rs.getBoolean("enable_dhcp"),
                standard(rs));
    }

    // ------------------------------------------------------------------------------------------ ports

    record NewPort(UUID id, UUID networkId, UUID projectId, String name, String description, String mac, boolean adminStateUp,
                   String deviceOwner, String deviceId, boolean portSecurity, String status) {
    }

    void insertPort(Handle h, NewPort p) {
        h.createUpdate("INSERT INTO neutron_ports (id, network_id, project_id, name, description, mac_address, admin_state_up, "
                        + "device_owner, device_id, port_security, status) VALUES (:id, :network, :project, :name, :description, "
                        + ":mac, :up, :owner, :device, :security, :status)")
                .bind("id", p.id()).bind("network", p.networkId()).bind("project", p.projectId()).bind("name", p.name())
                .bind("description", p.description()).bind("mac", p.mac()).bind("up", p.adminStateUp())
                .bind("owner", p.deviceOwner()).bind("device", p.deviceId()).bind("security", p.portSecurity())
                .bind("status", p.status()).execute();
    }

    boolean macTaken(Handle h, UUID networkId, String mac) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM neutron_ports WHERE network_id = :network AND mac_address = :mac)")
                .bind("network", networkId).bind("mac", mac).mapTo(Boolean.class).one();
    }

    /** Replaces a port's fixed IPs, in the order given. */
    void setFixedIps(Handle h, UUID portId, List<FixedIp> ips) {
        h.createUpdate("DELETE FROM neutron_ip_allocations WHERE port_id = :port").bind("port", portId).execute();
        int position = 0;
        for (FixedIp ip : ips) {
            h.createUpdate("INSERT INTO neutron_ip_allocations (subnet_id, ip_address, port_id, position) VALUES (:subnet, :ip, "
                            + ":port, :position)")
                    .bind("subnet", ip.subnetId()).bind("ip", ip.ipAddress()).bind("port", portId).bind("position", position++)
                    .execute();
        }
    }

    void setSecurityGroups(Handle h, UUID portId, List<UUID> groups) {
        h.createUpdate("DELETE FROM neutron_port_security_groups WHERE port_id = :port").bind("port", portId).execute();
        for (UUID group : groups) {
            h.createUpdate("INSERT INTO neutron_port_security_groups (port_id, security_group_id) VALUES (:port, :group)")
                    .bind("port", portId).bind("group", group).execute();
        }
    }

    /** The addresses given in a subnet. */
    Set<String> takenAddresses(Handle h, UUID subnetId) {
        return new HashSet<>(h.createQuery("SELECT ip_address FROM neutron_ip_allocations WHERE subnet_id = :subnet")
                .bind("subnet", subnetId).mapTo(String.class).list());
    }

    boolean subnetHasAllocations(Handle h, UUID subnetId, Set<String> exceptOwners) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM neutron_ip_allocations a JOIN neutron_ports p ON p.id = a.port_id "
                        + "WHERE a.subnet_id = :subnet AND NOT (p.device_owner = ANY(:owners)))")
                .bind("subnet", subnetId).bind("owners", exceptOwners.toArray(new String[0])).mapTo(Boolean.class).one();
    }

    private static final String PORT_SELECT = "SELECT p.*, COALESCE((SELECT json_agg(json_build_object('subnet_id', a.subnet_id, "
            + "'ip_address', a.ip_address) ORDER BY a.position) FROM neutron_ip_allocations a WHERE a.port_id = p.id), '[]') "
            + "AS fixed_ips, ARRAY(SELECT g.security_group_id FROM neutron_port_security_groups g WHERE g.port_id = p.id "
            + "ORDER BY g.security_group_id) AS security_groups FROM neutron_ports p";

    List<Port> ports(Handle h, Optional<UUID> project) {
        return h.createQuery(PORT_SELECT + (project.isPresent() ? " WHERE p.project_id = CAST(:project AS uuid)" : "")
                        + " ORDER BY p.created_at, p.id")
                .configure(SqlStatements.class, unused -> unused.setUnusedBindingAllowed(true))
                .bind("project", project.orElse(null)).map((rs, ctx) -> port(rs)).list();
    }

    List<Port> portsOfNetwork(Handle h, UUID networkId) {
        return h.createQuery(PORT_SELECT + " WHERE p.network_id = :network ORDER BY p.created_at, p.id")
                .bind("network", networkId).map((rs, ctx) -> port(rs)).list();
    }

    List<Port> portsOfDevice(Handle h, String deviceId) {
        return h.createQuery(PORT_SELECT + " WHERE p.device_id = :device ORDER BY p.created_at, p.id")
                .bind("device", deviceId).map((rs, ctx) -> port(rs)).list();
    }

    Optional<Port> port(Handle h, UUID id) {
        return h.createQuery(PORT_SELECT + " WHERE p.id = :id").bind("id", id).map((rs, ctx) -> port(rs)).findOne();
    }

    /** The ports that hold an address in the subnet. */
    List<Port> portsOnSubnet(Handle h, UUID subnetId) {
        return h.createQuery(PORT_SELECT + " WHERE EXISTS (SELECT 1 FROM neutron_ip_allocations a WHERE a.port_id = p.id "
                        + "AND a.subnet_id = :subnet) ORDER BY p.created_at, p.id")
                .bind("subnet", subnetId).map((rs, ctx) -> port(rs)).list();
    }

    void updatePort(Handle h, UUID id, String name, String description, boolean adminStateUp, String deviceOwner,
                    String deviceId, boolean portSecurity) {
        h.createUpdate("UPDATE neutron_ports SET name = :name, description = :description, admin_state_up = :up, "
                        + "device_owner = :owner, device_id = :device, port_security = :security, " + STANDARD_UPDATE
                        + " WHERE id = :id")
                .bind("id", id).bind("name", name).bind("description", description).bind("up", adminStateUp)
                .bind("owner", deviceOwner).bind("device", deviceId).bind("security", portSecurity).execute();
    }

    boolean setBinding(Handle h, UUID id, String hostId, String status) {
        return h.createUpdate("UPDATE neutron_ports SET host_id = :host, status = :status, " + STANDARD_UPDATE + " WHERE id = :id")
                .bind("id", id).bind("host", hostId).bind("status", status).execute() > 0;
    }

    void deletePort(Handle h, UUID id) {
        h.createUpdate("DELETE FROM neutron_ports WHERE id = :id").bind("id", id).execute();
    }

    private static Port port(ResultSet rs) throws SQLException {
        List<Map<String, String>> ips = read(rs.getString("fixed_ips"), new TypeReference<List<Map<String, String>>>() { });
        return new Port(rs.getObject("id", UUID.class), rs.getObject("network_id", UUID.class),
                rs.getObject("project_id", UUID.class), rs.getString("name"), rs.getString("description"),
                rs.getString("mac_address"), rs.getBoolean("admin_state_up"), rs.getString("device_owner"),
                rs.getString("device_id"), rs.getBoolean("port_security"), rs.getString("host_id"), rs.getString("status"),
                ips.stream().map(ip -> new FixedIp(UUID.fromString(ip.get("subnet_id")), ip.get("ip_address"))).toList(),
                uuids(rs, "security_groups"), standard(rs));
    }

    // ------------------------------------------------------------------------------------------ routers

    void insertRouter(Handle h, UUID id, UUID projectId, String name, String description, boolean adminStateUp) {
        h.createUpdate("INSERT INTO neutron_routers (id, project_id, name, description, admin_state_up) VALUES (:id, :project, "
                        + ":name, :description, :up)")
                .bind("id", id).bind("project", projectId).bind("name", name).bind("description", description)
                .bind("up", adminStateUp).execute();
    }

    void updateRouter(Handle h, UUID id, String name, String description, boolean adminStateUp, UUID gatewayNetworkId,
                      boolean enableSnat) {
        h.createUpdate("UPDATE neutron_routers SET name = :name, description = :description, admin_state_up = :up, "
                        + "gateway_network_id = CAST(:gateway AS uuid), enable_snat = :snat, " + STANDARD_UPDATE + " WHERE id = :id")
                .bind("id", id).bind("name", name).bind("description", description).bind("up", adminStateUp)
                .bind("gateway", gatewayNetworkId).bind("snat", enableSnat).execute();
    }

    /** Counts a change to a router that touched none of its columns (an interface added or removed). */
    void touchRouter(Handle h, UUID id) {
        h.createUpdate("UPDATE neutron_routers SET " + STANDARD_UPDATE + " WHERE id = :id").bind("id", id).execute();
    }

    void addRouterPort(Handle h, UUID routerId, UUID portId, String kind) {
        h.createUpdate("INSERT INTO neutron_router_ports (router_id, port_id, kind) VALUES (:router, :port, :kind)")
                .bind("router", routerId).bind("port", portId).bind("kind", kind).execute();
    }

    void removeRouterPort(Handle h, UUID portId) {
        h.createUpdate("DELETE FROM neutron_router_ports WHERE port_id = :port").bind("port", portId).execute();
    }

    void deleteRouter(Handle h, UUID id) {
        h.createUpdate("DELETE FROM neutron_routers WHERE id = :id").bind("id", id).execute();
    }

    List<Router> routers(Handle h, Optional<UUID> project) {
        List<Router> routers = h.createQuery("SELECT * FROM neutron_routers" + (project.isPresent() ? " WHERE project_id = CAST(:project AS uuid)"
                        : "") + " ORDER BY created_at, id")
                .configure(SqlStatements.class, unused -> unused.setUnusedBindingAllowed(true))
                .bind("project", project.orElse(null)).map((rs, ctx) -> router(rs)).list();
        return withPorts(h, routers);
    }

    Optional<Router> router(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM neutron_routers WHERE id = :id").bind("id", id).map((rs, ctx) -> router(rs))
                .findOne().map(router -> withPorts(h, List.of(router)).getFirst());
    }

    /** The routers with an interface on the subnet. */
    List<UUID> routersOnSubnet(Handle h, UUID subnetId) {
        return h.createQuery("SELECT DISTINCT r.router_id FROM neutron_router_ports r JOIN neutron_ip_allocations a ON "
                        + "a.port_id = r.port_id WHERE r.kind = 'interface' AND a.subnet_id = :subnet")
                .bind("subnet", subnetId).mapTo(UUID.class).list();
    }

    /** Whether the port is a router's (interface or gateway). */
    boolean isRouterPort(Handle h, UUID portId) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM neutron_router_ports WHERE port_id = :port)").bind("port", portId)
                .mapTo(Boolean.class).one();
    }

    private List<Router> withPorts(Handle h, List<Router> routers) {
        if (routers.isEmpty()) {
            return routers;
        }
        Map<UUID, List<RouterPort>> interfaces = new LinkedHashMap<>();
        Map<UUID, List<RouterPort>> gateways = new LinkedHashMap<>();
        h.createQuery("SELECT r.router_id, r.kind, p.id AS port_id, p.network_id, p.mac_address, a.subnet_id, a.ip_address "
                        + "FROM neutron_router_ports r JOIN neutron_ports p ON p.id = r.port_id LEFT JOIN neutron_ip_allocations a "
                        + "ON a.port_id = p.id WHERE r.router_id = ANY(:routers) ORDER BY p.created_at, p.id, a.position")
                .bind("routers", routers.stream().map(Router::id).toArray(UUID[]::new))
                .map((rs, ctx) -> {
                    UUID router = rs.getObject("router_id", UUID.class);
                    RouterPort port = new RouterPort(rs.getObject("port_id", UUID.class), rs.getObject("network_id", UUID.class),
                            rs.getObject("subnet_id", UUID.class), rs.getString("ip_address"), rs.getString("mac_address"));
                    (rs.getString("kind").equals("gateway") ? gateways : interfaces)
                            .computeIfAbsent(router, key -> new ArrayList<>()).add(port);
                    return port;
                }).list();
        return routers.stream().map(r -> new Router(r.id(), r.projectId(), r.name(), r.description(), r.adminStateUp(),
                r.gatewayNetworkId(), r.enableSnat(), gateways.getOrDefault(r.id(), List.of()),
                interfaces.getOrDefault(r.id(), List.of()), r.standard())).toList();
    }

    private static Router router(ResultSet rs) throws SQLException {
        return new Router(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class), rs.getString("name"),
                rs.getString("description"), rs.getBoolean("admin_state_up"),
                Optional.ofNullable(rs.getObject("gateway_network_id", UUID.class)), rs.getBoolean("enable_snat"), List.of(),
                List.of(), standard(rs));
    }

    // ------------------------------------------------------------------------------------------ security groups

    void insertGroup(Handle h, UUID id, UUID projectId, String name, String description) {
        h.createUpdate("INSERT INTO neutron_security_groups (id, project_id, name, description) VALUES (:id, :project, :name, "
                        + ":description)")
                .bind("id", id).bind("project", projectId).bind("name", name).bind("description", description).execute();
    }

    /** Inserts the project's default group unless it exists; whether this call made it. */
    boolean insertDefaultGroup(Handle h, UUID id, UUID projectId, String description) {
        return h.createUpdate("INSERT INTO neutron_security_groups (id, project_id, name, description) VALUES (:id, :project, "
                        + "'default', :description) ON CONFLICT (project_id) WHERE name = 'default' DO NOTHING")
                .bind("id", id).bind("project", projectId).bind("description", description).execute() > 0;
    }

    Optional<UUID> defaultGroup(Handle h, UUID projectId) {
        return h.createQuery("SELECT id FROM neutron_security_groups WHERE project_id = CAST(:project AS uuid) AND name = 'default'")
                .bind("project", projectId).mapTo(UUID.class).findOne();
    }

    void updateGroup(Handle h, UUID id, String name, String description) {
        h.createUpdate("UPDATE neutron_security_groups SET name = :name, description = :description, " + STANDARD_UPDATE
                        + " WHERE id = :id")
                .bind("id", id).bind("name", name).bind("description", description).execute();
    }

    void deleteGroup(Handle h, UUID id) {
        h.createUpdate("DELETE FROM neutron_security_groups WHERE id = :id").bind("id", id).execute();
    }

    boolean groupInUse(Handle h, UUID id) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM neutron_port_security_groups WHERE security_group_id = :id)")
                .bind("id", id).mapTo(Boolean.class).one();
    }

    List<SecurityGroup> groups(Handle h, Optional<UUID> project) {
        List<SecurityGroup> groups = h.createQuery("SELECT * FROM neutron_security_groups" + (project.isPresent()
                        ? " WHERE project_id = CAST(:project AS uuid)" : "") + " ORDER BY created_at, id")
                .configure(SqlStatements.class, unused -> unused.setUnusedBindingAllowed(true))
                .bind("project", project.orElse(null)).map((rs, ctx) -> group(rs)).list();
        Map<UUID, List<Rule>> rules = new LinkedHashMap<>();
        for (Rule rule : rules(h, project)) {
            rules.computeIfAbsent(rule.securityGroupId(), key -> new ArrayList<>()).add(rule);
        }
        return groups.stream().map(g -> new SecurityGroup(g.id(), g.projectId(), g.name(), g.description(),
                rules.getOrDefault(g.id(), List.of()), g.standard())).toList();
    }

    Optional<SecurityGroup> group(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM neutron_security_groups WHERE id = :id").bind("id", id).map((rs, ctx) -> group(rs))
                .findOne().map(g -> new SecurityGroup(g.id(), g.projectId(), g.name(), g.description(),
                        h.createQuery("SELECT * FROM neutron_security_group_rules WHERE security_group_id = :id ORDER BY "
                                + "created_at, id").bind("id", id).map((rs, ctx) -> rule(rs)).list(), g.standard()));
    }

    private static SecurityGroup group(ResultSet rs) throws SQLException {
        return new SecurityGroup(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class), rs.getString("name"),
                rs.getString("description"), List.of(), standard(rs));
    }

    void insertRule(Handle h, Rule r) {
        h.createUpdate("INSERT INTO neutron_security_group_rules (id, security_group_id, project_id, direction, ethertype, "
                        + "protocol, port_range_min, port_range_max, remote_ip_prefix, remote_group_id, description) VALUES (:id, "
                        + ":group, :project, :direction, :ethertype, :protocol, :min, :max, :prefix, CAST(:remote AS uuid), :description)")
                .bind("id", r.id()).bind("group", r.securityGroupId()).bind("project", r.projectId())
                .bind("direction", r.direction()).bind("ethertype", r.ethertype()).bind("protocol", r.protocol())
                .bind("min", r.portRangeMin()).bind("max", r.portRangeMax()).bind("prefix", r.remoteIpPrefix())
                .bind("remote", r.remoteGroupId()).bind("description", r.description()).execute();
    }

    /** Whether the group has a rule that means the same as this one (Neutron's SecurityGroupRuleExists). */
    Optional<UUID> sameRule(Handle h, Rule r) {
        return h.createQuery("SELECT id FROM neutron_security_group_rules WHERE security_group_id = :group AND direction = "
                        + ":direction AND ethertype = :ethertype AND protocol IS NOT DISTINCT FROM :protocol AND port_range_min "
                        + "IS NOT DISTINCT FROM :min AND port_range_max IS NOT DISTINCT FROM :max AND remote_ip_prefix IS NOT "
                        + "DISTINCT FROM :prefix AND remote_group_id IS NOT DISTINCT FROM CAST(:remote AS uuid) LIMIT 1")
                .bind("group", r.securityGroupId()).bind("direction", r.direction()).bind("ethertype", r.ethertype())
                .bind("protocol", r.protocol()).bind("min", r.portRangeMin()).bind("max", r.portRangeMax())
                .bind("prefix", r.remoteIpPrefix()).bind("remote", r.remoteGroupId()).mapTo(UUID.class).findOne();
    }

    List<Rule> rules(Handle h, Optional<UUID> project) {
        return h.createQuery("SELECT * FROM neutron_security_group_rules" + (project.isPresent() ? " WHERE project_id = CAST(:project AS uuid)"
                        : "") + " ORDER BY created_at, id")
                .configure(SqlStatements.class, unused -> unused.setUnusedBindingAllowed(true))
                .bind("project", project.orElse(null)).map((rs, ctx) -> rule(rs)).list();
    }

    Optional<Rule> rule(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM neutron_security_group_rules WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> rule(rs)).findOne();
    }

    void deleteRule(Handle h, UUID id) {
        h.createUpdate("DELETE FROM neutron_security_group_rules WHERE id = :id").bind("id", id).execute();
    }

    void touchGroup(Handle h, UUID id) {
        h.createUpdate("UPDATE neutron_security_groups SET " + STANDARD_UPDATE + " WHERE id = :id").bind("id", id).execute();
    }

    private static Rule rule(ResultSet rs) throws SQLException {
        return new Rule(rs.getObject("id", UUID.class), rs.getObject("security_group_id", UUID.class),
                rs.getObject("project_id", UUID.class), rs.getString("direction"), rs.getString("ethertype"),
                rs.getString("protocol"), Rows.integer(rs, "port_range_min"), Rows.integer(rs, "port_range_max"),
                rs.getString("remote_ip_prefix"), rs.getObject("remote_group_id", UUID.class), rs.getString("description"),
                standard(rs));
    }

    // ------------------------------------------------------------------------------------------ floating IPs

    void insertFloatingIp(Handle h, UUID id, UUID projectId, UUID networkId, UUID addressPortId, String address,
                          String description) {
        h.createUpdate("INSERT INTO neutron_floating_ips (id, project_id, floating_network_id, address_port_id, "
                        + "floating_ip_address, description) VALUES (:id, :project, :network, :port, :address, :description)")
                .bind("id", id).bind("project", projectId).bind("network", networkId).bind("port", addressPortId)
                .bind("address", address).bind("description", description).execute();
    }

    void associate(Handle h, UUID id, UUID portId, String fixedIp, UUID routerId) {
        h.createUpdate("UPDATE neutron_floating_ips SET port_id = CAST(:port AS uuid), fixed_ip_address = :fixed, router_id = CAST(:router AS uuid), "
                        + STANDARD_UPDATE + " WHERE id = :id")
                .bind("id", id).bind("port", portId).bind("fixed", fixedIp).bind("router", routerId).execute();
    }

    void describeFloatingIp(Handle h, UUID id, String description) {
        h.createUpdate("UPDATE neutron_floating_ips SET description = :description, " + STANDARD_UPDATE + " WHERE id = :id")
                .bind("id", id).bind("description", description).execute();
    }

    /** The floating IP's own port (network:floatingip), which holds its address. */
    Optional<UUID> addressPort(Handle h, UUID id) {
        return h.createQuery("SELECT address_port_id FROM neutron_floating_ips WHERE id = :id").bind("id", id)
                .mapTo(UUID.class).findOne();
    }

    void deleteFloatingIp(Handle h, UUID id) {
        h.createUpdate("DELETE FROM neutron_floating_ips WHERE id = :id").bind("id", id).execute();
    }

    /** Unassociates every floating IP of the port (when the port goes). */
    void unassociatePort(Handle h, UUID portId) {
        h.createUpdate("UPDATE neutron_floating_ips SET port_id = NULL, fixed_ip_address = NULL, router_id = NULL, "
                + STANDARD_UPDATE + " WHERE port_id = :port").bind("port", portId).execute();
    }

    boolean routerHasFloatingIps(Handle h, UUID routerId) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM neutron_floating_ips WHERE router_id = :router)")
                .bind("router", routerId).mapTo(Boolean.class).one();
    }

    /** Whether a floating IP translates to an address of the subnet through the router. */
    boolean floatingIpsThrough(Handle h, UUID routerId, UUID subnetId) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM neutron_floating_ips f JOIN neutron_ip_allocations a ON a.port_id = "
                        + "f.port_id AND a.ip_address = f.fixed_ip_address WHERE f.router_id = :router AND a.subnet_id = :subnet)")
                .bind("router", routerId).bind("subnet", subnetId).mapTo(Boolean.class).one();
    }

    List<FloatingIp> floatingIps(Handle h, Optional<UUID> project) {
        return h.createQuery("SELECT * FROM neutron_floating_ips" + (project.isPresent() ? " WHERE project_id = CAST(:project AS uuid)" : "")
                        + " ORDER BY created_at, id")
                .configure(SqlStatements.class, unused -> unused.setUnusedBindingAllowed(true))
                .bind("project", project.orElse(null)).map((rs, ctx) -> floatingIp(rs)).list();
    }

    Optional<FloatingIp> floatingIp(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM neutron_floating_ips WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> floatingIp(rs)).findOne();
    }

    private static FloatingIp floatingIp(ResultSet rs) throws SQLException {
        return new FloatingIp(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class),
                rs.getObject("floating_network_id", UUID.class), rs.getString("floating_ip_address"),
                Optional.ofNullable(rs.getObject("port_id", UUID.class)), Optional.ofNullable(rs.getString("fixed_ip_address")),
                Optional.ofNullable(rs.getObject("router_id", UUID.class)), rs.getString("description"), standard(rs));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Standard standard(ResultSet rs) throws SQLException {
        return new Standard(Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"), rs.getInt("revision_number"));
    }

    private static List<UUID> uuids(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        List<UUID> ids = new ArrayList<>(values.length);
        for (Object value : values) {
            ids.add((UUID) value);
        }
        return ids;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON column that does not read back: " + e.getOriginalMessage());
        }
    }
}
