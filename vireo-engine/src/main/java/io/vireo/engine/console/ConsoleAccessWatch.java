package io.vireo.engine.console;

import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.NotificationLoop;
import io.vireo.model.Permission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Ends the consoles of users who lost access to them. Every engine instance listens for access changes
 * ({@link PermissionService#ACCESS_CHANGED_CHANNEL}, notified by the database in the changing transaction,
 * whichever code path made the change) and then checks, against access as it is now, the consoles it relays
 * (closed at once when the user may no longer open the VM's console, or was disabled or deleted) and the
 * tickets given out recently (an unused one stops working; a SPICE client connected straight to the host is
 * dropped by a new display password, see {@link ConsoleTickets#revokeLost}).
 */
public final class ConsoleAccessWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleAccessWatch.class);
    /** As long as a console may stay open (the proxy's idle timeout): older tickets have no session left. */
    static final Duration SESSION_LIMIT = Duration.ofHours(8);

    private final PermissionService permissions;
    private final ConsoleTickets tickets;
    private final EventLog events;
    private final Clock clock;
    private final Map<String, Session> open = new ConcurrentHashMap<>();
    private NotificationLoop loop;

    private record Session(ConsoleTickets.Target target, Runnable close) {
    }

    public ConsoleAccessWatch(PermissionService permissions, ConsoleTickets tickets, EventLog events, Clock clock) {
        this.permissions = requireNonNull(permissions, "permissions");
        this.tickets = requireNonNull(tickets, "tickets");
        this.events = requireNonNull(events, "events");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Listens for access changes on its own connection; checks everything once listening, to catch up. */
    public void start(Database database) {
        loop = new NotificationLoop(database, PermissionService.ACCESS_CHANGED_CHANNEL, "console-access-watch",
                new NotificationLoop.Listener() {
                    @Override
                    public void listening() {
                        recheck();
                    }

                    @Override
                    public void woken(List<String> payloads) {
                        if (!payloads.isEmpty()) {
                            recheck();
                        }
                    }
                });
        loop.start();
    }

    /** A console this instance relays from now on; {@code close} ends it (both sides). */
    void opened(String sessionId, ConsoleTickets.Target target, Runnable close) {
        open.put(sessionId, new Session(target, close));
    }

    void closed(String sessionId) {
        open.remove(sessionId);
    }

    int openCount() {
        return open.size();
    }

    /** Checks every open console and every recent ticket against access now; each user and VM costs one check. */
    void recheck() {
        Map<ConsoleTicketRepository.Holder, Boolean> answers = new HashMap<>();
        Predicate<ConsoleTicketRepository.Holder> allowed = holder -> answers.computeIfAbsent(holder,
                h -> permissions.allowedNow(h.userId(), Permission.VM_CONSOLE, ObjectRef.vm(h.vmId())));
        open.forEach((sessionId, session) -> {
            ConsoleTickets.Target target = session.target();
            if (allowed.test(new ConsoleTicketRepository.Holder(target.userId(), target.vmId()))
                    || open.remove(sessionId) == null) {
                return;
            }
            log.info("Closing the console of VM {} for user {}: the user may no longer open it", target.vmName(),
                    target.userId());
            events.write(EventLog.Entry.warning("CONSOLE_CLOSED", "The console of VM " + target.vmName()
                    + " was closed: its user may no longer open it (access revoked, or the user disabled or removed)")
                    .vm(target.vmId()));
            session.close().run();
        });
        for (ConsoleTicketRepository.Holder holder : tickets.revokeLost(clock.instant().minus(SESSION_LIMIT), allowed)) {
            log.info("Revoked the console tickets of user {} for VM {}: the user lost access", holder.userId(), holder.vmId());
        }
    }


    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
