package io.vireo.agent.network;

/** A host network change or reading failed (ip said no, or did not answer). */
public final class NetworkException extends RuntimeException {
    public NetworkException(String message) {
        super(message);
    }
}
