package io.vireo.agent.hypervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * CPU load and memory of the host from /proc. CPU load is the busy share of all CPU time between
 * two calls (the first call measures from construction), which is what the engine's scheduler
 * wants: the recent load, not the average since boot.
 */
final class ProcHostFigures {
    private final Path procStat;
    private final Path procMeminfo;
    private CpuTimes previous;

    ProcHostFigures() {
        this(Path.of("/proc/stat"), Path.of("/proc/meminfo"));
    }

    ProcHostFigures(Path procStat, Path procMeminfo) {
        this.procStat = requireNonNull(procStat, "procStat");
        this.procMeminfo = requireNonNull(procMeminfo, "procMeminfo");
        this.previous = readCpuTimes();
    }

    /** Busy percent of all CPUs since the previous call, 0 to 100. */
    synchronized double cpuLoadPercent() {
        CpuTimes now = readCpuTimes();
        long total = now.total() - previous.total();
        long idle = now.idle() - previous.idle();
        previous = now;
        if (total <= 0) {
            return 0;
        }
        return Math.clamp(100.0 * (total - idle) / total, 0.0, 100.0);
    }

    long memoryTotalKib() {
        return meminfo("MemTotal");
    }

    /** What the kernel could hand out without swapping: MemAvailable, not the smaller MemFree. */
    long memoryFreeKib() {
        return meminfo("MemAvailable");
    }

    record CpuTimes(long total, long idle) {
    }

    /** Parses the aggregate "cpu" line: user nice system idle iowait irq softirq steal guest guest_nice. */
    static CpuTimes parseCpuLine(String line) {
        String[] fields = line.trim().split("\\s+");
        if (!fields[0].equals("cpu")) {
            throw new IllegalArgumentException("not the aggregate cpu line: " + line);
        }
        long total = 0;
        // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
            total += Long.parseLong(fields[i]);
        }
        long idle = Long.parseLong(fields[4]) + (fields.length > 5 ? Long.parseLong(fields[5]) : 0);
        return new CpuTimes(total, idle);
    }

    private CpuTimes readCpuTimes() {
        List<String> lines = readLines(procStat);
        return lines.stream()
                .filter(line -> line.startsWith("cpu "))
                .findFirst()
                .map(ProcHostFigures::parseCpuLine)
                .orElseThrow(() -> new HypervisorException("no cpu line in " + procStat, null));
    }

    private long meminfo(String key) {
        for (String line : readLines(procMeminfo)) {
            if (line.startsWith(key + ":")) {
                String value = line.substring(key.length() + 1).trim();
                return Long.parseLong(value.split("\\s+")[0]);
            }
        }
        throw new HypervisorException("no " + key + " in " + procMeminfo, null);
    }

    private static List<String> readLines(Path path) {
        try {
            return Files.readAllLines(path);
        }
        catch (IOException e) {
            throw new HypervisorException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
