package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

/**
 * Direct kernel boot: the kernel and the initrd (null for none) as boot files of a storage domain,
 * which the agent resolves and checks itself, and the kernel command line.
 */
public record KernelBoot(BootFileLocation kernel, BootFileLocation initrd, String cmdline) {
    public KernelBoot {
        requireNonNull(kernel, "kernel");
        cmdline = cmdline == null ? "" : cmdline;
    }
}
