package io.vireo.model;

import java.time.Instant;

/**
 * A one-time console ticket. The engine proxies VNC over WebSocket at {@code proxyPath}; the token in
 * it admits one connection, once, before {@code expiresAt}, and {@code password} is the VNC password
 * set on the VM's display for the same time.
 */
public record ConsoleTicket(String vmId, String protocol, String password, Instant expiresAt, String proxyPath) {
    /** Optional body of POST /api/vms/{id}/ticket. */
    public record Request(Integer expirySeconds) {
    }
}
