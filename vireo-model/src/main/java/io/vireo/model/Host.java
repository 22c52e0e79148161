package io.vireo.model;

import java.time.Instant;

public record Host(
        String id,
        String name,
        String address,
        String clusterId,
        HostStatus status,
        String statusDetail,
        String domainType,
        String libvirtVersion,
        int cpuCount,
        double cpuLoadPercent,
        long memoryTotalKib,
        long memoryFreeKib,
        int runningVms,
        Instant lastSeenAt,
        Instant createdAt) {
    public record Create(String name, String address, String clusterId) {
    }

    /**
     * Answer of POST /api/hosts: the host and its one-time enrollment token (shown once), with the
     * SHA-256 fingerprint of the engine's CA, which the agent checks before it trusts the engine.
     */
    public record Created(Host host, String enrollmentToken, Instant enrollmentExpiresAt, String caFingerprint) {
    }

    /** Body of POST /api/hosts/enroll (the token is the credential; no bearer token needed). */
    public record EnrollRequest(String token, String csrPem) {
    }

    /** What an enrolled agent keeps: its certificate, the CA and where to dial. */
    public record Enrollment(String hostId, String certificatePem, String caCertificatePem, String agentEndpoint) {
    }
}
