package io.vireo.testkit;

import java.util.concurrent.CountDownLatch;

/**
 * The lab by hand, for debugging (as root):
 * <pre>
 *   mvn -q -pl vireo-testkit dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   java -cp vireo-testkit/target/classes:$(cat /tmp/cp.txt) io.vireo.testkit.LabMain up 2
 * </pre>
 * {@code up N} keeps the lab until Ctrl-C (or SIGTERM); {@code down} removes a lab whose process was
 * killed; {@code guest} builds the guest image and prints where it is.
 */
public final class LabMain
{
    private LabMain() {}

    public static void main(String[] args)
            throws InterruptedException
    {
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "up" -> up(args.length > 1 ? Integer.parseInt(args[1]) : 2);
            case "down" -> {
                Lab.cleanupLeftovers();
                System.out.println("lab removed");
            }
            case "guest" -> {
                GuestImage guest = GuestImage.ensureBuilt();
                System.out.println("kernel  " + guest.kernel());
                System.out.println("initrd  " + guest.initrd());
                System.out.println("cmdline " + guest.kernelCmdline());
                System.out.println("version " + guest.kernelVersion());
            }
            default -> {
                System.err.println("usage: LabMain up [HOSTS] | down | guest");
                System.exit(2);
            }
        }
    }

    private static void up(int hostCount)
            throws InterruptedException
    {
        long start = System.nanoTime();
        GuestImage guest = GuestImage.ensureBuilt();
        // Closed by the lab's own shutdown hook on Ctrl-C or SIGTERM.
        Lab lab = Lab.start(hostCount);
        System.out.printf("lab up in %d ms, base dir %s%n", (System.nanoTime() - start) / 1_000_000, lab.baseDir());
        System.out.printf("root namespace leg: %s (switch %s)%n", lab.rootAddress(), lab.switchAddress());
        System.out.printf("shared storage: %s, consoles: %s%n", lab.storageDir(), lab.consoleDir());
        System.out.printf("guest: kernel %s initrd %s cmdline '%s'%n", guest.kernel(), guest.initrd(), guest.kernelCmdline());
        for (LabHost host : lab.hosts()) {
            System.out.printf("%-4s %-12s netns %-9s %s  (%s)%n", host.name(), host.address(), host.netns(), host.libvirtUri(), "pki " + host.pkiDir());
        }
        System.out.println("example: virsh -c '" + lab.hosts().getFirst().libvirtUri() + "' list --all");
        System.out.println("running until killed (Ctrl-C stops the lab; after kill -9 run 'down')");
        new CountDownLatch(1).await();
    }
}
