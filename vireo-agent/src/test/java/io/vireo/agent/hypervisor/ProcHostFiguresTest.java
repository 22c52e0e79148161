package io.vireo.agent.hypervisor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProcHostFiguresTest {
    @TempDir
    Path directory;

    @Test
    void cpuLoadIsTheBusyShareSinceTheLastCall() throws IOException {
        Path stat = directory.resolve("stat");
        Path meminfo = directory.resolve("meminfo");
        // user nice system idle iowait irq softirq steal guest guest_nice
        Files.writeString(stat, "cpu  100 0 100 700 100 0 0 0 50 0\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1\n");
        Files.writeString(meminfo, "MemTotal:       24683968 kB\nMemFree:        20000000 kB\nMemAvailable:   22000000 kB\n");
        ProcHostFigures figures = new ProcHostFigures(stat, meminfo);

        Files.writeString(stat, "cpu  400 0 100 900 100 0 0 0 300 0\n");

        // 300 busy of 500 in between; guest time is inside user time and is not counted twice
        assertThat(figures.cpuLoadPercent()).isCloseTo(60.0, within(0.001));
        assertThat(figures.cpuLoadPercent()).isZero();
        assertThat(figures.memoryTotalKib()).isEqualTo(24683968);
        assertThat(figures.memoryFreeKib()).isEqualTo(22000000);
    }

    @Test
    void readsTheRealProc() {
        ProcHostFigures figures = new ProcHostFigures();

        assertThat(figures.cpuLoadPercent()).isBetween(0.0, 100.0);
        assertThat(figures.memoryTotalKib()).isPositive();
        assertThat(figures.memoryFreeKib()).isPositive().isLessThanOrEqualTo(figures.memoryTotalKib());
    }

    @Test
    void iowaitCountsAsIdle() {
        ProcHostFigures.CpuTimes times = ProcHostFigures.parseCpuLine("cpu  10 20 30 40 50 60 70 80");

        assertThat(times).isEqualTo(new ProcHostFigures.CpuTimes(360, 90));
    }
}
