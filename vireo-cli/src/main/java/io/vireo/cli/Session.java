package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

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
        Path file = file();
        if (!Files.exists(file)) {
            throw new IOException("Not logged in: run 'vireo login --url http://ENGINE:8080 --user admin' first");
        }
        JsonNode json = ApiClient.MAPPER.readTree(file.toFile());
        return new Session(json.get("url").asText(), json.get("token").asText());
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
