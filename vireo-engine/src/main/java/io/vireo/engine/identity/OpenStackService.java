package io.vireo.engine.identity;

import java.util.List;

/**
 * A feature that serves an OpenStack API and so belongs in the service catalog of every token (Neutron's
 * network service, Cinder's volume services). {@code Engine} hands the identity service the features that
 * implement it; the identity endpoint itself is always in the catalog.
 *
 * <p>What the {@code openstack} client needs of each (measured with python3-openstackclient 6.0):
 * network: type {@code network}, a path with no version and no trailing slash ({@code /networking}; the client
 * appends {@code /v2.0}); volumes: types {@code block-storage} and {@code volumev3} with the project in the path
 * ({@code /volume/v3/{project_id}}), and an {@code image} entry ending in {@code /v2} (a path nothing needs to
 * serve), without which {@code volume create} fails.
 */
@FunctionalInterface
public interface OpenStackService {
    List<ServiceEndpoint> catalogEndpoints();
}
