package io.vireo.agent.hypervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * A guest that boots in seconds under TCG: Debian's kernel and a busybox initramfs whose /init
 * prints {@link #MARKER} on the serial console, then a tick every second. The kernel package is
 * fetched once and cached; the initramfs is built here, in Java, as a newc cpio archive.
 */
final class TinyGuest {
    static final String MARKER = "VIREO-GUEST-BOOTED";
    static final Path CACHE = Path.of("/var/cache/vireo-test/agent-it");

    private static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox mount -t proc proc /proc
            /bin/busybox mount -t sysfs sys /sys
            /bin/busybox mount -t devtmpfs dev /dev 2>/dev/null
            /bin/busybox --install -s /bin
            echo %s > /dev/console
            n=0
            while true; do
              n=$((n + 1))
              echo "TICK $n $(cut -d' ' -f1 /proc/uptime)" > /dev/console
              sleep 1
            done
            """.formatted(MARKER);

    private TinyGuest() {
    }

    /** Debian's 6.1 kernel, downloaded with apt on first use. */
    static synchronized Path kernel() throws IOException {
        Optional<Path> cached = cachedKernel();
        if (cached.isPresent()) {
            return cached.get();
        }
        Files.createDirectories(CACHE);
        String search = run(List.of("apt-cache", "search", "--names-only", "^linux-image-6\\.1\\.0-[0-9]+-amd64$"), CACHE);
        String pkg = search.lines()
                .map(line -> line.split(" ")[0])
                .max(Comparator.comparingInt(TinyGuest::abi))
                .orElseThrow(() -> new IOException("apt knows no linux-image-6.1.0-*-amd64 package; run apt-get update"));
        run(List.of("apt-get", "download", pkg), CACHE);
        try (Stream<Path> files = Files.list(CACHE)) {
            Path deb = files.filter(path -> path.getFileName().toString().startsWith(pkg + "_")).findFirst()
                    .orElseThrow(() -> new IOException("apt-get download left no " + pkg + " package"));
            // Only the kernel: the package also holds 400 MB of modules the busybox guest never loads.
            run(List.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --wildcards './boot/vmlinuz-*'", "sh",
                    deb.toString(), CACHE.toString()), CACHE);
            Files.delete(deb);
        }
        return cachedKernel().orElseThrow(() -> new IOException("no kernel came out of " + pkg));
    }

    /** The busybox initramfs, rebuilt into the cache (it takes milliseconds) so it always matches this class. */
    static synchronized Path initramfs() throws IOException {
        Files.createDirectories(CACHE);
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(archive)) {
            CpioWriter cpio = new CpioWriter(gzip);
            for (String directory : List.of("bin", "dev", "proc", "sys", "tmp")) {
                cpio.directory(directory);
            }
            cpio.file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755);
            cpio.file("init", INIT.getBytes(StandardCharsets.UTF_8), 0755);
            cpio.trailer();
        }
        Path target = CACHE.resolve("initramfs-busybox.cpio.gz");
        Path temporary = Files.createTempFile(CACHE, "initramfs", ".tmp");
        Files.write(temporary, archive.toByteArray());
        Files.setPosixFilePermissions(temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    private static Optional<Path> cachedKernel() throws IOException {
        Path boot = CACHE.resolve("boot");
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(boot)) {
            return files.filter(path -> path.getFileName().toString().startsWith("vmlinuz-")).findFirst();
        }
    }

    private static int abi(String pkg) {
        return Integer.parseInt(pkg.replaceAll("^linux-image-6\\.1\\.0-([0-9]+)-amd64$", "$1"));
    }

    private static String run(List<String> command, Path directory) throws IOException {
        ProcessRunner.Result result = ProcessRunner.run(command, Duration.ofMinutes(5), directory);
        if (!result.succeeded()) {
            throw new IOException(String.join(" ", command) + " failed in " + directory + ": " + result.failure());
        }
        return result.stdout();
    }

    /** The "newc" cpio format the kernel unpacks an initramfs from. */
    private static final class CpioWriter {
        private final OutputStream out;
        private long written;
        private int inode = 1;

        CpioWriter(OutputStream out) {
            this.out = out;
        }

        void directory(String name) throws IOException {
            entry(name, 040755, new byte[0]);
        }

        void file(String name, byte[] content, int permissions) throws IOException {
            entry(name, 0100000 | permissions, content);
        }

        void trailer() throws IOException {
            entry("TRAILER!!!", 0, new byte[0]);
        }

        private void entry(String name, int mode, byte[] content) throws IOException {
            byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
            StringBuilder header = new StringBuilder("070701");
            long[] fields = {inode++, mode, 0, 0, 1, 0, content.length, 0, 0, 0, 0, nameBytes.length, 0};
            for (long field : fields) {
                header.append("%08x".formatted(field));
            }
            write(header.toString().getBytes(StandardCharsets.US_ASCII));
            write(nameBytes);
            pad();
            write(content);
            pad();
        }

        private void write(byte[] bytes) throws IOException {
            out.write(bytes);
            written += bytes.length;
        }

        private void pad() throws IOException {
            while (written % 4 != 0) {
                write(new byte[1]);
            }
        }
    }
}
