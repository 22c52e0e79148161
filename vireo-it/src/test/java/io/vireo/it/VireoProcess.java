package io.vireo.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@code vireo} process (engine or agent) started the way an operator starts one, with its log in a file. */
final class VireoProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private VireoProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static List<String> javaCommand(List<String> arguments) throws IOException {
        String classpath = Files.readString(Path.of(System.getProperty("vireo.cli.classpath.file"))).strip();
        String jar = System.getProperty("vireo.cli.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "--enable-native-access=ALL-UNNAMED",
                "-cp", jar + ":" + classpath, "io.vireo.cli.Main"));
        command.addAll(arguments);
        return command;
    }

    static VireoProcess start(String name, List<String> prefix, List<String> arguments, Path log, Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(javaCommand(arguments));
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return new VireoProcess(name, builder.start(), log);
    }

    /** Starts a command of one's own (e.g. bin/vireo through nsenter) in a directory, with its log in a file. */
    static VireoProcess startCommand(String name, List<String> command, Path directory, Path log, Map<String, String> environment)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return new VireoProcess(name, builder.start(), log);
    }

    /** Runs a vireo command to its end and answers its output; fails the test if it fails. */
    static String run(List<String> prefix, List<String> arguments, Duration timeout) throws IOException, InterruptedException {
        return run(prefix, arguments, timeout, Map.of());
    }

    /** The same with more environment variables (e.g. VIREO_URL and VIREO_TOKEN for the client verbs). */
    static String run(List<String> prefix, List<String> arguments, Duration timeout, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(javaCommand(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("vireo " + arguments + " failed: " + output);
        }
        return output;
    }

    /** Runs a vireo command that must fail, and answers what it printed. */
    static String runExpectingFailure(List<String> prefix, List<String> arguments, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(javaCommand(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("vireo " + arguments + " did not end: " + output);
        }
        if (process.exitValue() == 0) {
            throw new IllegalStateException("vireo " + arguments + " succeeded but should have failed: " + output);
        }
        return output;
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL: no shutdown hook runs, as when a machine loses power. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
