package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.Pem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's login, kept in ~/.config/vireo/session.json (readable by its owner only): the engine's
 * URL, the token, and the engine's CA as accepted at login (none when this machine's own trust
 * store vouches for the engine, or for plain HTTP). Every later call trusts that CA only.
 */
record Session(String url, String token, Optional<X509Certificate> ca) {
    static Path file() {
        String override = System.getenv("VIREO_SESSION_FILE");
        return override != null ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".config", "vireo", "session.json");
    }

    /** The saved session, or VIREO_URL and VIREO_TOKEN (with VIREO_CA_FILE, the engine's CA as PEM) when both are set. */
    static Session load() throws IOException {
        String url = System.getenv("VIREO_URL");
        String token = System.getenv("VIREO_TOKEN");
        if (url != null && token != null) {
            String caFile = System.getenv("VIREO_CA_FILE");
            return new Session(url, token, caFile == null ? Optional.empty()
                    : Optional.of(Pem.readCertificate(Files.readString(Path.of(caFile)))));
        }
        return saved().orElseThrow(() -> new IOException(
                "Not logged in: run 'vireo login --url https://ENGINE:8080 --user admin' first"));
    }

    /** The session kept in the file, if there is one (the environment's VIREO_URL and VIREO_TOKEN aside). */
    static Optional<Session> saved() throws IOException {
        Path file = file();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode json = ApiClient.MAPPER.readTree(file.toFile());
        JsonNode ca = json.path("caCertificate");
        return Optional.of(new Session(json.get("url").asText(), json.get("token").asText(),
                ca.isTextual() ? Optional.of(Pem.readCertificate(ca.asText())) : Optional.empty()));
    }

    /** Removes the session file; answers whether there was one. */
    static boolean forget() throws IOException {
        return Files.deleteIfExists(file());
    }

    void save() throws IOException {
        Path file = file();
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Map<String, String> json = new LinkedHashMap<>();
        json.put("url", url);
        json.put("token", token);
        ca.ifPresent(certificate -> json.put("caCertificate", Pem.write(certificate)));
        ApiClient.MAPPER.writeValue(file.toFile(), json);
    }

    ApiClient client() {
        return new ApiClient(url, token, ca);
    }
}
