package io.vireo.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Fails early, naming the Debian packages to install, instead of deep inside a half-built lab. */
final class Prerequisites
{
    /** Program and the package that provides it. */
    private static final Map<String, String> LAB_PROGRAMS = new LinkedHashMap<>();

    static {
        LAB_PROGRAMS.put("ip", "iproute2");
        LAB_PROGRAMS.put("unshare", "util-linux");
        LAB_PROGRAMS.put("nsenter", "util-linux");
        LAB_PROGRAMS.put("libvirtd", "libvirt-daemon-system");
        LAB_PROGRAMS.put("virtlogd", "libvirt-daemon-system");
        LAB_PROGRAMS.put("virsh", "libvirt-clients");
        LAB_PROGRAMS.put("qemu-system-x86_64", "qemu-system-x86");
    }

    private Prerequisites() {}

    static void requireLab()
    {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the lab creates network namespaces and runs libvirtd: it needs root");
        }
        List<String> missing = LAB_PROGRAMS.entrySet().stream()
                .filter(entry -> !onPath(entry.getKey()))
                .map(entry -> entry.getKey() + " (" + entry.getValue() + ")")
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the lab needs programs that are not installed: " + String.join(", ", missing));
        }
    }

    private static boolean onPath(String program)
    {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        return Stream.of(path.split(":"))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
