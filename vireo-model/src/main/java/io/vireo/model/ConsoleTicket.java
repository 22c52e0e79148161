package io.vireo.model;

import java.time.Instant;

/**
 * A one-time console ticket. {@code password} is the password set on the VM's display (VNC or SPICE,
 * as {@code protocol} says) until {@code expiresAt}. For VNC the engine also proxies the display over
 * WebSocket at {@code proxyPath}, whose token admits one connection, once, before the same time; a
 * SPICE display has no proxy path (null): a SPICE client connects to the host, see
 * GET /api/vms/{id}/remoteviewerconnectionfile.
 */
public record ConsoleTicket(String vmId, String protocol, String password, Instant expiresAt, String proxyPath) {
    /** Optional body of POST /api/vms/{id}/ticket. */
    public record Request(Integer expirySeconds) {
    }
}
