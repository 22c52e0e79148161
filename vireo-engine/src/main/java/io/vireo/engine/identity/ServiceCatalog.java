package io.vireo.engine.identity;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The service catalog a project-scoped token carries: the identity endpoint itself, then what the OpenStack
 * features registered, each with a public, an internal and an admin endpoint (the same URL) in region
 * {@value Keystone#REGION}. Ids are derived from the types, so they stay the same across tokens and restarts.
 */
final class ServiceCatalog {
    static final ServiceEndpoint IDENTITY = new ServiceEndpoint("identity", "keystone", "/identity/v3");
    private static final List<String> INTERFACES = List.of("public", "internal", "admin");

    private final List<ServiceEndpoint> services;

    ServiceCatalog(List<OpenStackService> features) {
        List<ServiceEndpoint> all = new ArrayList<>(List.of(IDENTITY));
        features.forEach(feature -> all.addAll(feature.catalogEndpoints()));
        Set<String> types = new HashSet<>();
        for (ServiceEndpoint service : all) {
            if (!types.add(service.type())) {
                throw new IllegalArgumentException("two services of type " + service.type() + " in the catalog");
            }
        }
        this.services = List.copyOf(all);
    }

    List<ServiceEndpoint> services() {
        return services;
    }

    List<Keystone.CatalogService> entries(String publicUrl, String projectId) {
        return services.stream().map(service -> new Keystone.CatalogService(id("service:" + service.type()), service.type(),
                service.name(), INTERFACES.stream().map(face -> new Keystone.Endpoint(id("endpoint:" + service.type() + ":" + face),
                        face, Keystone.REGION, Keystone.REGION, service.url(publicUrl, projectId))).toList())).toList();
    }

    /** A stable id in Keystone's form (32 hexadecimal digits). */
    static String id(String what) {
        return UUID.nameUUIDFromBytes(("vireo:" + what).getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }
}
