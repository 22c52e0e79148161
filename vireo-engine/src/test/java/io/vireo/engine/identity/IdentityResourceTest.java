package io.vireo.engine.identity;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.auth.AuthResource;
import io.vireo.engine.auth.AuthService;
import io.vireo.engine.auth.LoginLimits;
import io.vireo.engine.auth.PasswordHasher;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.auth.RoleService;
import io.vireo.engine.auth.UserDirectory;
import io.vireo.engine.common.Principal;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.Group;
import io.vireo.model.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenStack's identity API on the engine's real HTTP edge and a real PostgreSQL: the version documents, tokens
 * for every way the openstack client names a user and a project, the token document and catalog, the project
 * mapping, validation and revocation, and every refusal in Keystone's error shape (never a 500), with no
 * password or token in the log.
 */
class IdentityResourceTest {
    private static final String PUBLIC_URL = "https://vireo.example:8443";
    private static final String PASSWORD = "correct horse battery";
    private static final String ADMIN_PASSWORD = "admin horse battery";

    private final Database database = TestDatabase.fresh();
    private final PasswordHasher hasher = new PasswordHasher(1024, 1);
    private final AuthService auth = new AuthService(database.jdbi(), hasher, Clock.systemUTC(), new LoginLimits(3, 1000));
    private final UserDirectory directory;
    private final PermissionService permissions = new PermissionService(database.jdbi());
    private final ApiServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final String aliceId;
    private final String bobId;
    private final String opsId;
    private final String devId;

