package io.vireo.model.rpc;

import java.util.UUID;

/**
 * One NIC of a running VM: to plug (the whole spec), to unplug (found by its MAC) or to set its link
 * state (found by its MAC, to {@code nic.linked}).
 */
public record VmNicParams(UUID vmId, VmNicSpec nic) {
}
