package io.vireo.model.rpc;

/** The params of a command about one VM and nothing else. */
public record VmIdParams(String vmId) {
}
