package io.vireo.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vireo.model.HostStatus;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/** Hosts and VMs by status as Prometheus gauges, counted from the database every few seconds. */
public final class InventoryGauges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InventoryGauges.class);

    private final Jdbi jdbi;
    private final Map<HostStatus, AtomicInteger> hosts = new EnumMap<>(HostStatus.class);
    private final Map<VmStatus, AtomicInteger> vms = new EnumMap<>(VmStatus.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("inventory-gauges").daemon().factory());

    public InventoryGauges(Jdbi jdbi, MeterRegistry registry) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
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
            hosts.values().forEach(value -> value.set(0));
            vms.values().forEach(value -> value.set(0));
            jdbi.useHandle(h -> {
                h.createQuery("SELECT status, count(*) AS n FROM hosts GROUP BY status")
                        .map((rs, ctx) -> Map.entry(rs.getString("status"), rs.getInt("n")))
                        .forEach(entry -> hosts.get(HostStatus.valueOf(entry.getKey())).set(entry.getValue()));
                h.createQuery("SELECT status, count(*) AS n FROM vms GROUP BY status")
                        .map((rs, ctx) -> Map.entry(rs.getString("status"), rs.getInt("n")))
                        .forEach(entry -> vms.get(VmStatus.valueOf(entry.getKey())).set(entry.getValue()));
            });
        } catch (RuntimeException e) {
            log.debug("Cannot count the inventory: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
