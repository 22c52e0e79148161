package io.vireo.engine.neutron;

import io.vireo.engine.neutron.NeutronModel.FixedIp;
import io.vireo.engine.neutron.NeutronModel.FloatingIp;
import io.vireo.engine.neutron.NeutronModel.Network;
import io.vireo.engine.neutron.NeutronModel.Port;
import io.vireo.engine.neutron.NeutronModel.Router;
import io.vireo.engine.neutron.NeutronModel.Rule;
import io.vireo.engine.neutron.NeutronModel.SecurityGroup;
import io.vireo.engine.neutron.NeutronModel.Standard;
import io.vireo.engine.neutron.NeutronModel.Subnet;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Neutron's JSON of each object, with Neutron's field names (tenant_id and project_id both, the standard
 * attributes, "router:external"...), numbers where Neutron has numbers, and the list filters Neutron applies
 * ({@code ?name=x&shared=True&fixed_ips=ip_address%3D10.0.0.5}, {@code ?fields=}).
 */
final class NeutronViews {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** Query parameters that are not filters: projection, and paging and sorting, which this provider ignores. */
    static final Set<String> NOT_FILTERS = Set.of("fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse");

    private NeutronViews() {
    }

    static Map<String, Object> network(Network n, Map<UUID, String> dataCenters, boolean admin) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", n.id().toString());
        v.put("name", n.name());
        v.put("description", n.description());
        project(v, n.projectId());
        v.put("admin_state_up", n.adminStateUp());
        v.put("status", "ACTIVE");
        v.put("subnets", n.subnetIds().stream().map(UUID::toString).toList());
        v.put("shared", n.shared());
        v.put("router:external", n.external());
        v.put("port_security_enabled", n.portSecurityEnabled());
        v.put("mtu", n.mtu());
        String zone = dataCenters.getOrDefault(n.dataCenterId(), n.dataCenterId().toString());
        v.put("availability_zone_hints", List.of(zone));
        v.put("availability_zones", List.of(zone));
        v.put("ipv4_address_scope", null);
        v.put("ipv6_address_scope", null);
        v.put("is_default", false);
        v.put("l2_adjacency", true);
        if (admin) {
            v.put("provider:network_type", n.networkType());
            v.put("provider:physical_network", n.physicalNetwork().orElse(null));
            v.put("provider:segmentation_id", n.segmentationId().orElse(null));
        }
        standard(v, n.standard());
        return v;
    }

    static Map<String, Object> subnet(Subnet s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", s.id().toString());
        v.put("name", s.name());
        v.put("description", s.description());
        project(v, s.projectId());
        v.put("network_id", s.networkId().toString());
        v.put("ip_version", 4);
        v.put("cidr", s.cidr());
        v.put("gateway_ip", s.gatewayIp().orElse(null));
        v.put("allocation_pools", s.allocationPools().stream().map(p -> ordered("start", p.start(), "end", p.end())).toList());
        v.put("dns_nameservers", s.dnsNameservers());
        v.put("host_routes", s.hostRoutes().stream().map(r -> ordered("destination", r.destination(), "nexthop", r.nexthop()))
                .toList());
        v.put("enable_dhcp", s.enableDhcp());
        v.put("ipv6_address_mode", null);
        v.put("ipv6_ra_mode", null);
        v.put("subnetpool_id", null);
        v.put("segment_id", null);
        v.put("service_types", List.of());
        standard(v, s.standard());
        return v;
    }

    static Map<String, Object> port(Port p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", p.id().toString());
        v.put("name", p.name());
        v.put("description", p.description());
        project(v, p.projectId());
        v.put("network_id", p.networkId().toString());
        v.put("mac_address", p.macAddress());
        v.put("admin_state_up", p.adminStateUp());
        v.put("status", p.status());
        v.put("device_owner", p.deviceOwner());
        v.put("device_id", p.deviceId());
        v.put("fixed_ips", fixedIps(p.fixedIps()));
        v.put("port_security_enabled", p.portSecurityEnabled());
        v.put("security_groups", p.securityGroups().stream().map(UUID::toString).toList());
        v.put("allowed_address_pairs", List.of());
        v.put("binding:host_id", p.hostId());
        v.put("binding:vif_type", p.hostId().isEmpty() ? "unbound" : "tap");
        v.put("binding:vnic_type", "normal");
        v.put("binding:profile", Map.of());
        v.put("binding:vif_details", Map.of());
        standard(v, p.standard());
        return v;
    }

    static Map<String, Object> router(Router r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id().toString());
        v.put("name", r.name());
        v.put("description", r.description());
        project(v, r.projectId());
        v.put("admin_state_up", r.adminStateUp());
        v.put("status", "ACTIVE");
        if (r.gatewayNetworkId().isPresent()) {
            Map<String, Object> gateway = new LinkedHashMap<>();
            gateway.put("network_id", r.gatewayNetworkId().get().toString());
            gateway.put("enable_snat", r.enableSnat());
            gateway.put("external_fixed_ips", r.gateway().stream().filter(g -> g.subnetId() != null)
                    .map(g -> ordered("subnet_id", g.subnetId().toString(), "ip_address", g.ipAddress())).toList());
            v.put("external_gateway_info", gateway);
        } else {
            v.put("external_gateway_info", null);
        }
        v.put("routes", List.of());
        standard(v, r.standard());
        return v;
    }

    static Map<String, Object> interfaceInfo(NeutronService.InterfaceInfo info) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", info.routerId().toString());
        project(v, info.projectId());
        v.put("port_id", info.portId().toString());
        v.put("subnet_id", info.subnetId() == null ? null : info.subnetId().toString());
        v.put("subnet_ids", info.subnetId() == null ? List.of() : List.of(info.subnetId().toString()));
        v.put("network_id", info.networkId().toString());
        return v;
    }

    static Map<String, Object> securityGroup(SecurityGroup g) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", g.id().toString());
        v.put("name", g.name());
        v.put("description", g.description());
        project(v, g.projectId());
        v.put("stateful", true);
        v.put("security_group_rules", g.rules().stream().map(NeutronViews::rule).toList());
        standard(v, g.standard());
        return v;
    }

    static Map<String, Object> rule(Rule r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id().toString());
        project(v, r.projectId());
        v.put("security_group_id", r.securityGroupId().toString());
        v.put("direction", r.direction());
        v.put("ethertype", r.ethertype());
        v.put("protocol", r.protocol());
        v.put("port_range_min", r.portRangeMin());
        v.put("port_range_max", r.portRangeMax());
        v.put("remote_ip_prefix", r.remoteIpPrefix());
        v.put("remote_group_id", r.remoteGroupId() == null ? null : r.remoteGroupId().toString());
        v.put("remote_address_group_id", null);
        v.put("description", r.description());
        standard(v, r.standard());
        return v;
    }

    static Map<String, Object> floatingIp(FloatingIp f) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", f.id().toString());
        project(v, f.projectId());
        v.put("floating_network_id", f.floatingNetworkId().toString());
        v.put("floating_ip_address", f.floatingIpAddress());
        v.put("port_id", f.portId().map(UUID::toString).orElse(null));
        v.put("fixed_ip_address", f.fixedIpAddress().orElse(null));
        v.put("router_id", f.routerId().map(UUID::toString).orElse(null));
        v.put("status", f.portId().isPresent() ? "ACTIVE" : "DOWN");
        v.put("description", f.description());
        standard(v, f.standard());
        return v;
    }

    /** The extensions this provider implements (and only those). */
    static List<Map<String, Object>> extensions() {
        List<Map<String, Object>> all = new ArrayList<>();
        extension(all, "router", "Neutron L3 Router", "Routers between subnets, with an external gateway and SNAT.");
        extension(all, "ext-gw-mode", "Neutron L3 Configurable external gateway mode", "enable_snat of a router's gateway.");
        extension(all, "external-net", "Neutron external network", "Networks with router:external.");
        extension(all, "security-group", "security-group", "Security groups and rules, enforced with connection tracking.");
        extension(all, "port-security", "Port Security", "port_security_enabled of networks and ports.");
        extension(all, "provider", "Provider Network", "provider:network_type (vxlan, flat), physical_network, segmentation_id.");
        extension(all, "binding", "Port Binding", "binding:host_id, set by Vireo's data path (read-only).");
        extension(all, "net-mtu", "Network MTU", "The MTU of a network.");
        extension(all, "net-mtu-writable", "Network MTU (writable)", "The MTU of a network may be set.");
        extension(all, "network_availability_zone", "Network Availability Zone", "A network's data center.");
        extension(all, "project-id", "project_id field enabled", "project_id beside tenant_id.");
        extension(all, "standard-attr-description", "standard-attr-description", "description on every object.");
        extension(all, "standard-attr-timestamp", "Resource timestamps", "created_at and updated_at on every object.");
        extension(all, "standard-attr-revisions", "Resource revision numbers", "revision_number on every object.");
        return all;
    }

    private static void extension(List<Map<String, Object>> all, String alias, String name, String description) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("alias", alias);
        v.put("name", name);
        v.put("description", description);
        v.put("updated", "2026-11-29T00:00:00-00:00");
        v.put("links", List.of());
        all.add(v);
    }

    /**
     * The views that pass the query's filters, projected on ?fields=. Values of one filter are alternatives, filters
     * all hold; booleans match True/False in any case; a filter on a field the objects do not have is refused.
     */
    static List<Map<String, Object>> filter(List<Map<String, Object>> views, Map<String, List<String>> query,
                                           Set<String> knownFields) {
        for (String name : query.keySet()) {
            if (!NOT_FILTERS.contains(name) && !knownFields.contains(name)) {
                throw NeutronErrors.badRequest("HTTPBadRequest", "[" + Ipam.shown(name) + "] is invalid attribute for "
                        + "filtering");
            }
        }
        List<String> fields = query.getOrDefault("fields", List.of());
        List<Map<String, Object>> result = new ArrayList<>();
        for (Map<String, Object> view : views) {
            boolean matches = true;
            for (Map.Entry<String, List<String>> filter : query.entrySet()) {
                if (!NOT_FILTERS.contains(filter.getKey()) && !matches(view, filter.getKey(), filter.getValue())) {
                    matches = false;
                    break;
                }
            }
            if (matches) {
                result.add(project(view, fields));
            }
        }
        return result;
    }

    static Map<String, Object> project(Map<String, Object> view, List<String> fields) {
        if (fields.isEmpty()) {
            return view;
        }
        Map<String, Object> projected = new LinkedHashMap<>();
        for (String field : fields) {
            if (view.containsKey(field)) {
                projected.put(field, view.get(field));
            }
        }
        return projected;
    }

    private static boolean matches(Map<String, Object> view, String field, List<String> wanted) {
        Object value = view.get(field);
        if (field.equals("fixed_ips")) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> ips = (List<Map<String, Object>>) value;
            for (String condition : wanted) {
                int equals = condition.indexOf('=');
                String key = equals < 0 ? "ip_address" : condition.substring(0, equals);
                String expected = equals < 0 ? condition : condition.substring(equals + 1);
                if (ips.stream().noneMatch(ip -> expected.equals(String.valueOf(ip.get(key))))) {
                    return false;
                }
            }
            return true;
        }
        for (String candidate : wanted) {
            if (value instanceof Collection<?> items) {
                if (items.stream().anyMatch(item -> String.valueOf(item).equals(candidate))) {
                    return true;
                }
            } else if (value instanceof Boolean bool) {
                String lower = candidate.toLowerCase(Locale.ROOT);
                if ((bool && (lower.equals("true") || lower.equals("1"))) || (!bool && (lower.equals("false") || lower.equals("0")))) {
                    return true;
                }
            } else if (value == null) {
                if (candidate.isEmpty() || candidate.equals("None")) {
                    return true;
                }
            } else if (String.valueOf(value).equals(candidate)) {
                return true;
            }
        }
        return false;
    }

    private static List<Map<String, Object>> fixedIps(List<FixedIp> ips) {
        return ips.stream().map(ip -> ordered("subnet_id", ip.subnetId().toString(), "ip_address", ip.ipAddress())).toList();
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    private static void project(Map<String, Object> v, UUID projectId) {
        v.put("tenant_id", projectId.toString());
        v.put("project_id", projectId.toString());
    }

    private static void standard(Map<String, Object> v, Standard s) {
        v.put("tags", List.of());
        v.put("created_at", time(s.createdAt()));
        v.put("updated_at", time(s.updatedAt()));
        v.put("revision_number", s.revisionNumber());
    }

    private static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

}
