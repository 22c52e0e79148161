package io.vireo.model.rpc;

/** Whether the agent sent a new certificate request (false: one is pending already). */
public record RenewCertificateResult(boolean requested) {
}
