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
 * The CLI's login, kept in $HOME/.config/vireo/session.json (readable by its owner only): the engine's
 * URL, the token, and the engine's CA as accepted at login (none when this machine's own trust
 * store vouches for the engine, or for plain HTTP). Every later call trusts that CA only.
 */
record Session(String url, String token, Optional<X509Certificate> ca) {
    /**
     * VIREO_SESSION_FILE, else vireo/session.json in $XDG_CONFIG_HOME, else in $HOME/.config (the
     * environment's home, as for any command line tool, not the account's home Java would pick).
     */
    static Path file() {
        String override = System.getenv("VIREO_SESSION_FILE");
        if (override != null) {
            return Path.of(override);
        }
        String config = System.getenv("XDG_CONFIG_HOME");
        if (config != null && !config.isBlank()) {
            return Path.of(config, "vireo", "session.json");
        }
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config", "vireo",
                "session.json");
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