    IdentityResourceTest() {
        new RoleService(database.jdbi()).ensureBuiltIns();
        auth.ensureAdmin(Optional.of(ADMIN_PASSWORD));
        directory = new UserDirectory(database.jdbi(), hasher, new EventLog(database.jdbi()));
        aliceId = directory.create(new User.Create("alice", PASSWORD, null, null)).id();
        bobId = directory.create(new User.Create("bob", PASSWORD, null, null)).id();
        Principal admin = auth.principalForToken(auth.login("password", "admin", ADMIN_PASSWORD, "10.0.0.1").access_token())
                .orElseThrow();
        Group ops = directory.createGroup(new Group.Create("ops", "Operations"));
        Group dev = directory.createGroup(new Group.Create("dev", null));
        opsId = ops.id();
        devId = dev.id();
        directory.addMember(UUID.fromString(opsId), aliceId, admin);
        directory.addMember(UUID.fromString(devId), bobId, admin);
        OpenStackService volumes = () -> List.of(new ServiceEndpoint("volumev3", "cinderv3", "/volume/v3/{project_id}"),
                new ServiceEndpoint("image", "glance", "/image/v2"));
        IdentityService identity = new IdentityService(auth, directory, permissions,
                List.of(() -> List.of(new ServiceEndpoint("network", "neutron", "/networking")), volumes), () -> PUBLIC_URL);
        server = new ApiServer("127.0.0.1", 0, auth::principalForToken, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(new AuthResource(auth), new IdentityResource(identity),
                        routes -> routes.get("/api/whoami", "The caller's name", ctx -> ctx.result(ApiServer.user(ctx)))),
                "test", Optional.empty());
        server.start();
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void close() {
        root.detachAppender(log);
        server.close();
        database.close();
    }

    @Test
    void theVersionDocumentsPointAtThePublicUrl() throws Exception {
        HttpResponse<String> root = send("GET", "/identity", Map.of(), null);
        assertThat(root.statusCode()).isEqualTo(300);
        JsonNode version = json(root).at("/versions/values/0");
        assertThat(version.get("id").asText()).isEqualTo("v3.14");
        assertThat(version.get("status").asText()).isEqualTo("stable");
        assertThat(version.at("/links/0/rel").asText()).isEqualTo("self");
        assertThat(version.at("/links/0/href").asText()).isEqualTo(PUBLIC_URL + "/identity/v3/");
        for (String path : List.of("/identity/v3", "/identity/v3/")) {
            HttpResponse<String> v3 = send("GET", path, Map.of(), null);
            assertThat(v3.statusCode()).as(path).isEqualTo(200);
            assertThat(json(v3).get("version")).isEqualTo(version);
        }
    }

    @Test
    void aPasswordGivesAProjectScopedTokenThatIsAlsoAVireoBearerToken() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        HttpResponse<String> issued = issue(byName("alice", PASSWORD), projectByName("alice"));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String token = issued.headers().firstValue("X-Subject-Token").orElseThrow();
        JsonNode body = json(issued).get("token");
        assertThat(body.get("methods")).containsExactly(ApiServer.MAPPER.valueToTree("password"));
        assertThat(body.at("/user/id").asText()).isEqualTo(aliceId);
        assertThat(body.at("/user/name").asText()).isEqualTo("alice");
        assertThat(body.at("/user/domain/id").asText()).isEqualTo("default");
        assertThat(body.at("/user/domain/name").asText()).isEqualTo("Default");
        assertThat(body.at("/project/id").asText()).isEqualTo(aliceId);
        assertThat(body.at("/project/name").asText()).isEqualTo("alice");
        assertThat(body.at("/project/domain/id").asText()).isEqualTo("default");
        assertThat(body.get("is_domain").asBoolean(true)).isFalse();
        assertThat(names(body.get("roles"))).containsExactly("member", "reader");
        assertThat(body.get("audit_ids")).hasSize(1);
        assertThat(body.get("audit_ids").get(0).asText()).isNotIn(token).hasSize(22);
        Instant issuedAt = Instant.parse(body.get("issued_at").asText());
        Instant expiresAt = Instant.parse(body.get("expires_at").asText());
        assertThat(body.get("expires_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(issuedAt).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(Duration.between(issuedAt, expiresAt)).isEqualTo(Duration.ofHours(8));

        JsonNode catalog = body.get("catalog");
        assertThat(StreamSupport.stream(catalog.spliterator(), false).map(s -> s.get("type").asText()))
                .containsExactly("identity", "network", "volumev3", "image");
        assertThat(endpoint(catalog, "identity", "public")).isEqualTo(PUBLIC_URL + "/identity/v3");
        assertThat(endpoint(catalog, "network", "public")).isEqualTo(PUBLIC_URL + "/networking");
        assertThat(endpoint(catalog, "volumev3", "public")).isEqualTo(PUBLIC_URL + "/volume/v3/" + aliceId);
        assertThat(endpoint(catalog, "image", "internal")).isEqualTo(PUBLIC_URL + "/image/v2");
        JsonNode identityEndpoint = catalog.get(0).get("endpoints").get(0);
        assertThat(identityEndpoint.get("region_id").asText()).isEqualTo("RegionOne");
        assertThat(identityEndpoint.get("region").asText()).isEqualTo("RegionOne");
        assertThat(identityEndpoint.get("id").asText()).matches("[0-9a-f]{32}");

        assertThat(whoami("Authorization", "Bearer " + token).body()).isEqualTo("alice");
        assertThat(whoami("X-Auth-Token", token).body()).isEqualTo("alice");
        assertThat(whoami("X-Auth-Token", token + "x").statusCode()).isEqualTo(401);
        assertNoSecretLogged(token);
    }

    @Test
    void everyWayTheClientNamesAUserAndAProjectWorks() throws Exception {
        String byId = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"id\": \"" + aliceId
                + "\", \"password\": \"" + PASSWORD + "\"}}}, \"scope\": {\"project\": {\"id\": \"" + opsId + "\"}}}}";
        JsonNode token = json(post(byId)).get("token");
        assertThat(token.at("/user/name").asText()).isEqualTo("alice");
        assertThat(token.at("/project/id").asText()).isEqualTo(opsId);
        assertThat(token.at("/project/name").asText()).isEqualTo("ops");

        String domainIds = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"alice\", "
                + "\"domain\": {\"id\": \"default\"}, \"password\": \"" + PASSWORD + "\"}}}, \"scope\": {\"project\": {\"name\": \"ops\", "
                + "\"domain\": {\"id\": \"default\"}}}}}";
        assertThat(json(post(domainIds)).at("/token/project/id").asText()).isEqualTo(opsId);

        for (String scope : List.of("", ", \"scope\": \"unscoped\"")) {
            HttpResponse<String> unscoped = post("{\"auth\": {\"identity\": " + byName("alice", PASSWORD) + scope + "}}");
            assertThat(unscoped.statusCode()).as(unscoped.body()).isEqualTo(201);
            JsonNode body = json(unscoped).get("token");
            assertThat(body.at("/user/id").asText()).isEqualTo(aliceId);
            assertThat(body.has("project")).isFalse();
            assertThat(body.has("catalog")).isFalse();
            assertThat(body.has("roles")).isFalse();
            assertThat(body.has("expires_at")).isTrue();
        }

        JsonNode admin = json(issue(byName("admin", ADMIN_PASSWORD), projectByName("admin"))).get("token");
        assertThat(names(admin.get("roles"))).containsExactly("admin", "member", "reader");
    }

    @Test
    void everyBadRequestIsRefusedInKeystonesShape() throws Exception {
        String user = byName("alice", PASSWORD);
        Map<String, Integer> refusals = new java.util.LinkedHashMap<>();
        refusals.put(tokenBody(byName("alice", "not the password"), projectByName("alice")), 401);
        refusals.put(tokenBody(byName("nobody", PASSWORD), projectByName("nobody")), 401);
        refusals.put(tokenBody(byName("alice", PASSWORD).replace("Default", "Other"), projectByName("alice")), 401);
        refusals.put(tokenBody(user, projectByName("nowhere")), 401);
        refusals.put(tokenBody(user, projectByName("dev")), 401);
        refusals.put(tokenBody(user, projectByName("bob")), 401);
        refusals.put(tokenBody(user, "{\"project\": {\"id\": \"" + devId + "\"}}"), 401);
        refusals.put(tokenBody(user, "{\"project\": {\"id\": \"not-an-id\"}}"), 401);
        refusals.put(tokenBody(user, "{\"project\": {\"name\": \"alice\", \"domain\": {\"name\": \"Other\"}}}"), 401);
        refusals.put(tokenBody(user, "{\"project\": {\"name\": \"alice\"}}"), 400);
        refusals.put(tokenBody(user, "{\"project\": {}}"), 400);
        refusals.put(tokenBody(user, "{\"system\": {\"all\": true}}"), 400);
        refusals.put(tokenBody(user, "{\"domain\": {\"id\": \"default\"}}"), 400);
        refusals.put(tokenBody(user, "\"everything\""), 400);
        refusals.put(tokenBody(user, "{\"project\": \"alice\"}"), 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"x\"}}}}", 401);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\", \"totp\"]}}}", 401);
        refusals.put("{\"auth\": {\"identity\": {\"password\": {\"user\": {\"name\": \"alice\"}}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [], \"password\": {}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": \"password\"}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [1]}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"]}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": \"alice\"}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"password\": \"x\"}}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"alice\", "
                + "\"password\": \"x\"}}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"alice\", "
                + "\"domain\": {\"name\": \"Default\"}}}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"alice\", "
                + "\"domain\": {\"name\": \"Default\"}, \"password\": 42}}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"alice\", "
                + "\"domain\": \"Default\", \"password\": \"x\"}}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"alice\", "
                + "\"domain\": {}, \"password\": \"x\"}}}}}", 400);
        refusals.put("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"\", "
                + "\"domain\": {\"name\": \"Default\"}, \"password\": \"x\"}}}}}", 400);
        refusals.put("{\"auth\": {}}", 400);
        refusals.put("{\"auth\": []}", 400);
        refusals.put("{}", 400);
        refusals.put("[]", 400);
        refusals.put("null", 400);
        refusals.put("{\"auth\": ", 400);
        refusals.put("", 400);
        List<String> wrong = new ArrayList<>();
        for (var refusal : refusals.entrySet()) {
            HttpResponse<String> answer = post(refusal.getKey());
            JsonNode error = answer.body().isEmpty() ? null : json(answer).get("error");
            if (answer.statusCode() != refusal.getValue() || error == null || !error.isObject()
                    || error.get("code").asInt() != refusal.getValue() || error.get("title").asText().isEmpty()
                    || error.get("message").asText().isBlank() || answer.headers().firstValue("X-Subject-Token").isPresent()) {
                wrong.add(answer.statusCode() + " " + answer.body() + " for " + refusal.getKey());
            }
        }
        assertThat(wrong).isEmpty();
        HttpResponse<String> wrongPassword = issue(byName("alice", "not the password"), projectByName("alice"));
        HttpResponse<String> unknownUser = issue(byName("nobody", PASSWORD), projectByName("nobody"));
        assertThat(json(wrongPassword).at("/error/title").asText()).isEqualTo("Unauthorized");
        assertThat(json(wrongPassword).get("error")).isEqualTo(json(unknownUser).get("error"));
        assertNoSecretLogged("not the password");
    }

    @Test
    void failedPasswordsCountAsOnVireosOwnLoginAndTheUserKeepsAtMostItsTokens() throws Exception {
        String first = tokenOf("bob", PASSWORD, "bob");
        String second = tokenOf("bob", PASSWORD, "dev");
        tokenOf("bob", PASSWORD, "bob");
        assertThat(whoami("X-Auth-Token", first).statusCode()).isEqualTo(200);
        tokenOf("bob", PASSWORD, "bob");
        assertThat(whoami("X-Auth-Token", first).statusCode()).as("the oldest of 4 tokens, 3 allowed").isEqualTo(401);
        assertThat(whoami("X-Auth-Token", second).statusCode()).isEqualTo(200);

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> oauth = send("POST", "/sso/oauth/token", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    "grant_type=password&username=alice&password=wrong");
            assertThat(oauth.statusCode()).isEqualTo(400);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(issue(byName("alice", "wrong"), projectByName("alice")).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> delayed = issue(byName("alice", PASSWORD), projectByName("alice"));
        assertThat(delayed.statusCode()).isEqualTo(429);
        assertThat(delayed.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(delayed).at("/error/title").asText()).isEqualTo("Too Many Requests");
        assertThat(json(delayed).at("/error/message").asText()).contains("Too many failed logins as alice");
    }

    @Test
    void aTokenIsValidatedAndRevokedByItsUserOrASuperUser() throws Exception {
        String alice = tokenOf("alice", PASSWORD, "ops");
        String aliceAgain = tokenOf("alice", PASSWORD, "alice");
        String bob = tokenOf("bob", PASSWORD, "bob");
        String admin = tokenOf("admin", ADMIN_PASSWORD, "admin");

        HttpResponse<String> valid = send("GET", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", aliceAgain,
                "X-Subject-Token", alice), null);
        assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
        assertThat(json(valid).at("/token/project/id").asText()).isEqualTo(opsId);
        assertThat(json(valid).at("/token/user/id").asText()).isEqualTo(aliceId);
        assertThat(send("HEAD", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", alice, "X-Subject-Token", alice), null)
                .statusCode()).isEqualTo(200);
        assertThat(send("GET", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", admin, "X-Subject-Token", alice), null)
                .statusCode()).isEqualTo(200);
        assertKeystoneError(send("GET", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", bob, "X-Subject-Token", alice), null), 403);
        assertKeystoneError(send("GET", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", bob), null), 400);
        assertKeystoneError(send("GET", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", bob, "X-Subject-Token", "made-up"),
                null), 404);
        assertKeystoneError(send("GET", "/identity/v3/auth/tokens", Map.of("X-Subject-Token", alice), null), 401);
        assertKeystoneError(send("DELETE", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", bob, "X-Subject-Token", alice),
                null), 403);

        assertThat(send("DELETE", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", aliceAgain, "X-Subject-Token", alice), null)
                .statusCode()).isEqualTo(204);
        assertThat(whoami("X-Auth-Token", alice).statusCode()).isEqualTo(401);
        assertKeystoneError(send("GET", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", aliceAgain, "X-Subject-Token", alice),
                null), 404);
        assertThat(whoami("X-Auth-Token", aliceAgain).body()).isEqualTo("alice");
    }

    @Test
    void aTokenScopedToAGroupEndsWhenItsUserLeavesTheGroup() throws Exception {
        String ops = tokenOf("alice", PASSWORD, "ops");
        String own = tokenOf("alice", PASSWORD, "alice");
        Principal admin = auth.principalForToken(tokenOf("admin", ADMIN_PASSWORD, "admin")).orElseThrow();
        directory.removeMember(UUID.fromString(opsId), UUID.fromString(aliceId), admin);
        assertKeystoneError(send("GET", "/identity/v3/auth/tokens", Map.of("X-Auth-Token", own, "X-Subject-Token", ops), null), 404);
        assertKeystoneError(issue(byName("alice", PASSWORD), projectByName("ops")), 401);
    }

    @Test
    void theProjectsOfAUserAreItsOwnAndItsGroups() throws Exception {
        String alice = tokenOf("alice", PASSWORD, "alice");
        String admin = tokenOf("admin", ADMIN_PASSWORD, "admin");
        for (String path : List.of("/identity/v3/auth/projects", "/identity/v3/users/" + aliceId + "/projects",
                "/identity/v3/projects")) {
            HttpResponse<String> projects = send("GET", path, Map.of("X-Auth-Token", alice), null);
            assertThat(projects.statusCode()).as(path + projects.body()).isEqualTo(200);
            JsonNode list = json(projects).get("projects");
            assertThat(names(list)).as(path).containsExactly("alice", "ops");
            assertThat(list.get(0).get("id").asText()).isEqualTo(aliceId);
            assertThat(list.get(1).get("id").asText()).isEqualTo(opsId);
            assertThat(list.get(1).get("description").asText()).isEqualTo("Operations");
            assertThat(list.get(1).get("domain_id").asText()).isEqualTo("default");
            assertThat(json(projects).at("/links/self").asText()).isEqualTo(PUBLIC_URL + path);
            assertThat(json(projects).at("/links/next").isNull()).isTrue();
        }
        assertThat(names(json(send("GET", "/identity/v3/projects?name=ops", Map.of("X-Auth-Token", alice), null)).get("projects")))
                .containsExactly("ops");
        assertThat(json(send("GET", "/identity/v3/projects/" + opsId, Map.of("X-Auth-Token", alice), null)).at("/project/name")
                .asText()).isEqualTo("ops");
        assertKeystoneError(send("GET", "/identity/v3/projects/" + devId, Map.of("X-Auth-Token", alice), null), 404);
        assertKeystoneError(send("GET", "/identity/v3/users/" + bobId + "/projects", Map.of("X-Auth-Token", alice), null), 403);
        assertThat(names(json(send("GET", "/identity/v3/users/" + bobId + "/projects", Map.of("X-Auth-Token", admin), null))
                .get("projects"))).containsExactly("bob", "dev");
        assertKeystoneError(send("GET", "/identity/v3/users/not-an-id/projects", Map.of("X-Auth-Token", admin), null), 404);
        assertKeystoneError(send("GET", "/identity/v3/auth/projects", Map.of(), null), 401);
    }

    @Test
    void theCatalogOfAScopedTokenAndNoneForAnUnscopedOne() throws Exception {
        String scoped = tokenOf("alice", PASSWORD, "ops");
        JsonNode catalog = json(send("GET", "/identity/v3/auth/catalog", Map.of("X-Auth-Token", scoped), null)).get("catalog");
        assertThat(endpoint(catalog, "volumev3", "public")).isEqualTo(PUBLIC_URL + "/volume/v3/" + opsId);
        String unscoped = post("{\"auth\": {\"identity\": " + byName("alice", PASSWORD) + "}}").headers()
                .firstValue("X-Subject-Token").orElseThrow();
        assertThat(json(send("GET", "/identity/v3/auth/catalog", Map.of("X-Auth-Token", unscoped), null)).get("catalog")).isEmpty();
    }

    @Test
    void unknownIdentityPathsAnswerInKeystonesShapeAndTheRestInVireos() throws Exception {
        assertKeystoneError(send("GET", "/identity/v3/domains", Map.of(), null), 404);
        assertKeystoneError(send("PUT", "/identity/v3/auth/tokens", Map.of(), "{}"), 404);
        HttpResponse<String> vireo = send("GET", "/api/nothing", Map.of("Authorization", "Bearer "
                + tokenOf("alice", PASSWORD, "alice")), null);
        assertThat(vireo.statusCode()).isEqualTo(404);
        assertThat(json(vireo).get("error").asText()).isEqualTo("NOT_FOUND");
        HttpResponse<String> unauthenticated = send("GET", "/api/whoami", Map.of(), null);
        assertThat(json(unauthenticated).get("error").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(json(unauthenticated).get("message").asText()).contains("X-Auth-Token");
    }

    private void assertKeystoneError(HttpResponse<String> answer, int status) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode error = json(answer).get("error");
        assertThat(error.isObject()).as(answer.body()).isTrue();
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("title").asText()).isEqualTo(Keystone.title(status));
        assertThat(error.get("message").asText()).isNotBlank();
    }

    private void assertNoSecretLogged(String... secrets) {
        List<String> all = new ArrayList<>(List.of(PASSWORD, ADMIN_PASSWORD));
        all.addAll(List.of(secrets));
        // Vireo's own lines at every level, the libraries' from INFO (the engine runs Jetty at WARN; its DEBUG dumps headers)
        List<ILoggingEvent> events;
        synchronized (log) { // AppenderBase appends under the appender's lock; other threads log while the test reads
            events = List.copyOf(log.list);
        }
        for (ILoggingEvent event : events.stream().filter(e -> e.getLoggerName().startsWith("io.vireo")
                || e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO)).toList()) {
            String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            for (String secret : all) {
                assertThat(text).as("a log line").doesNotContain(secret);
            }
        }
        assertThat(events).as("the logins are logged").anyMatch(e -> e.getFormattedMessage().contains("logged in")
                || e.getFormattedMessage().contains("Failed login"));
    }

    private String tokenOf(String user, String password, String project) throws Exception {
        HttpResponse<String> issued = issue(byName(user, password), projectByName(project));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        return issued.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    private static String byName(String user, String password) {
        return "{\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"" + user + "\", \"domain\": {\"name\": "
                + "\"Default\"}, \"password\": \"" + password + "\"}}}";
    }

    private static String projectByName(String project) {
        return "{\"project\": {\"name\": \"" + project + "\", \"domain\": {\"name\": \"Default\"}}}";
    }

    private static String tokenBody(String identity, String scope) {
        return "{\"auth\": {\"identity\": " + identity + ", \"scope\": " + scope + "}}";
    }

    private HttpResponse<String> issue(String identity, String scope) throws Exception {
        return post(tokenBody(identity, scope));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return send("POST", "/identity/v3/auth/tokens", Map.of("Content-Type", "application/json"), body);
    }

    private HttpResponse<String> whoami(String header, String value) throws Exception {
        return send("GET", "/api/whoami", Map.of(header, value), null);
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ApiServer.MAPPER.readTree(response.body());
    }

    private static List<String> names(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).map(node -> node.get("name").asText()).toList();
    }

    private static String endpoint(JsonNode catalog, String type, String face) {
        for (JsonNode service : catalog) {
            if (service.get("type").asText().equals(type)) {
                for (JsonNode endpoint : service.get("endpoints")) {
                    if (endpoint.get("interface").asText().equals(face)) {
                        return endpoint.get("url").asText();
                    }
                }
            }
        }
        throw new AssertionError("no " + face + " endpoint of " + type + " in " + catalog);
    }
}
