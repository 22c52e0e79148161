package io.vireo.model.rpc;

/** The params of vm.readConsoleLog: where in the guest's serial log to read from, in bytes. */
public record ConsoleLogParams(String vmId, long offset) {
}
