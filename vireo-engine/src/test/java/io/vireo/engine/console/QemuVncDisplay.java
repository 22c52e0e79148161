package io.vireo.engine.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real QEMU (no guest: {@code -machine none}) whose only job is a VNC server on 127.0.0.1 with a
 * password, with or without TLS; its QMP on stdin/stdout tells the port it took.
 */
final class QemuVncDisplay implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;

    private QemuVncDisplay(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param pkiDirectory QEMU's x509 directory (ca-cert.pem, server-cert.pem, server-key.pem), or empty for
     *     plain VNC with a password
     */
    static QemuVncDisplay start(Optional<Path> pkiDirectory, String password, Path work) throws Exception {
        Path secret = work.resolve("vnc-password");
        Files.writeString(secret, password);
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "none", "-nodefaults",
                "-display", "none", "-qmp", "stdio",
                "-object", "secret,id=vncpw,file=" + secret));
        String vnc = "127.0.0.1:0,to=2000,password-secret=vncpw";
        if (pkiDirectory.isPresent()) {
            command.addAll(List.of("-object", "tls-creds-x509,id=vnctls,dir=" + pkiDirectory.get()
                    + ",endpoint=server,verify-peer=on"));
            vnc += ",tls-creds=vnctls";
        }
        command.addAll(List.of("-vnc", vnc));
        Process process = new ProcessBuilder(command).redirectError(work.resolve("qemu.log").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            OutputStream in = process.getOutputStream();
            int port = CompletableFuture.supplyAsync(() -> {
                try {
                    in.write("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-vnc\"}\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                    String line;
                    while ((line = out.readLine()) != null) {
                        JsonNode answer = JSON.readTree(line).path("return");
                        if (answer.has("service")) {
                            return Integer.parseInt(answer.get("service").asText());
                        }
                    }
                    throw new IllegalStateException("QEMU ended before it told its VNC port: "
                            + Files.readString(work.resolve("qemu.log")));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).get(30, TimeUnit.SECONDS);
            return new QemuVncDisplay(process, port);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
