package io.vireo.model.rpc;

/** The serial (hex) of the certificate the agent keeps now: it presents it from its next connection on. */
public record InstallCertificateResult(String serial) {
}
