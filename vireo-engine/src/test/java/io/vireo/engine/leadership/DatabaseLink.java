package io.vireo.engine.leadership;

import io.vireo.engine.store.TestDatabase;
import org.jdbi.v3.core.ConnectionFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import static java.util.Objects.requireNonNull;

/**
 * One engine's way to the test PostgreSQL, which a test can cut: hanging (a black hole, where
 * connecting waits until the link is back, as a partition looks from inside) or refusing (the
 * server is gone for this engine: connecting fails at once). Real connections while it is up.
 */
final class DatabaseLink implements ConnectionFactory {
    enum State { UP, HANGING, REFUSING }

    private final TestDatabase.External database;
    private State state = State.UP;
    private int waiting;
    private int opened;

    DatabaseLink(TestDatabase.External database) {
        this.database = requireNonNull(database, "database");
    }

    @Override
    public Connection openConnection() throws SQLException {
        synchronized (this) {
            waiting++;
            try {
                while (state == State.HANGING) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while the link to PostgreSQL hangs", "08001", e);
            } finally {
                waiting--;
            }
            if (state == State.REFUSING) {
                throw new SQLException("connection refused: the test cut the link to PostgreSQL", "08001");
            }
        }
        Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
        synchronized (this) {
            opened++;
        }
        return connection;
    }

    synchronized void set(State newState) {
        state = requireNonNull(newState, "newState");
        notifyAll();
    }

    /** How many connections went through so far: one for each renewal the lease asked for. */
    synchronized int opened() {
        return opened;
    }

    /** Whether someone is stuck connecting over the hanging link right now. */
    synchronized boolean hasCallerWaiting() {
        return waiting > 0;
    }
}
