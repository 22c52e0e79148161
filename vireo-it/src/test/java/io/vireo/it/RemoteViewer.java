package io.vireo.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * remote-viewer (Debian's virt-viewer) opening a .vv file on a private Xvfb display, with its debug
 * log in a file the test reads: what a user's viewer does with the engine's connection file.
 */
final class RemoteViewer implements AutoCloseable {
    static final File REMOTE_VIEWER = new File("/usr/bin/remote-viewer");
    static final File XVFB = new File("/usr/bin/Xvfb");

    private final Process xvfb;
    private final Process viewer;
    private final Path log;

    private RemoteViewer(Process xvfb, Process viewer, Path log) {
        this.xvfb = xvfb;
        this.viewer = viewer;
        this.log = log;
    }

    static boolean installed() {
        return REMOTE_VIEWER.canExecute() && XVFB.canExecute();
    }

    /** Starts Xvfb on a display number it picks itself, then remote-viewer on the file. */
    static RemoteViewer open(Path vvFile) throws IOException {
        Process xvfb = new ProcessBuilder(XVFB.getPath(), "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String display;
        try {
            display = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            xvfb.destroyForcibly();
            throw e;
        }
        if (display == null || !display.strip().matches("\\d+")) {
            xvfb.destroyForcibly();
            throw new IOException("Xvfb did not say which display it took");
        }
        Path log = Files.createTempFile("remote-viewer", ".log");
        ProcessBuilder builder = new ProcessBuilder(REMOTE_VIEWER.getPath(), "--debug", vvFile.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DISPLAY", ":" + display.strip());
        try {
            return new RemoteViewer(xvfb, builder.start(), log);
        } catch (IOException e) {
            xvfb.destroyForcibly();
            throw e;
        }
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    boolean running() {
        return viewer.isAlive();
    }

    @Override
    public void close() throws Exception {
        for (Process process : new Process[]{viewer, xvfb}) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(log);
    }
}
