package io.vireo.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vireo.model.HostStatus;
import io.vireo.model.VmStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Hosts and VMs by status as Prometheus gauges, counted every few seconds. The counts come from the
 * hosts and VMs features (their services), so this class knows no table.
 */
public final class InventoryGauges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InventoryGauges.class);

    private final Supplier<Map<HostStatus, Integer>> hostCounts;
    private final Supplier<Map<VmStatus, Integer>> vmCounts;
    private final Map<HostStatus, AtomicInteger> hosts = new EnumMap<>(HostStatus.class);
    private final Map<VmStatus, AtomicInteger> vms = new EnumMap<>(VmStatus.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("inventory-gauges").daemon().factory());

    public InventoryGauges(Supplier<Map<HostStatus, Integer>> hostCounts, Supplier<Map<VmStatus, Integer>> vmCounts,
                           MeterRegistry registry) {
        this.hostCounts = requireNonNull(hostCounts, "hostCounts");
        this.vmCounts = requireNonNull(vmCounts, "vmCounts");
        for (HostStatus status : HostStatus.values()) {
            AtomicInteger value = new AtomicInteger();
            hosts.put(status, value);
            Gauge.builder("vireo_hosts", value, AtomicInteger::get).tag("status", status.name().toLowerCase())
                    .description("Hosts by status").register(registry);
        }
        for (VmStatus status : VmStatus.values()) {
            AtomicInteger value = new AtomicInteger();
            vms.put(status, value);
            Gauge.builder("vireo_vms", value, AtomicInteger::get).tag("status", status.name().toLowerCase())
                    .description("VMs by status").register(registry);
        }
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::refresh, 0, 5, TimeUnit.SECONDS);
    }

    void refresh() {
        try {
            Map<HostStatus, Integer> hostCount = hostCounts.get();
            Map<VmStatus, Integer> vmCount = vmCounts.get();
            // a status that no longer has any host or VM must fall to zero, not keep its last count
            hosts.forEach((status, value) -> value.set(hostCount.getOrDefault(status, 0)));
            vms.forEach((status, value) -> value.set(vmCount.getOrDefault(status, 0)));
        } catch (RuntimeException e) {
            log.debug("Cannot count the inventory: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
