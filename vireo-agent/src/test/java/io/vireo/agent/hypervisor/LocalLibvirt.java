package io.vireo.agent.hypervisor;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The machine's own libvirtd in the root namespace, for integration tests. These machines have no
 * systemd, so nothing starts the daemons; this does, when their sockets do not answer. (The
 * sockets, not pgrep: the lab's simulated hosts run libvirtds of their own in other namespaces.)
 */
final class LocalLibvirt {
    static final String URI = "qemu:///system";
    private static final Path VIRTLOGD_SOCKET = Path.of("/run/libvirt/virtlogd-sock");
    private static final Path LIBVIRTD_SOCKET = Path.of("/run/libvirt/libvirt-sock");
    private static final Path KVM = Path.of("/dev/kvm");

    private LocalLibvirt() {
    }

    static synchronized void ensureRunning() throws IOException, InterruptedException {
        giveKvmToItsGroup();
        // virtlogd first: without it a domain fails to start ("Failed to connect socket to .../virtlogd-sock").
        startUnlessAnswering(VIRTLOGD_SOCKET, "virtlogd");
        startUnlessAnswering(LIBVIRTD_SOCKET, "libvirtd");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!virsh("version").succeeded()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("libvirtd does not answer virsh version");
            }
            Thread.sleep(200);
        }
    }

    /**
     * What udev does on a Debian host with systemd: /dev/kvm root:kvm 0660. Without udev it stays
     * root-only; libvirt then judges KVM unusable for its qemu user while its cached QEMU
     * capabilities say KVM was probed, throws the cache away and probes QEMU again on every lookup:
     * 50 seconds for each domain start instead of a third of one.
     */
    private static void giveKvmToItsGroup() throws IOException {
        if (!Files.exists(KVM)) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(KVM, PosixFileAttributeView.class);
        var attributes = view.readAttributes();
        boolean groupKvm = attributes.group().getName().equals("kvm");
        boolean groupReadWrite = attributes.permissions().containsAll(List.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE));
        if (groupKvm && groupReadWrite) {
            return;
        }
        GroupPrincipal kvm = KVM.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("kvm");
        view.setGroup(kvm);
        Files.setPosixFilePermissions(KVM, PosixFilePermissions.fromString("rw-rw----"));
    }

    private static void startUnlessAnswering(Path socket, String daemon) throws IOException, InterruptedException {
        if (answers(socket)) {
            return;
        }
        ProcessRunner.Result result = ProcessRunner.run(List.of(daemon, "-d"), Duration.ofSeconds(30));
        if (!result.succeeded()) {
            throw new IOException("cannot start " + daemon + ": " + result.failure());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!answers(socket)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(daemon + " started but " + socket + " does not answer");
            }
            Thread.sleep(100);
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ignored = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    static ProcessRunner.Result virsh(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("virsh", "-c", URI));
        command.addAll(List.of(arguments));
        return ProcessRunner.run(command, Duration.ofSeconds(60));
    }

    /** Removes the domains an earlier, crashed run left behind. */
    static void destroyDomainsNamed(String prefix) {
        ProcessRunner.Result list = virsh("list", "--all", "--name");
        for (String name : list.stdout().lines().map(String::strip).filter(name -> name.startsWith(prefix)).toList()) {
            virsh("destroy", name);
            virsh("undefine", name);
        }
    }
}
