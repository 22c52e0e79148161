package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/** The CLI's login, kept in ~/.config/vireo/session.json (readable by its owner only). */
record Session(String url, String token) {
    static Path file() {
        String override = System.getenv("VIREO_SESSION_FILE");
        return override != null ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".config", "vireo", "session.json");
    }

    static Session load() throws IOException {
        String url = System.getenv("VIREO_URL");
        String token = System.getenv("VIREO_TOKEN");
        if (url != null && token != null) {
            return new Session(url, token);
        }
        return saved().orElseThrow(() -> new IOException("Not logged in: run 'vireo login --url http://ENGINE:8080 --user admin' first"));
    }

    /** The session kept in the file, if there is one (the environment's VIREO_URL and VIREO_TOKEN aside). */
    static Optional<Session> saved() throws IOException {
        Path file = file();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode json = ApiClient.MAPPER.readTree(file.toFile());
        return Optional.of(new Session(json.get("url").asText(), json.get("token").asText()));
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
        ApiClient.MAPPER.writeValue(file.toFile(), Map.of("url", url, "token", token));
    }

    ApiClient client() {
        return new ApiClient(url, token);
    }
}
