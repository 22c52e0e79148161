package io.vireo.model.rpc;

import java.time.Instant;

/** How vm.setConsolePassword ended: the validity the host applied. */
public record ConsolePasswordResult(Instant validTo) {
}
