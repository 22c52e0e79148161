package io.vireo.engine.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vireo.model.HostStatus;
import io.vireo.model.VmStatus;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InventoryGaugesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Map<HostStatus, Integer> hostCounts = new HashMap<>();
    private final Map<VmStatus, Integer> vmCounts = new HashMap<>();
    private final InventoryGauges gauges = new InventoryGauges(() -> Map.copyOf(hostCounts), () -> Map.copyOf(vmCounts), registry);

    @Test
    void everyStatusHasAGaugeAndAStatusLeftEmptyFallsToZero() {
        hostCounts.put(HostStatus.UP, 3);
        vmCounts.put(VmStatus.UP, 5);
        vmCounts.put(VmStatus.DOWN, 2);
        gauges.refresh();
        assertThat(value("vireo_hosts", "up")).isEqualTo(3);
        assertThat(value("vireo_vms", "up")).isEqualTo(5);
        assertThat(value("vireo_vms", "down")).isEqualTo(2);
        assertThat(registry.find("vireo_hosts").gauges()).hasSize(HostStatus.values().length);

        vmCounts.remove(VmStatus.DOWN);
        gauges.refresh();
        assertThat(value("vireo_vms", "down")).isZero();
        assertThat(value("vireo_vms", "up")).isEqualTo(5);
    }

    @Test
    void aFailedCountKeepsTheLastValues() {
        hostCounts.put(HostStatus.UP, 1);
        gauges.refresh();
        InventoryGauges failing = new InventoryGauges(() -> {
            throw new IllegalStateException("database gone");
        }, Map::of, new SimpleMeterRegistry());
        failing.refresh();
        assertThat(value("vireo_hosts", "up")).isEqualTo(1);
    }

    private double value(String name, String status) {
        return registry.get(name).tag("status", status).gauge().value();
    }
}
