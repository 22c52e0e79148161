package io.vireo.model.rpc;

import java.util.UUID;

/** The params of vm.readConsoleLog: where in the guest's serial log to read from, in bytes. */
public record ConsoleLogParams(UUID vmId, long offset) {
}
