package io.vireo.model.rpc;

import java.util.UUID;

/** The params of a command about one VM and nothing else. */
public record VmIdParams(UUID vmId) {
}
