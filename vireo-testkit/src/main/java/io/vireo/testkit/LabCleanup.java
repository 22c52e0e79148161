package io.vireo.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes what a lab left behind, including one whose JVM was killed. Processes are found by
 * what ties them to the lab (a vlab-* network namespace, or a mount namespace with a lab host's
 * private /run), never by name: the machine's own libvirtd and its guests must survive.
 */
final class LabCleanup
{
    private static final Logger log = LoggerFactory.getLogger(LabCleanup.class);

    private LabCleanup() {}

    static void cleanupLeftovers(Path baseDir)
    {
        List<String> namespaces = LabNetwork.labNamespaces();
        Set<Long> processes = new LinkedHashSet<>();
        for (String netns : namespaces) {
            processes.addAll(LabNetwork.processesIn(netns));
        }
        processes.addAll(processesWithPrivateRunUnder(baseDir.resolve("hosts")));
        processes.remove(ProcessHandle.current().pid());
        if (!namespaces.isEmpty() || !processes.isEmpty()) {
            log.info("removing lab namespaces {} and {} processes", namespaces, processes.size());
        }
        killProcesses(processes);
        LabNetwork.deleteRootLeg();
        for (String netns : namespaces) {
            if (!netns.equals(LabNetwork.SWITCH_NAMESPACE)) {
                LabNetwork.deleteNamespace(netns);
            }
        }
        // Last: deleting it takes the switch ports (the peers of the hosts' eth0) with it.
        if (namespaces.contains(LabNetwork.SWITCH_NAMESPACE)) {
            LabNetwork.deleteNamespace(LabNetwork.SWITCH_NAMESPACE);
        }
        unmountUnder(baseDir);
    }

    /**
     * SIGKILLs the processes and waits until they are gone: a namespace is only really gone when
     * its last process is.
     */
    static void killProcesses(Collection<Long> pids)
    {
        List<Long> targets = List.copyOf(pids);
        for (long pid : targets) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && targets.stream().anyMatch(LabCleanup::isRunning)) {
            LabHost.sleep(Duration.ofMillis(20));
        }
        targets.stream().filter(LabCleanup::isRunning)
                .forEach(pid -> log.warn("process {} of the lab survived SIGKILL for 10 s", pid));
    }

    /**
     * False for a zombie too: this machine's init reaps orphans only about once a second, and a
     * zombie has already left its namespaces. ProcessHandle.isAlive() counts zombies as alive.
     */
    static boolean isRunning(long pid)
    {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        }
        catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Processes of a lab host whose network namespace was already deleted, found by their /run. */
    private static List<Long> processesWithPrivateRunUnder(Path hostsDir)
    {
        String hostsPath = hostsDir.toAbsolutePath().normalize() + "/";
        List<Long> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                if (hasLabRun(entry.resolve("mountinfo"), hostsPath)) {
                    found.add(Long.parseLong(entry.getFileName().toString()));
                }
            }
        }
        catch (IOException e) {
            log.warn("cannot list /proc: {}", e.getMessage());
        }
        return found;
    }

    private static boolean hasLabRun(Path mountinfo, String hostsPath)
    {
        try (Stream<String> lines = Files.lines(mountinfo)) {
            // Fields 4 and 5: the mounted directory (relative to its filesystem) and the mount point.
            return lines.map(line -> line.split(" "))
                    .anyMatch(fields -> fields.length > 4 && fields[4].equals("/run")
                            && fields[3].endsWith("/run") && fields[3].contains("/hosts/")
                            && (hostsPath + fields[3].substring(fields[3].lastIndexOf("/hosts/") + "/hosts/".length())).endsWith(fields[3]));
        }
        catch (IOException | UncheckedIOException e) {
            // The process ended while we looked.
            return false;
        }
    }

    /** Mounts in the root namespace under the lab's directory: none should exist, but a crash mid-setup could leave one. */
    private static void unmountUnder(Path baseDir)
    {
        String prefix = baseDir.toAbsolutePath().normalize() + "/";
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            List<String> mountPoints = lines.map(line -> line.split(" ")[4]).filter(point -> point.startsWith(prefix)).toList();
            for (String point : mountPoints.reversed()) {
                log.info("unmounting leftover {}", point);
                Commands.run("umount", "-l", point);
            }
        }
        catch (IOException e) {
            log.warn("cannot read mounts: {}", e.getMessage());
        }
    }
}
