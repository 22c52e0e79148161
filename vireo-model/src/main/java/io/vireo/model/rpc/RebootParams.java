package io.vireo.model.rpc;

/** The params of vm.reboot; {@code force} resets like a button instead of asking the guest. */
public record RebootParams(String vmId, boolean force) {
}
