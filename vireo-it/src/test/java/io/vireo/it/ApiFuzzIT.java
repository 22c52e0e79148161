package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input on every operation the engine's /api/openapi.json lists: a null body, a truncated one,
 * each field of the operation's body with a value of each wrong JSON type, a NUL character, a string
 * over the body limit and a long one under it, a path id that is no id, and for lists a page too
 * large. Every answer must be a 4xx with an error code and a sentence (400 naming the field where a
 * field is wrong, 413 over the limit), never a 5xx, and the inventory must be as it was: the same
 * number of rows in every list and the same objects. The operations reach real objects (a data
 * center, cluster, host, storage domain, network, disk, VM, pool, affinity group, user, group, role,
 * permission and job made for the test), so that each body is read rather than refused for an
 * unknown id; no guest runs.
 */
class ApiFuzzIT extends LabTest {
    private static final int MIB = 1 << 20;
    private static final Pattern PARAMETER = Pattern.compile("\\{([a-zA-Z]+)}");
    /** The lists whose rows are counted before and after. */
    private static final List<String> LISTS = List.of("/api/datacenters", "/api/clusters", "/api/hosts", "/api/storagedomains",
            "/api/disks", "/api/vms", "/api/vmpools", "/api/affinitygroups", "/api/jobs", "/api/users", "/api/groups",
            "/api/roles", "/api/permissions", "/api/bootfiles", "/api/networks");
    /** OpenStack's network API (the built-in provider), which answers in Neutron's error shape. */
    private static final String NEUTRON = "/networking/v2.0";
    private static final List<String> NEUTRON_COLLECTIONS = List.of("networks", "subnets", "ports", "routers",
            "security-groups", "security-group-rules", "floatingips");
    /** GETs that are not lists, so take no ?max=. */
    private static final List<String> NOT_LISTS = List.of("/api/me");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .sslContext(api.sslContext()).build();
    /** The object each collection's {id} stands for, by the path's first segment after /api. */
    private final Map<String, String> fixtures = new LinkedHashMap<>();

    private record Probe(String what, String body, int expectedStatus, String expectedField) {
    }

