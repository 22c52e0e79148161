package io.vireo.model.rpc;

import java.time.Instant;
import java.util.UUID;

/**
 * The params of vm.setConsolePassword: one ticket's password for the VM's display, until validTo
 * (an ISO-8601 string on the wire, as Instant.toString writes it).
 */
public record ConsolePasswordParams(UUID vmId, String password, Instant validTo) {
}
