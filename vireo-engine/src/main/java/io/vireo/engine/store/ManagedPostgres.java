package io.vireo.engine.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A PostgreSQL server that the engine owns: initialised on first start in a data directory that is
 * kept across restarts, started and stopped with the engine. It runs the machine's PostgreSQL
 * binaries (Debian's postgresql package); PostgreSQL refuses to run as root, so when the engine
 * runs as root the server runs as the {@code postgres} system user.
 *
 * <p>TCP clients log in with a password generated at initialisation and kept in an owner-only file
 * beside the data ({@link #PASSWORD_FILE}): any local user can reach 127.0.0.1, and another engine
 * instance (or an operator's psql) is given that file to share this database. The server's own
 * socket, in the private data directory, stays open to its owner for the initial setup.
 */
public final class ManagedPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ManagedPostgres.class);
    private static final String DATABASE = "vireo";
    /** The file under the directory given to {@link #start} that holds the password of the {@code vireo} role. */
    public static final String PASSWORD_FILE = "password";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dataDirectory;
    private final Path binDirectory;
    private final Path passwordFile;
    private final int port;
    private Optional<String> password = Optional.empty();
    private boolean started;

    private ManagedPostgres(Path dataDirectory, Path binDirectory, int port) {
        this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory");
        this.binDirectory = requireNonNull(binDirectory, "binDirectory");
        this.passwordFile = dataDirectory.resolveSibling(PASSWORD_FILE);
        this.port = port;
    }

    /** Starts (initialising if needed) a server whose files live under {@code directory}. */
    public static ManagedPostgres start(Path directory) {
        Path bin = findBinaries();
        ManagedPostgres postgres = new ManagedPostgres(directory.resolve("pgdata"), bin, freePort());
        postgres.startServer();
        return postgres;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return "vireo";
    }

    /** The password of {@link #user()}; empty for a server initialised before passwords (it trusts local TCP clients). */
    public Optional<String> password() {
        return password;
    }

    public int port() {
        return port;
    }

    static Path findBinaries() {
        String configured = System.getenv("VIREO_PG_BIN");
        if (configured != null && Files.isExecutable(Path.of(configured, "pg_ctl"))) {
            return Path.of(configured);
        }
        Path base = Path.of("/usr/lib/postgresql");
        try (var versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(ManagedPostgres::compareVersionDirectories)
                    .orElseThrow(ManagedPostgres::missingBinaries);
        } catch (IOException e) {
            throw missingBinaries();
        }
    }

    private static int compareVersionDirectories(Path a, Path b) {
        return Integer.compare(versionOf(a), versionOf(b));
    }

    private static int versionOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static IllegalStateException missingBinaries() {
        return new IllegalStateException("No PostgreSQL server binaries found under /usr/lib/postgresql: "
                + "install Debian's postgresql package, set VIREO_PG_BIN, or pass --database-url");
    }

    private void startServer() {
        try {
            Path parent = dataDirectory.getParent();
            Files.createDirectories(parent);
            boolean fresh = !Files.exists(dataDirectory.resolve("PG_VERSION"));
            if (fresh) {
                initialise();
            }
            password = readPassword();
            recoverStalePidFile();
            run(List.of(bin("pg_ctl"), "-D", dataDirectory.toString(), "-w", "-t", "60",
                    "-l", parent.resolve("postgresql.log").toString(),
                    "-o", "-p " + port + " -k " + socketDirectory() + " -c listen_addresses=127.0.0.1", "start"));
            started = true;
            if (fresh) {
                // in psql's environment, not on its command line, where any local user could read it
                run(List.of(bin("psql"), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "vireo",
                        "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE " + DATABASE),
                        Map.of("PGPASSWORD", password.orElseThrow()));
            }
            log.info("PostgreSQL {} runs on 127.0.0.1:{} with data in {}", binDirectory.getParent().getFileName(),
                    port, dataDirectory);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    private String socketDirectory() {
        return dataDirectory.toString();
    }

    private void initialise() throws IOException {
        Files.createDirectories(dataDirectory);
        Files.setPosixFilePermissions(dataDirectory, PosixFilePermissions.fromString("rwx------"));
        chownToServerUser(dataDirectory.getParent());
        chownToServerUser(dataDirectory);
        writePassword(generatePassword());
        // initdb reads the password as the server's user; a copy it may read, gone once it has run
        Path initialPassword = dataDirectory.resolveSibling("initdb-password");
        Files.deleteIfExists(initialPassword);
        Files.createFile(initialPassword, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(initialPassword, Files.readString(passwordFile));
        chownToServerUser(initialPassword);
        try {
            run(List.of(bin("initdb"), "-D", dataDirectory.toString(), "-U", "vireo", "--pwfile=" + initialPassword,
                    "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8"));
        } finally {
            Files.deleteIfExists(initialPassword);
        }
    }

    private static String generatePassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void writePassword(String value) throws IOException {
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, value + "\n");
    }

    private Optional<String> readPassword() throws IOException {
        if (!Files.exists(passwordFile)) {
            log.warn("The embedded PostgreSQL in {} was initialised before it had a password: any local user can "
                    + "connect to it on 127.0.0.1", dataDirectory);
            return Optional.empty();
        }
        return Optional.of(Files.readString(passwordFile).strip());
    }

    /** A SIGKILLed engine leaves a server running on an old port, or a pid file with no server. */
    private void recoverStalePidFile() throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return;
        }
        long pid = Long.parseLong(lines.getFirst().trim());
        ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(process -> {
            log.info("Stopping PostgreSQL (pid {}) left running by an earlier engine", pid);
            runQuietly(List.of(bin("pg_ctl"), "-D", dataDirectory.toString(), "-m", "fast", "-w", "stop"));
        });
    }

    private void chownToServerUser(Path path) throws IOException {
        if (isRoot()) {
            run(List.of("chown", "postgres:postgres", path.toString()));
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private String bin(String name) {
        return binDirectory.resolve(name).toString();
    }

    private void run(List<String> command) throws IOException {
        run(command, Map.of());
    }

    private void run(List<String> command, Map<String, String> environment) throws IOException {
        List<String> full = new ArrayList<>();
        if (isRoot() && !command.getFirst().equals("chown")) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    private void runQuietly(List<String> command) {
        try {
            run(command);
        } catch (IOException e) {
            log.warn("{}", e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for PostgreSQL", e);
        }
    }

    @Override
    public void close() {
        if (started) {
            runQuietly(List.of(bin("pg_ctl"), "-D", dataDirectory.toString(), "-m", "fast", "-w", "stop"));
            started = false;
        }
    }
}