    private record Answer(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return Api.MAPPER.readTree(body);
            } catch (IOException e) {
                return Api.MAPPER.createObjectNode();
            }
        }
    }

    @AfterEach
    void removeFixtures() {
        removeNeutronFixtures();
        // in the order the API allows: the pool (removed by a job) before its template, the VM before its cluster
        if (fixtures.containsKey("vmpools")) {
            api.delete("/api/vmpools/" + fixtures.get("vmpools"));
            await().atMost(Duration.ofMinutes(1)).until(() -> api.get("/api/vmpools/" + fixtures.get("vmpools")).status() == 404);
        }
        for (String collection : List.of("affinitygroups", "vms", "networks", "users", "roles", "groups", "hosts", "storagedomains",
                "clusters", "datacenters")) {
            if (fixtures.containsKey(collection)) {
                Api.Response removed = api.delete("/api/" + collection + "/" + fixtures.get(collection));
                assertThat(removed.status()).as("removing " + collection + ": " + removed).isIn(200, 202, 204);
            }
        }
    }

    @Test
    void everyOperationRefusesBadInputWithA4xxAndChangesNothing() {
        makeFixtures();
        JsonNode paths = api.get("/api/openapi.json").body().get("paths");
        Map<String, String> before = inventory();
        List<String> failures = new ArrayList<>();
        int operations = 0;
        int probes = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = methods.next();
                String method = operation.getKey().toUpperCase();
                String concrete = concrete(path.getKey());
                operations++;
                for (Probe probe : bodyProbes(operation.getValue())) {
                    probes++;
                    check(method + " " + concrete + " with " + probe.what(), send(method, concrete, probe.body()), probe, failures);
                }
                if (path.getKey().contains("{id}")) {
                    probes += 2;
                    String notAnId = concrete(path.getKey().replace("{id}", "not-a-uuid"));
                    // OpenStack's network API answers 404 (XNotFound) to a GET or DELETE of what is no id (the client then
                    // looks it up by name); a PUT without its body is refused for the body first, as Neutron does
                    check(method + " " + notAnId, send(method, notAnId, null), path.getKey().startsWith(NEUTRON)
                            ? new Probe("no id", null, method.equals("PUT") ? 400 : 404, null)
                            : new Probe("no id", null, 400, "id"), failures);
                    // 4 KiB: long enough to overflow any column, short enough that the request line stays under the
                    // server's 8 KiB header limit, so the engine itself answers. Past that limit Jetty answers 431 and
                    // closes while the client may still be sending; the reset can then swallow the answer, a race of
                    // TCP and not of the engine, which a test cannot wait out.
                    String huge = concrete(path.getKey().replace("{id}", "x".repeat(4 * 1024)));
                    check(method + " " + path.getKey() + " with a 4 KiB id", send(method, huge, null), new Probe("huge id", null, -1, null),
                            failures);
                }
                if (method.equals("GET")) {
                    // the parameters some operation reads, each wrong: refused or ignored, never a failure
                    probes++;
                    String junk = concrete + "?objectType=nonsense&objectId=nonsense&from=x&last=x&offset=-1&removeDisks=maybe";
                    check("GET " + junk, send("GET", junk, null), new Probe("wrong parameters", null, 0, null), failures);
                }
                if (method.equals("GET") && !path.getKey().contains("{") && path.getKey().startsWith("/api")
                        && !NOT_LISTS.contains(path.getKey())) {
                    probes += 4;
                    check("GET " + path.getKey() + "?max=10001", send("GET", path.getKey() + "?max=10001", null),
                            new Probe("a page too large", null, 400, "max"), failures);
                    check("GET " + path.getKey() + "?page=0", send("GET", path.getKey() + "?page=0", null),
                            new Probe("page 0", null, 400, "page"), failures);
                    check("GET " + path.getKey() + "?search=memory!5", send("GET", path.getKey() + "?search=memory!5", null),
                            new Probe("a search without operator", null, 0, null), failures);
                    check("GET " + path.getKey() + "?search=name%3Da%00", send("GET", path.getKey() + "?search=name%3Da%00", null),
                            new Probe("a NUL in a search", null, 400, "search"), failures);
                }
            }
        }
        System.out.println("ApiFuzzIT: " + probes + " refused requests on " + operations + " operations");
        assertThat(failures).as("answers that were not the expected refusal").isEmpty();
        assertThat(inventory()).as("the inventory after " + probes + " refused requests").isEqualTo(before);
        assertThat(operations).isGreaterThan(45);
        assertThat(probes).isGreaterThan(500);
    }

    /** What each operation is sent: for a body it reads, its fields each with wrong values; for any other, a body at all. */
    private static List<Probe> bodyProbes(JsonNode operation) {
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe("null", "null", 400, null));
        probes.add(new Probe("truncated JSON", "{\"name\": \"trunc", 400, null));
        probes.add(new Probe("a list", "[{}]", 400, null));
        probes.add(new Probe("a 1 MiB string", "{\"name\": \"" + "x".repeat(MIB) + "\"}", 413, null));
        JsonNode schema = operation.path("requestBody").path("content").path("application/json").path("schema");
        if (schema.path("properties").isEmpty()) {
            probes.add(new Probe("an unexpected field", "{\"name\": 12345}", 400, null));
            return probes;
        }
        fieldProbes(schema, "", probes);
        return probes;
    }

    private static void fieldProbes(JsonNode schema, String prefix, List<Probe> probes) {
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            String field = prefix + property.getKey();
            JsonNode type = property.getValue();
            List<String> wrong = switch (type.path("type").asText()) {
                case "string" -> List.of("12345", "true", "1.5", "[\"a\"]", "{}");
                case "integer" -> List.of("\"12\"", "1.5", "true", "[1]", "{}", "99999999999999999999999");
                case "number" -> List.of("\"1.5\"", "true", "[1]");
                case "boolean" -> List.of("1", "\"true\"", "[true]", "{}");
                case "array" -> List.of("\"a\"", "{}", "[null]", "[" + wrongItem(type.get("items")) + "]");
                case "object" -> type.has("properties") ? List.of("\"a\"", "[]", "12") : List.of("\"a\"", "12", "[]");
                default -> List.of();
            };
            for (String value : wrong) {
                String expectedField = value.startsWith("[") && type.path("type").asText().equals("array") && !value.equals("[]")
                        ? field + "[0]" : field;
                probes.add(new Probe(field + "=" + abbreviate(value), nest(prefix, property.getKey(), value), 400, expectedField));
            }
            if (type.path("type").asText().equals("string")) {
                probes.add(new Probe(field + " with a NUL", nest(prefix, property.getKey(), "\"a\\u0000b\""), 400, field));
                probes.add(new Probe(field + " of 1 MiB", nest(prefix, property.getKey(), "\"" + "y".repeat(MIB) + "\""), 413, null));
                // under the body limit: refused for its length (or for what else the body lacks), never stored
                probes.add(new Probe(field + " of 256 KiB", nest(prefix, property.getKey(), "\"" + "z".repeat(256 * 1024) + "\""),
                        -1, null));
            }
            if (type.path("type").asText().equals("object") && type.has("properties")) {
                fieldProbes(type, field + ".", probes);
            }
        }
    }

    private static String wrongItem(JsonNode items) {
        return switch (items.path("type").asText()) {
            case "string" -> "7";
            case "integer" -> "\"7\"";
            default -> "\"x\"";
        };
    }

    /** {"a": {"b": value}} for the field a.b. */
    private static String nest(String prefix, String name, String value) {
        String json = "{\"" + name + "\": " + value + "}";
        if (prefix.isEmpty()) {
            return json;
        }
        String[] parents = prefix.substring(0, prefix.length() - 1).split("\\.");
        for (int i = parents.length - 1; i >= 0; i--) {
            json = "{\"" + parents[i] + "\": " + json + "}";
        }
        return json;
    }

    /**
     * The answer must be the probe's status (or any 4xx for -1; anything but a failure for 0: a list
     * without search ignores ?search=), with an error code, a sentence and the field where one is expected.
     */
    private static void check(String request, Answer answer, Probe probe, List<String> failures) {
        String shown = request.length() > 200 ? request.substring(0, 200) + "..." : request;
        String body = answer.body().length() > 300 ? answer.body().substring(0, 300) + "..." : answer.body();
        // 300: a list of API versions (OpenStack's identity root)
        if (probe.expectedStatus() == 0 && answer.status() >= 200 && answer.status() <= 300) {
            return;
        }
        if (answer.status() < 400 || answer.status() > 499) {
            failures.add(shown + " -> " + answer.status() + " " + body);
            return;
        }
        if (probe.expectedStatus() > 0 && answer.status() != probe.expectedStatus()) {
            failures.add(shown + " -> " + answer.status() + " (expected " + probe.expectedStatus() + ") " + body);
            return;
        }
        JsonNode error = answer.json();
        if (request.split(" ", 3)[1].startsWith("/identity")) {
            // OpenStack's identity API answers in Keystone's shape, {"error": {"code", "title", "message"}}, with no field
            JsonNode keystone = error.path("error");
            if (keystone.path("code").asInt() != answer.status() || keystone.path("title").asText().isEmpty()
                    || keystone.path("message").asText().isEmpty()) {
                failures.add(shown + " -> " + answer.status() + " not in Keystone's error shape: " + body);
            }
            return;
        }
        if (request.split(" ", 3)[1].startsWith("/networking")) {
            // OpenStack's network API answers in Neutron's shape, {"NeutronError": {"type", "message", "detail"}}
            JsonNode neutron = error.path("NeutronError");
            if (neutron.path("type").asText().isEmpty() || neutron.path("message").asText().isEmpty() || !neutron.has("detail")) {
                failures.add(shown + " -> " + answer.status() + " not in Neutron's error shape: " + body);
            }
            return;
        }
        if (error.path("error").asText().isEmpty() || error.path("message").asText().isEmpty()) {
            failures.add(shown + " -> " + answer.status() + " without an error code and a sentence: " + body);
            return;
        }
        if (probe.expectedField() != null && !probe.expectedField().equals(error.path("details").path("field").asText())) {
            failures.add(shown + " -> " + answer.status() + " names the field '" + error.path("details").path("field").asText()
                    + "', not '" + probe.expectedField() + "': " + body);
        }
    }

    private Answer send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + api.token());
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            // no answer at all (the connection closed or reset): reported as status 0
            return new Answer(0, "", "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The path with each parameter replaced by the id of the object made for it. */
    private String concrete(String path) {
        Matcher matcher = PARAMETER.matcher(path);
        StringBuilder concrete = new StringBuilder();
        while (matcher.find()) {
            String collection = path.startsWith(NEUTRON)
                    ? "neutron:" + path.substring(NEUTRON.length() + 1, matcher.start() - 1)
                    : path.substring(0, matcher.start()).replaceAll("^/api/|/$", "").split("/")[0];
            // a user's id is also the id of its personal project (OpenStack's identity API, docs/openstack.md)
            String id = matcher.group(1).equals("userId") || matcher.group(1).equals("projectId") ? fixtures.get("users")
                    : fixtures.get(collection);
            if (id == null) {
                throw new AssertionError("no object made for " + path + ": add one to makeFixtures");
            }
            matcher.appendReplacement(concrete, id);
        }
        return matcher.appendTail(concrete).toString();
    }

    /** Every list's rows and every fixture as shown: what a refused request must leave as it was. */
    private Map<String, String> inventory() {
        Map<String, String> inventory = new LinkedHashMap<>();
        for (String list : LISTS) {
            Api.Response rows = api.get(list + "?max=10000");
            assertThat(rows.status()).as(list).isEqualTo(200);
            inventory.put(list, rows.body().size() + " rows");
        }
        for (String collection : NEUTRON_COLLECTIONS) {
            Api.Response rows = api.get(NEUTRON + "/" + collection);
            assertThat(rows.status()).as(collection).isEqualTo(200);
            inventory.put(NEUTRON + "/" + collection, rows.body().get(collection.replace('-', '_')).toString());
        }
        fixtures.forEach((collection, id) -> {
            if (collection.startsWith("neutron:")) {
                return;
            }
            if (!collection.equals("permissions")) {
                inventory.put(collection + "/" + id, api.get("/api/" + collection + "/" + id).body().toString());
            }
        });
        return inventory;
    }

    private String created(String path, Map<String, Object> body, String... idPath) {
        Api.Response response = api.post(path, body);
        assertThat(response.status()).as(path + ": " + response).isIn(200, 201, 202);
        JsonNode node = response.body();
        for (String step : idPath) {
            node = node.get(step);
        }
        return node.get("id").asText();
    }

    private void makeFixtures() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String dataCenter = created("/api/datacenters", Map.of("name", "fuzz-dc-" + suffix));
        fixtures.put("datacenters", dataCenter);
        String cluster = created("/api/clusters", Map.of("name", "fuzz-" + suffix, "dataCenterId", dataCenter));
        fixtures.put("clusters", cluster);
        String domain = created("/api/storagedomains", Map.of("name", "fuzz-sd-" + suffix, "dataCenterId", dataCenter,
                "path", "/var/lib/vireo-fuzz-" + suffix));
        fixtures.put("storagedomains", domain);
        String host = created("/api/hosts", Map.of("name", "fuzz-host-" + suffix, "address", "10.231.0.97", "clusterId", cluster),
                "host");
        fixtures.put("hosts", host);
        fixtures.put("networks", created("/api/networks", Map.of("name", "fuzz-net-" + suffix, "dataCenterId", dataCenter,
                "hostNic", "eth1")));
        fixtures.put("vnicprofiles", created("/api/vnicprofiles", Map.of("name", "fuzz-profile-" + suffix,
                "networkId", fixtures.get("networks"))));
        String disk = scenario.createDisk("fuzz-disk-" + suffix, 1);
        fixtures.put("disks", disk);
        fixtures.put("jobs", api.get("/api/jobs?max=1").body().get(0).get("id").asText());
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("name", "fuzz-vm-" + suffix);
        // in the lab's cluster: it boots the lab's boot file, which only a VM of the lab's data center may
        vm.put("clusterId", lab.clusterId());
        vm.put("vcpus", 1);
        vm.put("memoryMib", 128);
        vm.put("kernelFileId", lab.kernelFileId());
        String vmId = created("/api/vms", vm);
        fixtures.put("vms", vmId);
        fixtures.put("vmpools", created("/api/vmpools", Map.of("name", "fuzz-pool-" + suffix, "templateVmId", vmId,
                "type", "MANUAL", "size", 0)));
        fixtures.put("affinitygroups", created("/api/affinitygroups", Map.of("name", "fuzz-ag-" + suffix, "clusterId", lab.clusterId(),
                "kind", "VM_TO_VM", "positive", true, "enforcing", false, "vmIds", List.of(vmId), "hostIds", List.of())));
        String user = created("/api/users", Map.of("name", "fuzz-user-" + suffix, "password", "fuzz-user-password-1"));
        fixtures.put("users", user);
        String group = created("/api/groups", Map.of("name", "fuzz-group-" + suffix));
        fixtures.put("groups", group);
        String role = created("/api/roles", Map.of("name", "fuzz-role-" + suffix, "permissions", List.of("VIEW")));
        fixtures.put("roles", role);
        fixtures.put("permissions", created("/api/permissions", Map.of("principalType", "USER", "principalId", user,
                "role", "UserRole", "objectType", "VM", "objectId", vmId)));
        makeNeutronFixtures(suffix);
    }

    /** One object of each of the network API's collections (the admin's), and an extension's alias. */
    private void makeNeutronFixtures(String suffix) {
        fixtures.put("neutron:extensions", "router");
        String external = created(NEUTRON + "/networks", Map.of("network", Map.of("name", "fuzz-ext-" + suffix,
                "router:external", true)), "network");
        fixtures.put("neutron:external", external);
        fixtures.put("neutron:externalsubnet", created(NEUTRON + "/subnets", Map.of("subnet", Map.of("network_id", external,
                "cidr", "198.51.100.0/24", "ip_version", 4, "enable_dhcp", false)), "subnet"));
        String network = created(NEUTRON + "/networks", Map.of("network", Map.of("name", "fuzz-net-" + suffix)), "network");
        fixtures.put("neutron:networks", network);
        fixtures.put("neutron:subnets", created(NEUTRON + "/subnets", Map.of("subnet", Map.of("network_id", network,
                "cidr", "10.231.64.0/24", "ip_version", 4)), "subnet"));
        fixtures.put("neutron:ports", created(NEUTRON + "/ports", Map.of("port", Map.of("network_id", network,
                "name", "fuzz-port-" + suffix)), "port"));
        fixtures.put("neutron:routers", created(NEUTRON + "/routers", Map.of("router", Map.of("name", "fuzz-r-" + suffix,
                "external_gateway_info", Map.of("network_id", external))), "router"));
        String group = created(NEUTRON + "/security-groups", Map.of("security_group", Map.of("name", "fuzz-sg-" + suffix)),
                "security_group");
        fixtures.put("neutron:security-groups", group);
        fixtures.put("neutron:security-group-rules", created(NEUTRON + "/security-group-rules", Map.of("security_group_rule",
                Map.of("security_group_id", group, "direction", "ingress", "protocol", "icmp")), "security_group_rule"));
        fixtures.put("neutron:floatingips", created(NEUTRON + "/floatingips", Map.of("floatingip", Map.of(
                "floating_network_id", external)), "floatingip"));
    }

    private void removeNeutronFixtures() {
        for (String kind : List.of("floatingips", "security-group-rules", "security-groups", "routers", "ports", "subnets",
                "networks", "externalsubnet", "external")) {
            String id = fixtures.get("neutron:" + kind);
            if (id != null) {
                String collection = kind.equals("externalsubnet") ? "subnets" : kind.equals("external") ? "networks" : kind;
                Api.Response removed = api.delete(NEUTRON + "/" + collection + "/" + id);
                assertThat(removed.status()).as("removing " + kind + ": " + removed).isEqualTo(204);
            }
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }
}
