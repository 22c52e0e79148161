package io.vireo.benchmarks;

import io.vireo.engine.scheduling.Balancer;
import io.vireo.engine.scheduling.ClusterSnapshot;
import io.vireo.engine.scheduling.ProposedMigration;
import io.vireo.engine.scheduling.Scheduler;
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
import java.util.concurrent.TimeUnit;

/** One balancing round (up to 10 moves) on the same 2,000-host cluster as {@link SchedulerBenchmark}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BalancerBenchmark {
    @Param({"none", "evenly_distributed", "power_saving", "vm_evenly_distributed"})
    public String policy;

    @Param({"10"})
    public int maxMigrations;

    private final Balancer balancer = new Balancer(new Scheduler());
    private ClusterSnapshot snapshot;

    @Setup(Level.Trial)
    public void setUp() {
        snapshot = SyntheticCluster.build(policy, 2000, 50_000, 300, 42).snapshot();
        List<ProposedMigration> moves = balancer.propose(snapshot, maxMigrations);
        System.out.printf("%n%s proposes %d moves, first: %s%n", policy, moves.size(),
                moves.isEmpty() ? "none" : moves.getFirst().reason());
    }

    @Benchmark
    public List<ProposedMigration> proposeMoves() {
        return balancer.propose(snapshot, maxMigrations);
    }
}
