package io.vireo.agent.hypervisor;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (qemu-img, ip) with a deadline, never through a shell. */
public final class ProcessRunner {
    private ProcessRunner() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** What to tell a person when the tool failed: its own words, else the exit code. */
        public String failure() {
            String message = stderr.isBlank() ? stdout.strip() : stderr.strip();
            return message.isEmpty() ? "exit code " + exitCode : message;
        }
    }

    public static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, null);
    }

    /** @param workingDirectory null for the agent's own */
    public static Result run(List<String> command, Duration timeout, Path workingDirectory) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            process = builder.start();
        }
        catch (IOException e) {
            throw new HypervisorException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        // Both pipes drained concurrently: a tool that fills one while we wait on the other would hang.
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new HypervisorException(String.join(" ", command) + " did not finish within " + timeout.toMillis() + " ms", null);
            }
            return new Result(process.exitValue(), stdout.get(), stderr.get());
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HypervisorException(command.getFirst() + " was interrupted", e);
        }
        catch (ExecutionException e) {
            throw new HypervisorException("cannot read the output of " + command.getFirst() + ": " + e.getCause().getMessage(), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            }
            catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
