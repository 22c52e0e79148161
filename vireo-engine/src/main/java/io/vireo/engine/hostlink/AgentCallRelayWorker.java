package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.NotificationLoop;
import io.vireo.model.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The leader's side of {@link AgentCallRelay}: woken by the requests' NOTIFY (or its next tick, for
 * requests written while nobody led), it claims requests while this engine leads and makes each call
 * through its own session with its own epoch, then writes the result or the error for the requester.
 * On an engine that does not lead it only listens.
 */
public final class AgentCallRelayWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentCallRelayWorker.class);
    private static final int BATCH = 16;
    private static final Duration PURGE_EVERY = Duration.ofSeconds(30);

    private final Database database;
    private final AgentCallRepository requests;
    private final Supplier<Optional<Long>> epoch;
    private final AgentCaller here;
    private final String instanceId;
    private volatile boolean stopped;
    private long nextPurge;
    private NotificationLoop loop;

    /**
     * @param epoch this engine's epoch while it leads (read at every claim)
     * @param here calls through this engine's own sessions, never forwarded again
     */
    public AgentCallRelayWorker(Database database, AgentCallRepository requests, Supplier<Optional<Long>> epoch,
                                AgentCaller here, String instanceId) {
        this.database = requireNonNull(database, "database");
        this.requests = requireNonNull(requests, "requests");
        this.epoch = requireNonNull(epoch, "epoch");
        this.here = requireNonNull(here, "here");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.nextPurge = System.nanoTime();
    }

    public void start() {
        loop = new NotificationLoop(database, AgentCallRepository.REQUESTED, "agent-call-relay-worker",
                new NotificationLoop.Listener() {
                    @Override
                    public void listening() {
                        serve();
                    }

                    @Override
                    public void woken(List<String> payloads) {
                        serve();
                    }
                });
        loop.start();
    }

    private void serve() {
        List<AgentCallRepository.Claimed> claimed;
        do {
            Optional<Long> current = epoch.get();
            if (current.isEmpty()) {
                return;
            }
            purgeWhenDue();
            claimed = requests.claim(instanceId, current.get(), BATCH);
            for (AgentCallRepository.Claimed request : claimed) {
                Thread.ofVirtual().name("relayed-" + request.method()).start(() -> make(request));
            }
        } while (claimed.size() == BATCH && !stopped);
    }

    private void make(AgentCallRepository.Claimed request) {
        // the method and host only: params may hold a console password
        log.debug("Calling {} on host {} for engine {} (request {})", request.method(), request.hostId(),
                request.requestedBy(), request.id());
        JsonNode result = null;
        AgentException error = null;
        try {
            if (!AgentCallRelay.FORWARDED.contains(request.method())) {
                throw new AgentException(ErrorCode.INTERNAL_ERROR, 0, "The leader gives " + request.method()
                        + " only in its own jobs, not for another engine");
            }
            result = here.call(request.hostId(), request.method(), request.params(), request.timeout());
        } catch (AgentException e) {
            error = e;
        } catch (RuntimeException e) {
            log.warn("A relayed {} call for host {} failed unexpectedly", request.method(), request.hostId(), e);
            error = new AgentException(ErrorCode.INTERNAL_ERROR, 0, "The leading engine could not make the call: "
                    + e.getMessage());
        }
        try {
            boolean delivered = error == null ? requests.answer(request.id(), instanceId, result)
                    : requests.fail(request.id(), instanceId, error);
            if (!delivered) {
                log.debug("Engine {} gave up on request {} before its answer came", request.requestedBy(), request.id());
            }
        } catch (RuntimeException e) {
            log.warn("Cannot write the answer of a relayed {} call for engine {}: {}", request.method(),
                    request.requestedBy(), e.getMessage());
        }
    }

    private void purgeWhenDue() {
        long now = System.nanoTime();
        if (now - nextPurge >= 0) {
            nextPurge = now + PURGE_EVERY.toNanos();
            int purged = requests.purgeAbandoned();
            if (purged > 0) {
                log.info("Removed {} relayed agent calls whose requesters gave up on them", purged);
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        if (loop != null) {
            loop.close();
        }
    }
}
