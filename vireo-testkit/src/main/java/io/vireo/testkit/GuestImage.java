package io.vireo.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

/**
 * A tiny bootable guest: a Debian kernel and a busybox initramfs whose /init prints
 * {@value #BOOT_MARKER} and then {@code TICK n <uptime>} every second on the serial console.
 * Boots in about 5 s under TCG with 128 MiB of memory (64 MiB does not reach /init).
 */
public final class GuestImage
{
    public static final String BOOT_MARKER = "GUEST-BOOTED";
    public static final String KERNEL_CMDLINE = "console=ttyS0 panic=-1 quiet";

    /** Load order matters: each module needs the ones before it. */
    static final List<String> MODULES = List.of(
            "virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci",
            "failover", "net_failover", "virtio_net", "virtio_blk");

    private static final Logger log = LoggerFactory.getLogger(GuestImage.class);
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String BUILT_PREFIX = "guest-";
    private static final String BUILDING_PREFIX = ".building-";

    private final Path kernel;
    private final Path initrd;
    private final String kernelVersion;

    private GuestImage(Path kernel, Path initrd, String kernelVersion)
    {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.initrd = requireNonNull(initrd, "initrd is null");
        this.kernelVersion = requireNonNull(kernelVersion, "kernelVersion is null");
    }

    /** Outside the repository, so that a clean checkout or {@code mvn clean} does not rebuild it. */
    public static Path defaultCacheDir()
    {
        return Path.of("/var/cache/vireo-lab/guest");
    }

    public static GuestImage ensureBuilt()
    {
        return ensureBuilt(defaultCacheDir());
    }

