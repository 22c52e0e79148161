package io.vireo.model.rpc;

/** The params of a command or event that needs none but the epoch (which the engine's gateway adds). */
public record NoParams() {
    public static final NoParams INSTANCE = new NoParams();
}
