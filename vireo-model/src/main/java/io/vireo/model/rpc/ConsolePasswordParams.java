package io.vireo.model.rpc;

import java.time.Instant;
import java.util.UUID;

/**
 * The params of vm.setConsolePassword: one ticket's password for the VM's display, until validTo
 * (an ISO-8601 string on the wire, as Instant.toString writes it). With disconnect true the clients
 * connected now are dropped (SPICE; QEMU keeps VNC clients whatever is asked), for a console whose user
 * lost access; false or absent keeps them.
 */
public record ConsolePasswordParams(UUID vmId, String password, Instant validTo, boolean disconnect) {
    /** A ticket's password: connected clients are kept. */
    public ConsolePasswordParams(UUID vmId, String password, Instant validTo) {
        this(vmId, password, validTo, false);
    }
}
