package io.vireo.engine.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A real PostgreSQL for tests of one class: one server per test JVM, a fresh database per call.
 * Its directory must be reachable by the postgres user, hence not JUnit's private temp dirs.
 */
public final class TestDatabase {
    private static ManagedPostgres server;
    private static int counter;

    private TestDatabase() {
    }

    /** A fresh database on the test server, by URL, for code that opens its own connections. */
    public record External(String url, String user, String password) {
    }

    public static synchronized External freshExternal() {
        Database database = fresh();
        database.close();
        return new External(lastUrl, server.user(), server.password().orElseThrow());
    }

    private static String lastUrl;

    public static synchronized Database fresh() {
        External empty = emptyExternal();
        return new Database(empty.url(), empty.user(), empty.password());
    }

    /** A fresh database with no schema at all, for tests of the migrations themselves. */
    public static synchronized External emptyExternal() {
        try {
            if (server == null) {
                Path directory = Files.createTempDirectory(Path.of("/tmp"), "vireo-test-pg",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                server = ManagedPostgres.start(directory.resolve("postgres"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    deleteQuietly(directory);
                }));
            }
            String name = "test_" + ProcessHandle.current().pid() + "_" + (++counter);
            try (var connection = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.user(),
                    server.password().orElseThrow());
                 var statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            lastUrl = server.jdbcUrl().replaceAll("/vireo$", "/" + name);
            return new External(lastUrl, server.user(), server.password().orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit
        }
    }
}
