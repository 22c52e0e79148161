package io.vireo.model.rpc;

/** How vm.reboot ended: whether the VM was reset rather than asked. */
public record RebootResult(boolean forced) {
}
