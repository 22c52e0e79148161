package io.vireo.engine.networks;

import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.NotFoundException;
import io.vireo.model.ClusterNetwork;
import io.vireo.model.ErrorCode;
import io.vireo.model.Network;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.VnicProfile;

import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Networks belong to their data center and are not objects of the permission tree yet: a network is
 * seen with VIEW on its data center and changed with MANAGE_DATA_CENTER on it; attaching one to a
 * cluster takes MANAGE_CLUSTER on the cluster.
 */
public final class NetworkResource implements Consumer<RouteTable> {
    private final NetworkService service;
    private final PermissionService permissions;

    public NetworkResource(NetworkService service, PermissionService permissions) {
        this.service = requireNonNull(service, "service");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/networks", "List the networks of the data centers I may see, by name: "
                + "?search=name=lan* and datacenter=<id> and vlan=10 and hostnic=eth1&max=&page=", ctx -> ctx.json(service.list(
                permissions.viewable(ApiServer.principal(ctx), ObjectType.DATA_CENTER), QueryParameters.search(ctx),
                QueryParameters.paging(ctx))));
        routes.post("/api/networks", "Add a network to a data center: a bridge on hostNic (untagged, or VLAN vlanId) on its "
                + "clusters' hosts", 201, RequestBody.of(Network.Create.class), ctx -> {
            Network.Create body = ApiServer.body(ctx, Network.Create.class);
            permissions.requireOnParent(ApiServer.principal(ctx), Permission.MANAGE_DATA_CENTER, ObjectType.DATA_CENTER,
                    body.dataCenterId());
            ctx.status(201).json(service.create(body));
        });
        routes.get("/api/networks/{id}", "Show a network", ctx -> ctx.json(network(ctx, Permission.VIEW)));
        routes.put("/api/networks/{id}", "Change a network's name, description or MTU", RequestBody.of(Network.Update.class), ctx -> {
            Network network = network(ctx, Permission.MANAGE_DATA_CENTER);
            ctx.json(service.update(UUID.fromString(network.id()), ApiServer.body(ctx, Network.Update.class)));
        });
        routes.delete("/api/networks/{id}", "Remove a network no VM NIC is on (it is detached from its clusters)", 204, ctx -> {
            service.delete(UUID.fromString(network(ctx, Permission.MANAGE_DATA_CENTER).id()));
            ctx.status(204);
        });
        routes.get("/api/vnicprofiles", "List the vNIC profiles of the data centers I may see, by name: "
                + "?search=name=web* and network=<id>&max=&page=", ctx -> ctx.json(service.profiles(
                permissions.viewable(ApiServer.principal(ctx), ObjectType.DATA_CENTER), QueryParameters.search(ctx),
                QueryParameters.paging(ctx))));
        routes.post("/api/vnicprofiles", "Add a vNIC profile to a network: {\"name\", \"networkId\", \"description\", \"mtu\" (at most "
                + "the network's; default the network's), \"linked\" (whether its NICs start linked; default true)}", 201,
                RequestBody.of(VnicProfile.Create.class), ctx -> {
            VnicProfile.Create body = ApiServer.body(ctx, VnicProfile.Create.class);
            UUID networkId = Fields.id("networkId", body.networkId());
            requireOnNetworksDataCenter(ctx, service.network(networkId), Permission.MANAGE_DATA_CENTER, networkId);
            ctx.status(201).json(service.createProfile(body));
        });
        routes.get("/api/vnicprofiles/{id}", "Show a vNIC profile", ctx -> ctx.json(profile(ctx, Permission.VIEW)));
        routes.put("/api/vnicprofiles/{id}", "Change a vNIC profile's name (not a default one's), description, MTU or linked",
                RequestBody.of(VnicProfile.Update.class), ctx -> {
            VnicProfile profile = profile(ctx, Permission.MANAGE_DATA_CENTER);
            ctx.json(service.updateProfile(UUID.fromString(profile.id()), ApiServer.body(ctx, VnicProfile.Update.class)));
        });
        routes.delete("/api/vnicprofiles/{id}", "Remove a vNIC profile no VM NIC has", 204, ctx -> {
            service.deleteProfile(UUID.fromString(profile(ctx, Permission.MANAGE_DATA_CENTER).id()));
            ctx.status(204);
        });
        routes.get("/api/clusters/{id}/networks", "The networks attached to a cluster", ctx ->
                ctx.json(service.clusterNetworks(cluster(ctx, Permission.VIEW))));
        routes.post("/api/clusters/{id}/networks", "Attach a network of the cluster's data center to it (or change whether it is "
                + "required): {\"networkId\", \"required\"}", 201, RequestBody.of(ClusterNetwork.Attach.class), ctx -> {
            UUID clusterId = cluster(ctx, Permission.MANAGE_CLUSTER);
            ctx.status(201).json(service.attach(clusterId, ApiServer.body(ctx, ClusterNetwork.Attach.class)));
        });
        routes.delete("/api/clusters/{id}/networks/{networkId}", "Detach a network no NIC of the cluster's VMs is on", 204, ctx -> {
            UUID clusterId = cluster(ctx, Permission.MANAGE_CLUSTER);
            service.detach(clusterId, Fields.id("networkId", ctx.pathParam("networkId")));
            ctx.status(204);
        });
    }

    /** The network, if the caller holds the permission on its data center; one it may not see answers 404 like a missing one. */
    private Network network(Context ctx, Permission permission) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        Network network = service.network(id);
        ObjectRef dataCenter = ObjectRef.dataCenter(UUID.fromString(network.dataCenterId()));
        if (!permissions.allowed(ApiServer.principal(ctx), Permission.VIEW, dataCenter)) {
            throw NotFoundException.of(ErrorCode.NETWORK_NOT_FOUND, "network", id);
        }
        permissions.require(ApiServer.principal(ctx), permission, dataCenter);
        return network;
    }

    /** The profile, if the caller holds the permission on its network's data center; one it may not see answers 404. */
    private VnicProfile profile(Context ctx, Permission permission) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        VnicProfile profile = service.profile(id);
        ObjectRef dataCenter = ObjectRef.dataCenter(UUID.fromString(profile.dataCenterId()));
        if (!permissions.allowed(ApiServer.principal(ctx), Permission.VIEW, dataCenter)) {
            throw NotFoundException.of(ErrorCode.VNIC_PROFILE_NOT_FOUND, "vNIC profile", id);
        }
        permissions.require(ApiServer.principal(ctx), permission, dataCenter);
        return profile;
    }

    /** A network named in a body: one the caller may not see is "not found", like a missing one. */
    private void requireOnNetworksDataCenter(Context ctx, Network network, Permission permission, UUID networkId) {
        ObjectRef dataCenter = ObjectRef.dataCenter(UUID.fromString(network.dataCenterId()));
        if (!permissions.allowed(ApiServer.principal(ctx), Permission.VIEW, dataCenter)) {
            throw NotFoundException.of(ErrorCode.NETWORK_NOT_FOUND, "network", networkId);
        }
        permissions.require(ApiServer.principal(ctx), permission, dataCenter);
    }

    private UUID cluster(Context ctx, Permission permission) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        permissions.require(ApiServer.principal(ctx), permission, ObjectRef.cluster(id));
        return id;
    }
}
