package io.vireo.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Runs external commands with a deadline. Output goes to temporary files rather than pipes: a
 * command such as {@code libvirtd -d} leaves a daemon behind that may inherit the pipe, and a
 * reader waiting for end-of-file would then wait forever.
 */
final class Commands
{
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Commands() {}

    record Result(List<String> command, int exitCode, String stdout, String stderr)
    {
        Result
        {
            command = List.copyOf(command);
            requireNonNull(stdout, "stdout is null");
            requireNonNull(stderr, "stderr is null");
        }

        boolean succeeded()
        {
            return exitCode == 0;
        }

        Result orThrow()
        {
            if (!succeeded()) {
                throw new CommandFailedException(this);
            }
            return this;
        }
    }

    /** Runs the command and fails unless it exits with 0. */
    static String check(String... command)
    {
        return run(new ProcessBuilder(command), DEFAULT_TIMEOUT).orThrow().stdout();
    }

    static Result run(String... command)
    {
        return run(new ProcessBuilder(command), DEFAULT_TIMEOUT);
    }

    static Result run(Duration timeout, String... command)
    {
        return run(new ProcessBuilder(command), timeout);
    }

    /**
     * Runs the process to completion; on timeout it is killed (with its descendants) and a
     * {@link CommandFailedException} is thrown, so that a hung libvirtd can never hang a test.
     */
    static Result run(ProcessBuilder builder, Duration timeout)
    {
        List<String> command = builder.command();
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("vireo-cmd-", ".out");
            stderr = Files.createTempFile("vireo-cmd-", ".err");
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.redirectOutput(stdout.toFile());
            builder.redirectError(stderr.toFile());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new CommandFailedException(command, "did not finish within " + timeout);
            }
            return new Result(command, process.exitValue(), Files.readString(stdout, UTF_8), Files.readString(stderr, UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException(command, "was interrupted");
        }
        finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    private static void deleteQuietly(Path file)
    {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            }
            catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
