package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.hostGroup;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmGroup;
import static org.assertj.core.api.Assertions.assertThat;

/** Every filter's quick answer (accepts) agrees with its worded one (reject), host by host. */
class FilterConsistencyTest {
    @Test
    void acceptsAgreesWithRejectForEveryFilterHostAndVm() {
        ClusterSnapshot snapshot = cluster("none")
                .hosts(host("up"), host("down").status(HostStatus.NON_RESPONSIVE), host("away").cluster("other"),
                        host("cut").disconnected(), host("maint").maintenance(), host("small").cpus(1).memory(1024, 0),
                        host("old").flags("model_Nehalem"), host("island").storage("sd9").networks("lonely"))
                .vms(vm("db1").on("up"), vm("db2").on("old"), vm("app1").on("small").memory(512),
                        vm("web1").vcpus(2).cpuModel("Haswell").flags("avx2").storage("sd1").networks("management"),
                        vm("web2").on("up"), vm("lic1").on("island").storage().networks())
                .groups(vmGroup("db-apart", false, true, "db1", "db2", "web1"),
                        vmGroup("app-with-web", true, true, "app1", "web2"),
                        hostGroup("licensed", true, true, List.of("lic1", "web1"), List.of("island", "up")),
                        hostGroup("not-old", false, true, List.of("web2"), List.of("old")))
                .build();
        int refusals = 0;
        for (HostFilter filter : SchedulingPolicy.of("none", Map.of()).filters()) {
            for (VmRequest vm : snapshot.vms()) {
                SchedulingContext context = new SchedulingContext(snapshot, vm);
                for (HostCandidate host : snapshot.hosts()) {
                    boolean rejected = filter.reject(host, vm, context).isPresent();
                    assertThat(filter.accepts(host, vm, context)).as(filter.name() + " " + host.name() + " " + vm.name())
                            .isEqualTo(!rejected);
                    refusals += rejected ? 1 : 0;
                }
            }
        }
        assertThat(refusals).as("the cluster exercises refusals").isGreaterThan(50);
    }
}
