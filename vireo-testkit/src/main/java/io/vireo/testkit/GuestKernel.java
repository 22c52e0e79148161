package io.vireo.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A Debian 6.1 kernel for the guest and the directory holding its modules. Debian's kernel has the
 * virtio drivers as modules, so the image and the modules must come from the same package.
 */
record GuestKernel(String version, Path vmlinuz, Path modulesDir)
{
    private static final Pattern PACKAGE_NAME = Pattern.compile("linux-image-(6\\.1\\.0-(\\d+)-amd64)");
    private static final Pattern BOOT_IMAGE = Pattern.compile("vmlinuz-(6\\.1\\.0-(\\d+)-amd64)");
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);

    GuestKernel
    {
        requireNonNull(version, "version is null");
        requireNonNull(vmlinuz, "vmlinuz is null");
        requireNonNull(modulesDir, "modulesDir is null");
    }

    Path module(String name)
    {
        try (Stream<Path> files = Files.walk(modulesDir)) {
            return files.filter(file -> file.getFileName().toString().equals(name + ".ko"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("kernel %s has no module %s under %s".formatted(version, name, modulesDir)));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The installed kernel when /boot has a usable one, else the newest package unpacked into workDir. */
    static GuestKernel obtain(Path workDir)
    {
        return installed().orElseGet(() -> downloaded(workDir));
    }

    private static Optional<GuestKernel> installed()
    {
        try (Stream<Path> files = Files.list(Path.of("/boot"))) {
            return files.map(file -> BOOT_IMAGE.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches)
                    .sorted(Comparator.comparingInt((Matcher matcher) -> Integer.parseInt(matcher.group(2))).reversed())
                    .map(matcher -> new GuestKernel(matcher.group(1), Path.of("/boot", matcher.group()), Path.of("/lib/modules", matcher.group(1))))
                    .filter(kernel -> Files.isDirectory(kernel.modulesDir().resolve("kernel/drivers/virtio")))
                    .findFirst();
        }
        catch (IOException e) {
            return Optional.empty();
        }
    }

    private static GuestKernel downloaded(Path workDir)
    {
        List<Matcher> candidates = Commands.check("apt-cache", "pkgnames", "linux-image-6.1.0-").lines()
                .map(PACKAGE_NAME::matcher)
                .filter(Matcher::matches)
                .sorted(Comparator.comparingInt((Matcher matcher) -> Integer.parseInt(matcher.group(2))).reversed())
                .toList();
        if (candidates.isEmpty()) {
            throw new IllegalStateException("apt knows no linux-image-6.1.0-*-amd64 package; run apt-get update");
        }
        try {
            Files.createDirectories(workDir);
            // The package index can name an ABI whose package a mirror no longer has: try older ones.
            for (Matcher candidate : candidates) {
                ProcessBuilder download = new ProcessBuilder("apt-get", "download", "-q", candidate.group()).directory(workDir.toFile());
                if (!Commands.run(download, DOWNLOAD_TIMEOUT).succeeded()) {
                    continue;
                }
                Path deb;
                try (Stream<Path> files = Files.list(workDir)) {
                    deb = files.filter(file -> file.getFileName().toString().endsWith(".deb")).findFirst().orElseThrow();
                }
                Path root = workDir.resolve("root");
                Commands.run(DOWNLOAD_TIMEOUT, "dpkg-deb", "-x", deb.toString(), root.toString()).orThrow();
                Files.delete(deb);
                String version = candidate.group(1);
                return new GuestKernel(version, root.resolve("boot/vmlinuz-" + version), root.resolve("lib/modules/" + version));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("could not download any of " + candidates.stream().map(Matcher::group).toList());
    }
}
