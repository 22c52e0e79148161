package io.vireo.benchmarks;

import io.vireo.engine.scheduling.Decision;
import io.vireo.engine.scheduling.Scheduler;
import io.vireo.engine.scheduling.VmRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One scheduling decision on a 2,000-host cluster with 50,000 VMs and 300 affinity groups: placing a
 * VM that is down (a start) and placing a running VM that belongs to affinity groups (a migration).
 * The snapshot is built once; {@link SnapshotBenchmark} measures building it. Target: 2 ms or less.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SchedulerBenchmark {
    @Param({"none", "evenly_distributed", "power_saving", "vm_evenly_distributed"})
    public String policy;

    @Param({"2000"})
    public int hosts;

    @Param({"50000"})
    public int vms;

    @Param({"300"})
    public int groups;

    private final Scheduler scheduler = new Scheduler();
    private SyntheticCluster.Built cluster;
    private VmRequest[] starts;
    private VmRequest[] migrations;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        cluster = SyntheticCluster.build(policy, hosts, vms, groups, 42);
        starts = cluster.downVms().toArray(VmRequest[]::new);
        migrations = cluster.groupedRunningVms().toArray(VmRequest[]::new);
        System.out.printf("%n%d hosts, %d VMs (%d down, %d running in groups), %d groups; placed %d of %d starts, "
                        + "%d of %d migrations%n", hosts, vms, starts.length, migrations.length, groups,
                placed(starts), starts.length, placed(migrations), migrations.length);
    }

    private int placed(VmRequest[] requests) {
        int placed = 0;
        for (VmRequest vm : requests) {
            if (scheduler.schedule(cluster.snapshot(), vm, Set.of()) instanceof Decision.Chosen) {
                placed++;
            }
        }
        return placed;
    }

    @Benchmark
    public Decision startVm() {
        VmRequest vm = starts[next++ % starts.length];
        return scheduler.schedule(cluster.snapshot(), vm, Set.of());
    }

    @Benchmark
    public Decision migrateVm() {
        VmRequest vm = migrations[next++ % migrations.length];
        return scheduler.schedule(cluster.snapshot(), vm, Set.of());
    }

    /** All hosts that can take the VM, ranked with each weight's part: what the balancer and explanations use. */
    @Benchmark
    public List<?> rankForStart() {
        VmRequest vm = starts[next++ % starts.length];
        return scheduler.rank(cluster.snapshot(), vm, Set.of());
    }
}
