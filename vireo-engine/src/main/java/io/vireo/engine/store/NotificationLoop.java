package io.vireo.engine.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The one way the engine waits for a PostgreSQL NOTIFY: a platform thread on its own connection
 * LISTENs on a channel and calls the listener once listening (to catch up on what was written while it
 * did not listen) and after each notification, or after a second without one (a safety tick). A lost
 * connection is opened again a second later.
 */
public final class NotificationLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationLoop.class);
    private static final int TICK_MILLIS = 1000;

    /** What the loop calls on its thread; an exception ends the connection (it is opened again). */
    public interface Listener {
        /** Called each time the loop (again) listens. */
        void listening();

        /** Called after notifications came (their payloads), or after the tick with none. */
        void woken(List<String> payloads);
    }

    private final Database database;
    private final String channel;
    private final String name;
    private final Listener listener;
    private volatile boolean stopped;
    private Thread thread;

    public NotificationLoop(Database database, String channel, String name, Listener listener) {
        this.database = requireNonNull(database, "database");
        this.channel = requireNonNull(channel, "channel");
        this.name = requireNonNull(name, "name");
        this.listener = requireNonNull(listener, "listener");
        if (!channel.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a channel name: " + channel);
        }
    }

    public void start() {
        thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    private void loop() {
        while (!stopped) {
            try (Connection connection = database.openDedicatedConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                listener.listening();
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (!stopped) {
                    PGNotification[] received = notifications.getNotifications(TICK_MILLIS);
                    List<String> payloads = new ArrayList<>();
                    if (received != null) {
                        for (PGNotification notification : received) {
                            payloads.add(notification.getParameter());
                        }
                    }
                    listener.woken(payloads);
                }
            } catch (SQLException | RuntimeException e) {
                if (!stopped) {
                    log.warn("{} lost its database connection, retrying: {}", name, e.getMessage());
                    pause();
                }
            }
        }
    }

    /** A second before connecting again, so a database that is down is not hammered. */
    private static void pause() {
        try {
            Thread.sleep(TICK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
