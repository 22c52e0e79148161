package io.vireo.agent.network;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host's tools, never through a shell, with a deadline. Output goes to temporary files, not
 * pipes: dnsmasq forks a daemon that could inherit a pipe, and a reader would wait for its end forever.
 * A prefix (empty for the agent) runs every command somewhere else, e.g. {@code nsenter --target PID --net
 * --mount --} for a simulated host in a test.
 */
public final class ProcessHostCommands implements HostCommands {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final List<String> prefix;

    public ProcessHostCommands() {
        this(List.of());
    }

    public ProcessHostCommands(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    @Override
    public String read(List<String> command) {
        return run(command, null);
    }

    @Override
    public void change(List<String> command, String input) {
        run(command, input);
    }

    @Override
    public Optional<String> commandLine(long pid) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return bytes.length == 0 ? Optional.empty()
                    : Optional.of(new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ').strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String run(List<String> command, String input) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        Path in = null;
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("vireo-overlay-", ".out");
            err = Files.createTempFile("vireo-overlay-", ".err");
            ProcessBuilder builder = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (input != null) {
                in = Files.createTempFile("vireo-overlay-", ".in");
                Files.writeString(in, input);
                builder.redirectInput(in.toFile());
            } else {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new NetworkException(String.join(" ", command) + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            String stdout = Files.readString(out);
            if (process.exitValue() != 0) {
                String stderr = Files.readString(err).strip();
                throw new NetworkException(String.join(" ", command) + " failed: "
                        + (stderr.isEmpty() ? stdout.strip().isEmpty() ? "exit code " + process.exitValue() : stdout.strip() : stderr));
            }
            return stdout;
        } catch (IOException e) {
            throw new NetworkException("cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException(command.getFirst() + " was interrupted");
        } finally {
            for (Path path : new Path[] {in, out, err}) {
                if (path != null) {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException ignored) {
                        // a temporary file left behind is harmless
                    }
                }
            }
        }
    }
}
