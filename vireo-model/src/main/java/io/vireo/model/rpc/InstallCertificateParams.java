package io.vireo.model.rpc;

import java.util.List;

/**
 * The agent's new certificate (PEM), for the key of its latest certificate request, and the CA
 * certificates (PEM) it trusts from now on, the engine's current CA first.
 */
public record InstallCertificateParams(String certificatePem, List<String> caCertificatesPem) {
    public InstallCertificateParams {
        caCertificatesPem = caCertificatesPem == null ? List.of() : List.copyOf(caCertificatesPem);
    }
}
