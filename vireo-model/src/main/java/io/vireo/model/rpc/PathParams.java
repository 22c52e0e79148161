package io.vireo.model.rpc;

/** The params of a command about one file or directory on the host. */
public record PathParams(String path) {
}
