package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real OpenStack client (Debian's python3-openstackclient) against the lab's engine: it discovers the
 * identity API, gets a token for a password (given in the environment only, never on a command line), scoped
 * to the user's personal project or to one of its groups, lists the catalog and the user's projects, and
 * revokes a token; the token is a Vireo bearer token too; a wrong password is the client's clear refusal.
 */
class OpenStackIdentityIT extends LabTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PASSWORD = "openstack-it-password";
    private static String userId;
    private static String groupId;
    private static Path home;

    @BeforeAll
    static void aUserInAGroup() throws IOException {
        userId = api.post("/api/users", Map.of("name", "os-alice", "password", PASSWORD)).body().get("id").asText();
        groupId = api.post("/api/groups", Map.of("name", "os-team")).body().get("id").asText();
        assertThat(api.post("/api/groups/" + groupId + "/members", Map.of("userId", userId)).status()).isEqualTo(200);
        home = Files.createTempDirectory("openstack-client-home");
    }

    @AfterAll
    static void removeTheGroup() throws IOException {
        if (groupId != null) {
            api.delete("/api/groups/" + groupId);
        }
        if (home != null) {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    @Test
    void theClientGetsATokenForTheUsersProjectThatOpensVireosApiToo() throws Exception {
        Result issued = openstack(Map.of("OS_PROJECT_NAME", "os-alice"), "token", "issue", "-f", "json");
        assertThat(issued.exit()).as(issued.toString()).isZero();
        JsonNode token = MAPPER.readTree(issued.out());
        assertThat(token.get("user_id").asText()).isEqualTo(userId);
        assertThat(token.get("project_id").asText()).as("the personal project has the user's id").isEqualTo(userId);
        // the client prints the expiry in UTC, in a format of its own: its date and time are enough
        Instant expires = LocalDateTime.parse(token.get("expires").asText().substring(0, 19).replace(' ', 'T'))
                .toInstant(ZoneOffset.UTC);
        assertThat(expires).isAfter(Instant.now().plus(Duration.ofHours(7)));
        String id = token.get("id").asText();

        for (String header : List.of("Authorization", "X-Auth-Token")) {
            HttpResponse<String> me = api.http().send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/me"))
                    .header(header, header.equals("Authorization") ? "Bearer " + id : id).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(me.statusCode()).as(header + ": " + me.body()).isEqualTo(200);
            assertThat(MAPPER.readTree(me.body()).get("name").asText()).isEqualTo("os-alice");
        }

        Result revoked = openstack(Map.of("OS_PROJECT_NAME", "os-alice"), "token", "revoke", id);
        assertThat(revoked.exit()).as(revoked.toString()).isZero();
        assertThat(api.withToken("GET", "/api/me", id).status()).isEqualTo(401);
    }

    @Test
    void theClientScopesToAGroupAndListsTheCatalogAndItsProjects() throws Exception {
        Result issued = openstack(Map.of("OS_PROJECT_NAME", "os-team"), "token", "issue", "-f", "json");
        assertThat(issued.exit()).as(issued.toString()).isZero();
        assertThat(MAPPER.readTree(issued.out()).get("project_id").asText()).isEqualTo(groupId);

        Result catalog = openstack(Map.of("OS_PROJECT_NAME", "os-team"), "catalog", "list", "-f", "json");
        assertThat(catalog.exit()).as(catalog.toString()).isZero();
        JsonNode services = MAPPER.readTree(catalog.out());
        JsonNode identity = null;
        for (JsonNode service : services) {
            if (service.get("Type").asText().equals("identity")) {
                identity = service;
            }
        }
        assertThat(identity).as(catalog.out()).isNotNull();
        assertThat(identity.get("Name").asText()).isEqualTo("keystone");
        assertThat(identity.get("Endpoints").toString()).contains("RegionOne", "public", authUrl());

        Result projects = openstack(Map.of("OS_PROJECT_NAME", "os-alice"), "project", "list", "--my-projects", "-f", "json");
        assertThat(projects.exit()).as(projects.toString()).isZero();
        List<String> names = new ArrayList<>();
        MAPPER.readTree(projects.out()).forEach(project -> names.add(project.get("Name").asText()));
        assertThat(names).containsExactlyInAnyOrder("os-alice", "os-team");
    }

    @Test
    void aWrongPasswordIsTheClientsClearRefusal() throws Exception {
        Result refused = openstack(Map.of("OS_PROJECT_NAME", "os-alice", "OS_PASSWORD", "not-the-password"),
                "token", "issue", "-f", "json");
        assertThat(refused.exit()).as(refused.toString()).isNotZero();
        // the client prints the message of Keystone's error shape
        assertThat(refused.err()).contains("The username or password is wrong (HTTP 401)");
        assertThat(refused.out()).isEmpty();

        Result foreign = openstack(Map.of("OS_PROJECT_NAME", "admin"), "token", "issue", "-f", "json");
        assertThat(foreign.exit()).as("another user's project: " + foreign).isNotZero();
        assertThat(foreign.err()).contains("User os-alice has no project admin", "(HTTP 401)");
        assertThat(lab.engine().logText()).doesNotContain(PASSWORD, "not-the-password");
    }

    private static String authUrl() {
        return "https://" + lab.lab().rootAddress() + ":" + URI.create(api.baseUrl()).getPort() + "/identity/v3";
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs {@code openstack} with the password in its environment (never its arguments), trusting the engine's CA. */
    private static Result openstack(Map<String, String> overrides, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openstack", "--os-cacert", lab.caFile().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("OS_"));
        Map<String, String> os = new HashMap<>(Map.of("OS_AUTH_URL", authUrl(), "OS_IDENTITY_API_VERSION", "3",
                "OS_USERNAME", "os-alice", "OS_PASSWORD", PASSWORD, "OS_USER_DOMAIN_NAME", "Default",
                "OS_PROJECT_DOMAIN_NAME", "Default", "OS_REGION_NAME", "RegionOne"));
        os.putAll(overrides);
        environment.putAll(os);
        environment.put("HOME", home.toString());
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("openstack " + String.join(" ", arguments) + " did not end in 180 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(),
                Files.readString(err, StandardCharsets.UTF_8).strip());
    }
}
