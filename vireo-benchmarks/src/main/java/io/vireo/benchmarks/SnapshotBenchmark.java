package io.vireo.benchmarks;

import io.vireo.engine.scheduling.ClusterSnapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** Building the snapshot's indexes for 2,000 hosts, 50,000 VMs and 300 groups: paid once per scheduling pass. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SnapshotBenchmark {
    private ClusterSnapshot source;

    @Setup(Level.Trial)
    public void setUp() {
        source = SyntheticCluster.build("evenly_distributed", 2000, 50_000, 300, 42).snapshot();
    }

    @Benchmark
    public ClusterSnapshot buildSnapshot() {
        return new ClusterSnapshot(source.clusterId(), source.memoryOvercommitPercent(), source.policyName(),
                source.policyParameters(), source.hosts(), source.vms(), source.affinityGroups());
    }
}