    /**
     * Returns the image in cacheDir, building it first when missing. A build happens in a
     * temporary directory that is renamed into place at the end, so an interrupted build leaves
     * nothing that looks finished; a file lock keeps concurrent JVMs from building twice.
     */
    public static GuestImage ensureBuilt(Path cacheDir)
    {
        requireNonNull(cacheDir, "cacheDir is null");
        synchronized (GuestImage.class) {
            try {
                Files.createDirectories(cacheDir);
                try (FileChannel channel = FileChannel.open(cacheDir.resolve(".lock"), CREATE, WRITE);
                        FileLock ignored = channel.lock()) {
                    String recipe = recipeHash();
                    Optional<GuestImage> built = findBuilt(cacheDir, recipe);
                    if (built.isPresent()) {
                        return built.get();
                    }
                    return build(cacheDir, recipe);
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot build the guest image in " + cacheDir, e);
            }
        }
    }

    public Path kernel()
    {
        return kernel;
    }

    public Path initrd()
    {
        return initrd;
    }

    /** The names the kernel and initrd get in a storage domain's boot-files directory. */
    public static final String KERNEL_FILE = "lab-vmlinuz";
    public static final String INITRD_FILE = "lab-initrd.cpio";

    /**
     * Copies the kernel and initrd into {@code <domainDir>/boot-files/} as {@link #KERNEL_FILE} and
     * {@link #INITRD_FILE} (readable by QEMU), where an agent boots kernels from; answers that directory.
     */
    public Path installBootFiles(Path domainDir) throws IOException
    {
        Path dir = Files.createDirectories(domainDir.resolve("boot-files"));
        for (var file : java.util.Map.of(KERNEL_FILE, kernel, INITRD_FILE, initrd).entrySet()) {
            Path target = dir.resolve(file.getKey());
            Files.copy(file.getValue(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        return dir;
    }

    public String kernelVersion()
    {
        return kernelVersion;
    }

    public String bootMarker()
    {
        return BOOT_MARKER;
    }

    /** The console is the serial port, where both the marker and the ticks appear. */
    public String kernelCmdline()
    {
        return KERNEL_CMDLINE;
    }

    /** A command line that makes /init put {@code addressWithPrefix} (e.g. 10.231.1.5/24) on eth0. */
    public String kernelCmdline(String addressWithPrefix)
    {
        return KERNEL_CMDLINE + " labip=" + requireNonNull(addressWithPrefix, "addressWithPrefix is null");
    }

    /**
     * The smallest domain that boots this guest under TCG (KVM does not work on the lab machines):
     * direct kernel boot, 128 MiB, no disk, no network, the serial console written to consoleLog.
     */
    public String domainXml(String name, Path consoleLog)
    {
        return """
                <domain type='qemu'>
                  <name>%s</name>
                  <memory unit='MiB'>128</memory>
                  <vcpu>1</vcpu>
                  <os>
                    <type arch='x86_64' machine='pc'>hvm</type>
                    <kernel>%s</kernel>
                    <initrd>%s</initrd>
                    <cmdline>%s</cmdline>
                  </os>
                  <devices>
                    <serial type='file'>
                      <source path='%s' append='on'/>
                      <target port='0'/>
                    </serial>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(xml(name), xml(kernel.toString()), xml(initrd.toString()), xml(kernelCmdline()), xml(consoleLog.toString()));
    }

    private static String xml(String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace("\"", "&quot;");
    }

    /** Creates an empty qcow2 image of the given size, for tests that need a disk. */
    public static Path createQcow2(Path file, int sizeMiB)
    {
        Commands.check("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), sizeMiB + "M");
        return file;
    }

    private static Optional<GuestImage> findBuilt(Path cacheDir, String recipe)
            throws IOException
    {
        String prefix = BUILT_PREFIX + recipe + "-";
        try (Stream<Path> dirs = Files.list(cacheDir)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith(prefix))
                    .filter(dir -> Files.isRegularFile(dir.resolve("vmlinuz")) && Files.isRegularFile(dir.resolve("initrd.img")))
                    .max(Comparator.comparingInt(dir -> abi(dir.getFileName().toString().substring(prefix.length()))))
                    .map(dir -> new GuestImage(dir.resolve("vmlinuz"), dir.resolve("initrd.img"), dir.getFileName().toString().substring(prefix.length())));
        }
    }

    private static GuestImage build(Path cacheDir, String recipe)
            throws IOException
    {
        requireStaticBusybox();
        removeUnfinishedBuilds(cacheDir);
        long start = System.nanoTime();
        Path work = Files.createTempDirectory(cacheDir, BUILDING_PREFIX);
        GuestKernel kernel = GuestKernel.obtain(work.resolve("package"));
        Path output = Files.createDirectory(work.resolve("output"));
        Files.copy(kernel.vmlinuz(), output.resolve("vmlinuz"));
        writeInitramfs(kernel, output.resolve("initrd.img"));
        Path target = cacheDir.resolve(BUILT_PREFIX + recipe + "-" + kernel.version());
        Files.move(output, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(work);
        log.info("built guest image with kernel {} in {} ms: {}", kernel.version(), (System.nanoTime() - start) / 1_000_000, target);
        return new GuestImage(target.resolve("vmlinuz"), target.resolve("initrd.img"), kernel.version());
    }

    private static void writeInitramfs(GuestKernel kernel, Path initrd)
            throws IOException
    {
        try (OutputStream file = Files.newOutputStream(initrd);
                GZIPOutputStream gzip = new GZIPOutputStream(file, 1 << 16)) {
            CpioWriter cpio = new CpioWriter(gzip);
            for (String dir : List.of("bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "etc", "proc", "sys", "tmp", "run", "lib", "lib/modules")) {
                cpio.directory(dir, 0755);
            }
            // The kernel opens /dev/console for /init before /init can mount devtmpfs.
            cpio.characterDevice("dev/console", 0600, 5, 1);
            cpio.file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX));
            cpio.symlink("bin/sh", "busybox");
            cpio.file("init", 0755, resource("guest-init.sh"));
            cpio.file("etc/udhcpc.script", 0755, resource("guest-udhcpc.sh"));
            cpio.file("etc/modules-load", 0644, (String.join("\n", MODULES) + "\n").getBytes(UTF_8));
            for (String module : MODULES) {
                cpio.file("lib/modules/" + module + ".ko", 0644, Files.readAllBytes(kernel.module(module)));
            }
            cpio.close();
        }
    }

    /** Names the built directory, so that a change to /init or the modules builds a new image. */
    private static String recipeHash()
    {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(resource("guest-init.sh"));
            digest.update(resource("guest-udhcpc.sh"));
            digest.update(String.join(",", MODULES).getBytes(UTF_8));
            return HexFormat.of().formatHex(digest.digest()).substring(0, 10);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name)
    {
        try (InputStream in = GuestImage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dynamically linked busybox (package busybox) would fail inside the initramfs. */
    private static void requireStaticBusybox()
            throws IOException
    {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: install the busybox-static package");
        }
        String content = new String(Files.readAllBytes(BUSYBOX), ISO_8859_1);
        if (content.contains("/lib64/ld-linux")) {
            throw new IllegalStateException(BUSYBOX + " is dynamically linked: install busybox-static instead of busybox");
        }
    }

    private static void removeUnfinishedBuilds(Path cacheDir)
            throws IOException
    {
        try (Stream<Path> dirs = Files.list(cacheDir)) {
            for (Path dir : dirs.filter(dir -> dir.getFileName().toString().startsWith(BUILDING_PREFIX)).toList()) {
                log.info("removing unfinished guest build {}", dir);
                // Best effort: a dpkg-deb orphaned by a killed JVM may still be writing into it.
                Commands.Result result = Commands.run("rm", "-rf", "--one-file-system", dir.toString());
                if (!result.succeeded()) {
                    log.warn("cannot remove {} yet: {}", dir, result.stderr().strip());
                }
            }
        }
    }

    static void deleteTree(Path root)
    {
        if (Files.exists(root)) {
            Commands.run("rm", "-rf", "--one-file-system", root.toString()).orThrow();
        }
    }

    /** The ABI number of a Debian kernel version: 56 for 6.1.0-56-amd64. */
    private static int abi(String kernelVersion)
    {
        String[] parts = kernelVersion.split("-");
        return parts.length > 1 && parts[1].chars().allMatch(Character::isDigit) ? Integer.parseInt(parts[1]) : 0;
    }
}
