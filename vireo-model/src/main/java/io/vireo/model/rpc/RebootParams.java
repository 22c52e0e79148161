package io.vireo.model.rpc;

import java.util.UUID;

/** The params of vm.reboot; {@code force} resets like a button instead of asking the guest. */
public record RebootParams(UUID vmId, boolean force) {
}
