package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a 4xx with a code and a sentence, and writes nothing; no /api call passes without a token. */
class ApiValidationIT extends LabTest {

    private static Map<String, Object> vm(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("clusterId", lab.clusterId());
        body.put("vcpus", 1);
        body.put("memoryMib", 128);
        body.put("kernelFileId", lab.kernelFileId());
        return body;
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    private static void refused(Api.Response response, int status, String code, String messagePart) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.error()).as(response.toString()).isEqualTo(code);
        assertThat(response.message()).as(response.toString()).containsIgnoringCase(messagePart);
    }

    private record Counts(int vms, int disks, int hosts, int dataCenters, int clusters, int jobs) {
    }

    private static Counts counts() {
        return new Counts(api.get("/api/vms").body().size(), api.get("/api/disks").body().size(),
                api.get("/api/hosts").body().size(), api.get("/api/datacenters").body().size(),
                api.get("/api/clusters").body().size(), api.get("/api/jobs?max=10000").body().size());
    }

    @Test
    void malformedAndMistypedBodiesAreRefusedAndWriteNothing() {
        Counts before = counts();
        refused(api.post("/api/vms", "{\"name\": "), 400, "MALFORMED_REQUEST", "not valid JSON");
        refused(api.post("/api/vms", "[1, 2]"), 400, "MALFORMED_REQUEST", "JSON object");
        refused(api.post("/api/vms", ""), 400, "MALFORMED_REQUEST", "needs a JSON body");
        refused(api.post("/api/vms", with(vm("x1"), "colour", "red")), 400, "UNKNOWN_FIELD", "'colour'");
        refused(api.post("/api/vms", with(vm("x2"), "memoryMib", "lots")), 400, "INVALID_FIELD", "memoryMib");
        refused(api.post("/api/vms", with(vm("x3"), "vcpus", 1.5)), 400, "INVALID_FIELD", "vcpus");
        refused(api.post("/api/vms", with(vm("x4"), "diskIds", "not-a-list")), 400, "INVALID_FIELD", "diskIds");
        Map<String, Object> noName = vm("x5");
        noName.remove("name");
        refused(api.post("/api/vms", noName), 400, "MISSING_FIELD", "'name'");
        refused(api.post("/api/vms", with(vm("x6"), "memoryMib", -128)), 400, "INVALID_FIELD", "memoryMib must be between");
        refused(api.post("/api/vms", with(vm("x7"), "memoryMib", Integer.MAX_VALUE)), 400, "INVALID_FIELD", "memoryMib");
        refused(api.post("/api/vms", with(vm("x8"), "vcpus", 0)), 400, "INVALID_FIELD", "vcpus");
        refused(api.post("/api/vms", with(vm("bad name!"), "name", "bad name!")), 400, "INVALID_FIELD", "not valid");
        refused(api.post("/api/vms", with(vm("x9"), "kernelFileId", "relative/vmlinuz")), 400, "INVALID_FIELD", "never by a host path");
        refused(api.post("/api/vms", with(vm("x10"), "graphics", "rdp")), 400, "INVALID_FIELD", "graphics");
        refused(api.post("/api/vms", with(vm("x11"), "clusterId", "nope")), 400, "INVALID_FIELD", "not a valid id");
        refused(api.post("/api/vms", with(vm("x12"), "clusterId", UUID.randomUUID().toString())), 404, "CLUSTER_NOT_FOUND", "No cluster");
        refused(api.post("/api/vms", with(vm("x13"), "diskIds", List.of(UUID.randomUUID().toString()))), 404, "DISK_NOT_FOUND", "No disk");
        Map<String, Object> nothingToBoot = vm("x14");
        nothingToBoot.remove("kernelFileId");
        refused(api.post("/api/vms", nothingToBoot), 400, "INVALID_FIELD", "disk or a kernel");
        refused(api.post("/api/disks", Map.of("name", "d1", "storageDomainId", lab.storageDomainId(), "sizeBytes", -1)),
                400, "INVALID_FIELD", "sizeBytes must be between");
        refused(api.post("/api/disks", Map.of("name", "d2", "storageDomainId", lab.storageDomainId(), "sizeBytes", Long.MAX_VALUE)),
                400, "INVALID_FIELD", "sizeBytes");
        refused(api.post("/api/disks", Map.of("name", "d3", "storageDomainId", lab.storageDomainId(), "sizeBytes", 1 << 20,
                "format", "vmdk")), 400, "INVALID_FIELD", "format");
        refused(api.post("/api/storagedomains", Map.of("name", "s1", "dataCenterId", lab.dataCenterId(), "path", "../etc")),
                400, "INVALID_FIELD", "absolute path");
        refused(api.post("/api/hosts", Map.of("name", "h9", "address", "a b;rm", "clusterId", lab.clusterId())),
                400, "INVALID_FIELD", "address");
        refused(api.post("/api/clusters", Map.of("name", "c1", "dataCenterId", lab.dataCenterId(), "memoryOvercommitPercent", 5000)),
                400, "INVALID_FIELD", "memoryOvercommitPercent");
        refused(api.get("/api/vms?search=colour=red"), 400, "INVALID_SEARCH", "unknown field");
        refused(api.get("/api/vms?max=-1"), 400, "INVALID_FIELD", "max");
        refused(api.get("/api/events?from=abc"), 400, "INVALID_FIELD", "from");
        refused(api.get("/api/events?last=abc"), 400, "INVALID_FIELD", "last");
        refused(api.get("/api/events?last=0"), 400, "INVALID_FIELD", "last");
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void theBadInputsAnOutsideReviewFoundAreRefused() {
        Counts before = counts();
        String vm = api.post("/api/vms", vm("review-vm")).body().get("id").asText();
        String group = api.post("/api/groups", Map.of("name", "review-group")).body().get("id").asText();
        Counts withThem = counts();
        for (String path : List.of("/api/clusters", "/api/hosts", "/api/storagedomains", "/api/disks", "/api/vms",
                "/api/affinitygroups", "/api/vmpools", "/api/groups/" + group + "/members")) {
            refused(api.post(path, "null"), 400, "MALFORMED_REQUEST", "must be a JSON object");
        }
        Api.Response update = api.put("/api/vms/" + vm, null);
        refused(update, 400, "MALFORMED_REQUEST", "not null");
        refused(api.post("/api/datacenters", Map.of("name", 12345)), 400, "INVALID_FIELD", "'name' must be a string");
        refused(api.post("/api/groups", Map.of("name", 12345)), 400, "INVALID_FIELD", "'name' must be a string");
        Api.Response search = api.get("/api/vms?search=memory!5");
        refused(search, 400, "INVALID_SEARCH", "no operator");
        assertThat(search.message()).doesNotContainIgnoringCase("sql").doesNotContain("ERROR:");
        assertThat(counts()).isEqualTo(withThem);
        assertThat(api.delete("/api/groups/" + group).status()).isEqualTo(204);
        assertThat(api.delete("/api/vms/" + vm).status()).isEqualTo(200);
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void theNewestEventsComeOldestFirst() {
        String dataCenter = api.post("/api/datacenters", Map.of("name", "events-marker")).body().get("id").asText();
        var newest = api.get("/api/events?last=3").body();
        assertThat(newest).hasSize(3);
        assertThat(newest.get(0).get("index").asLong()).isLessThan(newest.get(1).get("index").asLong());
        assertThat(newest.get(1).get("index").asLong()).isLessThan(newest.get(2).get("index").asLong());
        // the newest of them is the log's end as a reader from an index sees it
        assertThat(api.get("/api/events?from=" + newest.get(0).get("index").asLong() + "&max=3").body()).isEqualTo(newest);
        assertThat(api.get("/api/events?last=50").body().toString()).contains("events-marker");
        assertThat(api.delete("/api/datacenters/" + dataCenter).status()).isEqualTo(204);
    }

    @Test
    void duplicatesAndMissingIdsAreRefused() {
        String name = "unique-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/vms", vm(name)).status()).isEqualTo(201);
        Counts before = counts();
        refused(api.post("/api/vms", vm(name)), 409, "DUPLICATE_NAME", name);
        refused(api.post("/api/datacenters", Map.of("name", "lab")), 409, "DUPLICATE_NAME", "lab");
        String missing = UUID.randomUUID().toString();
        refused(api.get("/api/vms/" + missing), 404, "VM_NOT_FOUND", missing);
        refused(api.post("/api/vms/" + missing + "/start", null), 404, "VM_NOT_FOUND", missing);
        refused(api.delete("/api/vms/" + missing), 404, "VM_NOT_FOUND", missing);
        refused(api.get("/api/hosts/" + missing), 404, "HOST_NOT_FOUND", missing);
        refused(api.get("/api/jobs/" + missing), 404, "JOB_NOT_FOUND", missing);
        refused(api.get("/api/vms/not-a-uuid"), 400, "INVALID_FIELD", "not a valid id");
        refused(api.get("/api/nothing-here"), 404, "NOT_FOUND", "not found");
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void actionsThatMakeNoSenseInTheVmsStatusAreRefused() {
        String diskId = scenario.createDisk("state-disk", 16);
        String vmId = scenario.createGuest("state-rules", List.of(diskId));
        refused(api.post("/api/vms/" + vmId + "/stop", null), 409, "VM_NOT_UP", "it is DOWN");
        refused(api.post("/api/vms/" + vmId + "/resume", null), 409, "VM_NOT_PAUSED", "Paused");
        scenario.action(vmId, "start", null);
        Counts before = counts();
        refused(api.post("/api/vms/" + vmId + "/start", null), 409, "VM_NOT_DOWN", "it is UP");
        refused(api.delete("/api/vms/" + vmId), 409, "VM_NOT_DOWN", "stop it");
        refused(api.delete("/api/disks/" + diskId), 409, "DISK_IN_USE", "attached");
        refused(api.post("/api/vms", with(vm("steals-disk"), "diskIds", List.of(diskId))), 409, "DISK_IN_USE", "another VM");
        refused(api.post("/api/vms/" + vmId + "/shutdown", Map.of("timeoutSeconds", -5)), 400, "INVALID_FIELD", "timeoutSeconds");
        assertThat(counts()).isEqualTo(before);
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("UP");
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId + "?removeDisks=true").status()).isEqualTo(202);
    }

    @Test
    void noApiEndpointAnswersWithoutAValidToken() {
        JsonNode paths = api.get("/api/openapi.json").body().get("paths");
        assertThat(paths.size()).isGreaterThan(20);
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            if (!path.getKey().startsWith("/api")) {
                continue;
            }
            String concrete = path.getKey().replaceAll("\\{[a-zA-Z]+}", UUID.randomUUID().toString());
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase();
                Api.Response anonymous = api.anonymous(method, concrete);
                assertThat(anonymous.status()).as(method + " " + concrete).isEqualTo(401);
                assertThat(anonymous.error()).isEqualTo("UNAUTHORIZED");
                assertThat(api.withToken(method, concrete, "forged-token").status()).as(method + " " + concrete).isEqualTo(401);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(25);
        assertThat(api.anonymous("GET", "/api/openapi.json").status()).isEqualTo(401);
    }

    @Test
    void loginRefusesWrongPasswordsAndEnrollmentTokensWorkOnce() {
        Api.Response wrong = lab.newApi().form("/sso/oauth/token", "grant_type=password&username=admin&password=wrong");
        refused(wrong, 400, "INVALID_GRANT", "wrong");
        Api.Response created = api.post("/api/hosts", Map.of("name", "never-enrolled", "address", "10.231.0.99",
                "clusterId", lab.clusterId()));
        assertThat(created.status()).isEqualTo(201);
        String token = created.body().get("enrollmentToken").asText();
        Api.Response garbage = lab.newApi().post("/hostlink/enroll", Map.of("token", token, "csrPem", "garbage"));
        refused(garbage, 400, "INVALID_FIELD", "certificate request");
        Api.Response forged = lab.newApi().post("/hostlink/enroll", Map.of("token", "forged", "csrPem", "x"));
        refused(forged, 401, "TOKEN_INVALID", "not valid");
        assertThat(api.delete("/api/hosts/" + created.body().get("host").get("id").asText()).status()).isEqualTo(204);
    }
}
