package io.vireo.engine.neutron;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.common.Principal;
import io.vireo.engine.identity.IdentityService;
import io.vireo.engine.identity.OpenStackService;
import io.vireo.engine.identity.ServiceEndpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * OpenStack's network API (Neutron v2.0) under {@value #PREFIX}/v2.0, served by the built-in provider
 * (docs/openstack.md): networks, subnets, ports, routers (with add_router_interface and remove_router_interface),
 * security groups and rules, floating IPs, extensions. Every error under {@value #PREFIX} answers in Neutron's shape,
 * {@code {"NeutronError": {"type", "message", "detail"}}}. The caller is the token's user (X-Auth-Token), acting for
 * the project its token is scoped to; a SuperUser is Neutron's admin. Lists are whole (no paging links).
 */
public final class NeutronResource implements Consumer<RouteTable> {
    public static final String PREFIX = "/networking";
    private static final String V2 = PREFIX + "/v2.0";
    private static final Set<String> STANDARD = Set.of("id", "tenant_id", "project_id", "tags", "created_at", "updated_at",
            "revision_number", "description");
    private static final Set<String> NETWORK_FIELDS = fields("name", "admin_state_up", "status", "subnets", "shared",
            "router:external", "port_security_enabled", "mtu", "availability_zone_hints", "availability_zones",
            "ipv4_address_scope", "ipv6_address_scope", "is_default", "l2_adjacency", "provider:network_type",
            "provider:physical_network", "provider:segmentation_id");
    private static final Set<String> SUBNET_FIELDS = fields("name", "network_id", "ip_version", "cidr", "gateway_ip",
            "allocation_pools", "dns_nameservers", "host_routes", "enable_dhcp", "ipv6_address_mode", "ipv6_ra_mode",
            "subnetpool_id", "segment_id", "service_types");
    private static final Set<String> PORT_FIELDS = fields("name", "network_id", "mac_address", "admin_state_up", "status",
            "device_owner", "device_id", "fixed_ips", "port_security_enabled", "security_groups", "allowed_address_pairs",
            "binding:host_id", "binding:vif_type", "binding:vnic_type", "binding:profile", "binding:vif_details");
    private static final Set<String> ROUTER_FIELDS = fields("name", "admin_state_up", "status", "external_gateway_info",
            "routes");
    private static final Set<String> GROUP_FIELDS = fields("name", "stateful", "security_group_rules");
    private static final Set<String> RULE_FIELDS = fields("security_group_id", "direction", "ethertype", "protocol",
            "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "remote_address_group_id");
    private static final Set<String> FLOATING_IP_FIELDS = fields("floating_network_id", "floating_ip_address", "port_id",
            "fixed_ip_address", "router_id", "status");

    /** The catalog entry: type network, {@value #PREFIX} with no version (the client appends /v2.0). */
    public static final OpenStackService CATALOG = () -> List.of(new ServiceEndpoint("network", "neutron", PREFIX));

    private final NeutronService neutron;
    private final IdentityService identity;
    private final PermissionService permissions;
    private final Supplier<String> publicUrl;

    /** @param publicUrl the engine's public URL (scheme, host and port), for the version document's links */
    public NeutronResource(NeutronService neutron, IdentityService identity, PermissionService permissions,
                           Supplier<String> publicUrl) {
        this.neutron = requireNonNull(neutron, "neutron");
        this.identity = requireNonNull(identity, "identity");
        this.permissions = requireNonNull(permissions, "permissions");
        this.publicUrl = requireNonNull(publicUrl, "publicUrl");
    }


    @Override
    public void accept(RouteTable routes) {
        routes.errorShape(PREFIX, (status, error) -> Map.of("NeutronError", neutronError(NeutronErrors.type(status,
                error.details()), error.message())));
        routes.get(PREFIX, "OpenStack network: the API versions (Neutron's version list)", ctx -> ctx.json(Map.of("versions",
                List.of(Map.of("id", "v2.0", "status", "CURRENT", "links", List.of(Map.of("rel", "self", "href",
                        publicUrl.get() + V2 + "/")))))));
        RouteTable api = routes.authenticated();
        api.get(V2, "OpenStack network v2.0: its collections", ctx -> ctx.json(Map.of("resources", List.of(
                "networks", "subnets", "ports", "routers", "security-groups", "security-group-rules", "floatingips").stream()
                .map(c -> Map.of("name", c.replace("-", "_").replaceAll("s$", ""), "collection", c, "links",
                        List.of(Map.of("rel", "self", "href", publicUrl.get() + V2 + "/" + c)))).toList())));
        api.get(V2 + "/extensions", "OpenStack network: the extensions this provider implements",
                ctx -> ctx.json(Map.of("extensions", NeutronViews.extensions())));
        api.get(V2 + "/extensions/{alias}", "OpenStack network: one extension, by alias", ctx -> {
            String alias = ctx.pathParam("alias");
            ctx.json(Map.of("extension", NeutronViews.extensions().stream().filter(e -> e.get("alias").equals(alias))
                    .findFirst().orElseThrow(() -> NeutronErrors.notFound("ExtensionNotFound", "Extension "
                            + Ipam.shown(alias) + " could not be found."))));
        });

        collection(api, "networks", "network", NETWORK_FIELDS,
                caller -> neutron.networks(caller).stream().map(n -> networkView(caller, n)).toList(),
                (caller, id) -> networkView(caller, neutron.network(caller, id)),
                (caller, body) -> networkView(caller, neutron.createNetwork(caller, body)),
                (caller, id, body) -> networkView(caller, neutron.updateNetwork(caller, id, body)),
                neutron::deleteNetwork);
        collection(api, "subnets", "subnet", SUBNET_FIELDS,
                caller -> neutron.subnets(caller).stream().map(NeutronViews::subnet).toList(),
                (caller, id) -> NeutronViews.subnet(neutron.subnet(caller, id)),
                (caller, body) -> NeutronViews.subnet(neutron.createSubnet(caller, body)),
                (caller, id, body) -> NeutronViews.subnet(neutron.updateSubnet(caller, id, body)),
                neutron::deleteSubnet);
        collection(api, "ports", "port", PORT_FIELDS,
                caller -> neutron.ports(caller).stream().map(NeutronViews::port).toList(),
                (caller, id) -> NeutronViews.port(neutron.port(caller, id)),
                (caller, body) -> NeutronViews.port(neutron.createPort(caller, body)),
                (caller, id, body) -> NeutronViews.port(neutron.updatePort(caller, id, body)),
                neutron::deletePort);
        collection(api, "routers", "router", ROUTER_FIELDS,
                caller -> neutron.routers(caller).stream().map(NeutronViews::router).toList(),
                (caller, id) -> NeutronViews.router(neutron.router(caller, id)),
                (caller, body) -> NeutronViews.router(neutron.createRouter(caller, body)),
                (caller, id, body) -> NeutronViews.router(neutron.updateRouter(caller, id, body)),
                neutron::deleteRouter);
        api.put(V2 + "/routers/{id}/add_router_interface", "OpenStack network: add an interface on a subnet (its gateway "
                        + "address) or a port to a router; 200 with the interface", RequestBody.of(JsonNode.class),
                ctx -> ctx.json(NeutronViews.interfaceInfo(neutron.addInterface(caller(ctx), ctx.pathParam("id"),
                        ApiServer.body(ctx, JsonNode.class)))));
        api.put(V2 + "/routers/{id}/remove_router_interface", "OpenStack network: remove a router's interface, by subnet or "
                        + "port; 200 with the interface removed", RequestBody.of(JsonNode.class),
                ctx -> ctx.json(NeutronViews.interfaceInfo(neutron.removeInterface(caller(ctx), ctx.pathParam("id"),
                        ApiServer.body(ctx, JsonNode.class)))));
        collection(api, "security-groups", "security_group", GROUP_FIELDS,
                caller -> neutron.securityGroups(caller).stream().map(NeutronViews::securityGroup).toList(),
                (caller, id) -> NeutronViews.securityGroup(neutron.securityGroup(caller, id)),
                (caller, body) -> NeutronViews.securityGroup(neutron.createSecurityGroup(caller, body)),
                (caller, id, body) -> NeutronViews.securityGroup(neutron.updateSecurityGroup(caller, id, body)),
                neutron::deleteSecurityGroup);
        collection(api, "security-group-rules", "security_group_rule", RULE_FIELDS,
                caller -> neutron.rules(caller).stream().map(NeutronViews::rule).toList(),
                (caller, id) -> NeutronViews.rule(neutron.rule(caller, id)),
                (caller, body) -> NeutronViews.rule(neutron.createRule(caller, body)),
                null,
                neutron::deleteRule);
        collection(api, "floatingips", "floatingip", FLOATING_IP_FIELDS,
                caller -> neutron.floatingIps(caller).stream().map(NeutronViews::floatingIp).toList(),
                (caller, id) -> NeutronViews.floatingIp(neutron.floatingIp(caller, id)),
                (caller, body) -> NeutronViews.floatingIp(neutron.createFloatingIp(caller, body)),
                (caller, id, body) -> NeutronViews.floatingIp(neutron.updateFloatingIp(caller, id, body)),
                neutron::deleteFloatingIp);
    }

    @FunctionalInterface
    private interface Update {
        Map<String, Object> apply(NeutronService.Caller caller, String id, JsonNode body);
    }

    @FunctionalInterface
    private interface Delete {
        void apply(NeutronService.Caller caller, String id);
    }

    /** The five routes of a collection: list (with filters), create (201), show, update, delete (204). */
    private void collection(RouteTable api, String collection, String singular, Set<String> fields,
                            Function<NeutronService.Caller, List<Map<String, Object>>> list,
                            BiFunction<NeutronService.Caller, String, Map<String, Object>> show,
                            BiFunction<NeutronService.Caller, JsonNode, Map<String, Object>> create, Update update,
                            Delete delete) {
        String plural = collection.replace('-', '_');
        String path = V2 + "/" + collection;
        api.get(path, "OpenStack network: the " + plural + " the caller sees; ?<field>=value filters (repeat for "
                + "alternatives), ?fields= projects", ctx -> ctx.json(Map.of(plural, NeutronViews.filter(
                list.apply(caller(ctx)), ctx.queryParamMap(), fields))));
        api.post(path, "OpenStack network: create a " + singular.replace('_', ' ') + " ({\"" + singular + "\": {...}})", 201,
                RequestBody.of(JsonNode.class), ctx -> ctx.status(201).json(Map.of(singular,
                        create.apply(caller(ctx), ApiServer.body(ctx, JsonNode.class)))));
        Handler one = ctx -> ctx.json(Map.of(singular, NeutronViews.project(show.apply(caller(ctx), id(ctx)),
                ctx.queryParams("fields"))));
        api.get(path + "/{id}", "OpenStack network: one " + singular.replace('_', ' ') + "; 404 for an unknown id or a name",
                one);
        if (update != null) {
            api.put(path + "/{id}", "OpenStack network: change a " + singular.replace('_', ' '), RequestBody.of(JsonNode.class),
                    ctx -> ctx.json(Map.of(singular, update.apply(caller(ctx), id(ctx), ApiServer.body(ctx, JsonNode.class)))));
        }
        api.delete(path + "/{id}", "OpenStack network: delete a " + singular.replace('_', ' '), 204, ctx -> {
            delete.apply(caller(ctx), id(ctx));
            ctx.status(204);
        });
    }

    private static String id(Context ctx) {
        String id = ctx.pathParam("id");
        return id.endsWith(".json") ? id.substring(0, id.length() - 5) : id;
    }

    private Map<String, Object> networkView(NeutronService.Caller caller, NeutronModel.Network network) {
        return NeutronViews.network(network, neutron.dataCenterNames(), caller.admin());
    }

    /** The caller: the project its token is scoped to (else its personal project), an admin if a SuperUser. */
    private NeutronService.Caller caller(Context ctx) {
        Principal principal = ApiServer.principal(ctx);
        UUID project = identity.projectOf(principal, ApiServer.token(ctx));
        return new NeutronService.Caller(project, permissions.holdsEverything(principal));
    }

    private static Map<String, Object> neutronError(String type, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", type);
        error.put("message", message);
        error.put("detail", "");
        return error;
    }

    private static Set<String> fields(String... names) {
        Set<String> all = new java.util.HashSet<>(STANDARD);
        all.addAll(List.of(names));
        return Set.copyOf(all);
    }
}
