package io.vireo.model.rpc;

/**
 * What a NIC command did to the running VM.
 *
 * @param changed false when the VM was as asked already (plugged, unplugged, or its link as asked)
 */
public record VmNicResult(boolean changed) {
}
