package io.vireo.model.rpc;

/** A PKCS#10 certificate signing request (PEM) for a key the agent made and keeps. */
public record CertificateRequest(String csrPem) {
}
