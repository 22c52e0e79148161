package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

/** Direct kernel boot: paths on the host of the kernel and initrd, and the kernel command line. */
public record KernelBoot(String kernel, String initrd, String cmdline) {
    public KernelBoot {
        requireNonNull(kernel, "kernel");
        cmdline = cmdline == null ? "" : cmdline;
    }
}
