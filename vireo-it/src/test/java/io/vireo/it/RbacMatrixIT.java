package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RBAC matrix over the public API: users holding built-in roles on the system (through a
 * group), a data center, a cluster and a VM, against listing, reading, creating, powering,
 * consoles, migration, host actions, deleting and managing users and permissions. A refused cell
 * is 403 when the user sees the object and 404 when it does not; an allowed cell may still be
 * refused by the object's state (409/400), which shows the permission check let it through.
 */
class RbacMatrixIT extends LabTest {
    private static final String PASSWORD = "matrix-password-1";
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);

    private static String otherDataCenter;
    private static String otherCluster;
    private static String vmA;
    private static String vmB;
    private static String vmC;
    /** A boot file of the other data center, for VM C. */
    private static String otherKernel;
    private static final List<String> createdVms = new ArrayList<>();

    private static Api root;          // SuperUser on SYSTEM through a group
    private static Api dataCenterAdmin;  // DataCenterAdmin on the lab data center
    private static Api clusterAdmin;  // ClusterAdmin on the lab cluster
    private static Api powerUser;     // PowerUser on the lab cluster
    private static Api vmUser;        // UserRole on VM A
    private static Api vmManager;     // UserVmManager on VM A
    private static Api nobody;        // no permission at all
    private static String nobodyId;

    @BeforeAll
    static void usersRolesAndObjects() {
        otherDataCenter = created(api.post("/api/datacenters", Map.of("name", name("dc")))).get("id").asText();
        otherCluster = created(api.post("/api/clusters", Map.of("name", name("c"), "dataCenterId", otherDataCenter)))
                .get("id").asText();
        vmA = createVm(api, "a", lab.clusterId());
        vmB = createVm(api, "b", lab.clusterId());
        otherKernel = bootFileWithoutAHost(otherDataCenter);
        vmC = createVm(api, "c", otherCluster);

        String admins = created(api.post("/api/groups", Map.of("name", name("admins")))).get("id").asText();
        String rootId = createUser("root");
        assertThat(api.post("/api/groups/" + admins + "/members", Map.of("userId", rootId)).status()).isEqualTo(200);
        grant("GROUP", admins, "SuperUser", "SYSTEM", null);
        grant("USER", createUser("dcadmin"), "DataCenterAdmin", "DATA_CENTER", lab.dataCenterId());
        grant("USER", createUser("clusteradmin"), "ClusterAdmin", "CLUSTER", lab.clusterId());
        grant("USER", createUser("power"), "PowerUser", "CLUSTER", lab.clusterId());
        grant("USER", createUser("vmuser"), "UserRole", "VM", vmA);
        grant("USER", createUser("vmmanager"), "UserVmManager", "VM", vmA);
        nobodyId = createUser("nobody");

        root = login("root");
        dataCenterAdmin = login("dcadmin");
        clusterAdmin = login("clusteradmin");
        powerUser = login("power");
        vmUser = login("vmuser");
        vmManager = login("vmmanager");
        nobody = login("nobody");
    }

    @AfterAll
    static void removeVms() {
        for (String vm : createdVms) {
            if (api.get("/api/vms/" + vm).status() == 200 && !api.get("/api/vms/" + vm).body().path("status").asText().equals("DOWN")) {
                scenario.action(vm, "stop", null);
            }
            api.delete("/api/vms/" + vm);
        }
    }

    @Test
    void listsShowOnlyWhatEachUserMaySee() {
        assertThat(vmIds(api)).contains(vmA, vmB, vmC);
        assertThat(vmIds(root)).contains(vmA, vmB, vmC);
        assertThat(vmIds(dataCenterAdmin)).contains(vmA, vmB).doesNotContain(vmC);
        assertThat(vmIds(clusterAdmin)).contains(vmA, vmB).doesNotContain(vmC);
        assertThat(vmIds(powerUser)).contains(vmA, vmB).doesNotContain(vmC);
        assertThat(vmIds(vmUser)).containsExactly(vmA);
        assertThat(vmIds(vmManager)).containsExactly(vmA);
        assertThat(vmIds(nobody)).isEmpty();
        // search and paging apply to what the user may see
        assertThat(ids(vmUser.get("/api/vms?search=name=" + name("a")))).containsExactly(vmA);
        assertThat(ids(vmUser.get("/api/vms?search=name=" + name("b")))).isEmpty();

        assertThat(ids(dataCenterAdmin.get("/api/datacenters"))).containsExactly(lab.dataCenterId());
        assertThat(ids(dataCenterAdmin.get("/api/clusters"))).contains(lab.clusterId()).doesNotContain(otherCluster);
        assertThat(ids(dataCenterAdmin.get("/api/storagedomains"))).contains(lab.storageDomainId());
        assertThat(ids(clusterAdmin.get("/api/datacenters"))).isEmpty();
        assertThat(ids(clusterAdmin.get("/api/clusters"))).containsExactly(lab.clusterId());
        assertThat(ids(clusterAdmin.get("/api/storagedomains"))).isEmpty();
        assertThat(ids(clusterAdmin.get("/api/hosts"))).contains(lab.hostId("h1"), lab.hostId("h2"));
        assertThat(ids(vmUser.get("/api/hosts"))).isEmpty();
        assertThat(ids(vmUser.get("/api/clusters"))).isEmpty();
        assertThat(ids(nobody.get("/api/disks"))).isEmpty();
        assertThat(ids(root.get("/api/datacenters"))).contains(lab.dataCenterId(), otherDataCenter);
    }

    @Test
    void readingAnObjectNeedsToSeeIt() {
        for (Api user : List.of(root, dataCenterAdmin, clusterAdmin, powerUser, vmUser, vmManager)) {
            assertThat(user.get("/api/vms/" + vmA).status()).isEqualTo(200);
        }
        refused(nobody.get("/api/vms/" + vmA), 404, "VM_NOT_FOUND");
        refused(vmUser.get("/api/vms/" + vmB), 404, "VM_NOT_FOUND");
        refused(dataCenterAdmin.get("/api/vms/" + vmC), 404, "VM_NOT_FOUND");
        assertThat(root.get("/api/vms/" + vmC).status()).isEqualTo(200);
        // a hidden VM answers exactly like a missing one
        String missing = UUID.randomUUID().toString();
        assertThat(nobody.get("/api/vms/" + vmA).message()).isEqualTo("No VM with id " + vmA + " exists");
        assertThat(nobody.get("/api/vms/" + missing).message()).isEqualTo("No VM with id " + missing + " exists");
        refused(clusterAdmin.get("/api/datacenters/" + lab.dataCenterId()), 404, "DATA_CENTER_NOT_FOUND");
        assertThat(clusterAdmin.get("/api/clusters/" + lab.clusterId()).status()).isEqualTo(200);
        refused(vmUser.get("/api/hosts/" + lab.hostId("h1")), 404, "HOST_NOT_FOUND");
        refused(clusterAdmin.get("/api/storagedomains/" + lab.storageDomainId()), 404, "STORAGE_DOMAIN_NOT_FOUND");
    }

    @Test
    void creatingNeedsThePermissionOnTheParentAndMakesTheCreatorTheOwner() {
        Map<String, Object> vm = vmBody(name("p"), lab.clusterId());
        refused(vmUser.post("/api/vms", vm), 404, "CLUSTER_NOT_FOUND");
        refused(nobody.post("/api/vms", vm), 404, "CLUSTER_NOT_FOUND");
        refused(powerUser.post("/api/vms", vmBody(name("p2"), otherCluster)), 404, "CLUSTER_NOT_FOUND");
        refused(dataCenterAdmin.post("/api/vms", vmBody(name("p3"), otherCluster)), 404, "CLUSTER_NOT_FOUND");
        assertThat(api.get("/api/vms?search=name=" + name("p") + "*").body().size()).isZero();

        String own = created(powerUser.post("/api/vms", vm)).get("id").asText();
        createdVms.add(own);
        // the creator owns it (UserVmManager): it may change and remove it, and the others it could only see stay as they were
        assertThat(powerUser.put("/api/vms/" + own, Map.of("preferredHostId", lab.hostId("h1"))).status()).isEqualTo(200);
        refused(powerUser.put("/api/vms/" + vmB, Map.of("preferredHostId", lab.hostId("h1"))), 403, "FORBIDDEN");
        // a host the caller may not see cannot be named either: it is "not found", as in GET /api/hosts/{id}
        refused(vmManager.put("/api/vms/" + vmA, Map.of("preferredHostId", lab.hostId("h1"))), 404, "HOST_NOT_FOUND");
        refused(vmManager.post("/api/vms/" + vmA + "/start", Map.of("hostId", lab.hostId("h1"))), 404, "HOST_NOT_FOUND");
        refused(powerUser.delete("/api/vms/" + vmB), 403, "FORBIDDEN");
        JsonNode owners = api.get("/api/permissions?objectType=VM&objectId=" + own).body();
        assertThat(owners).hasSize(1);
        assertThat(owners.get(0).get("roleName").asText()).isEqualTo("UserVmManager");
        assertThat(owners.get(0).get("principalName").asText()).isEqualTo(name("power"));
        assertThat(powerUser.delete("/api/vms/" + own).status()).isEqualTo(200);
        assertThat(api.get("/api/permissions?objectType=VM&objectId=" + own).body()).isEmpty();

        // disks are created on a storage domain, which hangs off the data center: not the cluster's PowerUser's
        Map<String, Object> disk = Map.of("name", name("d"), "storageDomainId", lab.storageDomainId(), "sizeBytes", 1 << 20);
        refused(powerUser.post("/api/disks", disk), 404, "STORAGE_DOMAIN_NOT_FOUND");
        Api.Response made = dataCenterAdmin.post("/api/disks", disk);
        assertThat(made.status()).as(made.toString()).isEqualTo(202);
        String diskId = made.body().get("disk").get("id").asText();
        scenario.awaitJob(made.body().get("job"));
        assertThat(ids(dataCenterAdmin.get("/api/disks"))).contains(diskId);
        assertThat(ids(clusterAdmin.get("/api/disks"))).doesNotContain(diskId);
        scenario.awaitJob(dataCenterAdmin.delete("/api/disks/" + diskId).body());

        refused(clusterAdmin.post("/api/clusters", Map.of("name", name("c9"), "dataCenterId", lab.dataCenterId())),
                404, "DATA_CENTER_NOT_FOUND");
        refused(dataCenterAdmin.post("/api/datacenters", Map.of("name", name("dc9"))), 403, "FORBIDDEN");
    }

    @Test
    void powerConsoleMigrationAndHostActionsFollowTheRoles() {
        // VM A: only its users and admins may power it; the cluster's PowerUser sees it but may not
        refused(powerUser.post("/api/vms/" + vmA + "/start", null), 403, "FORBIDDEN");
        assertThat(powerUser.post("/api/vms/" + vmA + "/start", null).message())
                .contains(name("power"), "VM " + name("a"), "VM_POWER");
        refused(nobody.post("/api/vms/" + vmA + "/start", null), 404, "VM_NOT_FOUND");
        Api.Response started = vmUser.post("/api/vms/" + vmA + "/start", null);
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        scenario.awaitJob(started.body());
        // the user follows its own job
        assertThat(vmUser.get("/api/jobs/" + started.body().get("id").asText()).status()).isEqualTo(200);
        refused(nobody.get("/api/jobs/" + started.body().get("id").asText()), 404, "JOB_NOT_FOUND");
        for (Api allowed : List.of(root, dataCenterAdmin, clusterAdmin, vmManager)) {
            // allowed, and refused only because the VM is running already
            refused(allowed.post("/api/vms/" + vmA + "/start", null), 409, "VM_NOT_DOWN");
        }

        assertThat(vmUser.post("/api/vms/" + vmA + "/ticket", null).status()).isEqualTo(200);
        assertThat(vmManager.post("/api/vms/" + vmA + "/ticket", null).status()).isEqualTo(200);
        refused(powerUser.post("/api/vms/" + vmA + "/ticket", null), 403, "FORBIDDEN");
        refused(nobody.post("/api/vms/" + vmA + "/ticket", null), 404, "VM_NOT_FOUND");

        String host = scenario.hostOf(vmA);
        Map<String, Object> toSameHost = Map.of("hostId", host);
        refused(clusterAdmin.post("/api/vms/" + vmA + "/migrate", toSameHost), 400, "INVALID_FIELD");
        refused(vmManager.post("/api/vms/" + vmA + "/migrate", toSameHost), 403, "FORBIDDEN");
        refused(vmUser.post("/api/vms/" + vmA + "/migrate", toSameHost), 403, "FORBIDDEN");
        refused(clusterAdmin.post("/api/hosts/" + host + "/activate", null), 409, "HOST_NOT_IN_MAINTENANCE");
        refused(powerUser.post("/api/hosts/" + host + "/activate", null), 403, "FORBIDDEN");
        refused(powerUser.post("/api/hosts/" + host + "/deactivate", null), 403, "FORBIDDEN");
        refused(vmManager.post("/api/hosts/" + host + "/deactivate", null), 404, "HOST_NOT_FOUND");

        // jobs and events: about what the user sees
        assertThat(vmUser.get("/api/jobs?max=1000").body()).allSatisfy(job -> assertThat(job.get("targetId").asText()).isEqualTo(vmA));
        assertThat(vmUser.get("/api/jobs?max=1000").body()).isNotEmpty();
        assertThat(nobody.get("/api/jobs?max=1000").body()).isEmpty();
        assertThat(vmUser.get("/api/events?max=10000").body()).isNotEmpty()
                .allSatisfy(event -> assertThat(event.path("vmId").asText()).isEqualTo(vmA));
        assertThat(nobody.get("/api/events?max=10000").body()).isEmpty();

        refused(vmUser.delete("/api/vms/" + vmA), 403, "FORBIDDEN");
        Api.Response stopped = vmManager.post("/api/vms/" + vmA + "/stop", null);
        assertThat(stopped.status()).as(stopped.toString()).isEqualTo(202);
        scenario.awaitJob(stopped.body());
        scenario.awaitStatus(vmA, "DOWN", Duration.ofSeconds(60));
    }

    @Test
    void userAndPermissionManagementIsForThoseWhoHoldIt() {
        Map<String, Object> user = Map.of("name", name("new"), "password", PASSWORD);
        refused(dataCenterAdmin.post("/api/users", user), 403, "FORBIDDEN");
        refused(vmUser.get("/api/users"), 403, "FORBIDDEN");
        String newUser = created(root.post("/api/users", user)).get("id").asText();
        assertThat(vmUser.get("/api/me").body().get("admin").asBoolean()).isFalse();
        assertThat(vmUser.get("/api/me").body().get("permissions")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("VIEW", "VM_POWER", "VM_CONSOLE");
        assertThat(clusterAdmin.get("/api/me").body().get("admin").asBoolean()).isTrue();
        assertThat(root.get("/api/me").body().get("admin").asBoolean()).isTrue();
        assertThat(nobody.get("/api/me").body().get("permissions")).isEmpty();
        assertThat(nobody.get("/api/me").body().get("name").asText()).isEqualTo(name("nobody"));

        // a cluster admin grants on its cluster what it holds there, and nothing more
        Map<String, Object> grantB = new HashMap<>(Map.of("principalType", "USER", "principalId", newUser, "role", "UserRole",
                "objectType", "VM", "objectId", vmB));
        assertThat(clusterAdmin.post("/api/permissions", grantB).status()).isEqualTo(201);
        assertThat(clusterAdmin.post("/api/permissions", grantB).status()).isEqualTo(200);
        Api newcomer = login("new");
        assertThat(vmIds(newcomer)).containsExactly(vmB);
        refused(clusterAdmin.post("/api/permissions", Map.of("principalType", "USER", "principalId", newUser,
                "role", "SuperUser", "objectType", "SYSTEM")), 403, "FORBIDDEN");
        refused(clusterAdmin.post("/api/permissions", Map.of("principalType", "USER", "principalId", newUser,
                "role", "DataCenterAdmin", "objectType", "CLUSTER", "objectId", lab.clusterId())), 403, "PERMISSION_NOT_HELD");
        refused(vmManager.post("/api/permissions", Map.of("principalType", "USER", "principalId", newUser,
                "role", "UserRole", "objectType", "VM", "objectId", vmA)), 403, "FORBIDDEN");
        assertThat(ids(clusterAdmin.get("/api/permissions"))).isNotEmpty();
        assertThat(clusterAdmin.get("/api/permissions").body()).noneMatch(grant -> grant.get("objectType").asText().equals("SYSTEM"));
        assertThat(vmUser.get("/api/permissions").body()).isEmpty();

        // built-in roles stay as they are; custom roles are made of permissions
        String userRole = roleId("UserRole");
        refused(root.put("/api/roles/" + userRole, Map.of("permissions", List.of("VIEW"))), 409, "ROLE_BUILT_IN");
        refused(root.delete("/api/roles/" + userRole), 409, "ROLE_BUILT_IN");
        refused(dataCenterAdmin.post("/api/roles", Map.of("name", name("r"), "permissions", List.of("VIEW"))), 403, "FORBIDDEN");
        refused(root.post("/api/roles", Map.of("name", name("r0"), "permissions", List.of("FLY"))), 400, "INVALID_FIELD");
        String watcher = created(root.post("/api/roles", Map.of("name", name("watch"), "permissions", List.of("VIEW")))).get("id").asText();
        String watch = created(root.post("/api/permissions", Map.of("principalType", "USER", "principalId", nobodyId,
                "roleId", watcher, "objectType", "CLUSTER", "objectId", otherCluster))).get("id").asText();
        assertThat(vmIds(nobody)).containsExactly(vmC);
        refused(root.delete("/api/roles/" + watcher), 409, "ENTITY_IN_USE");
        assertThat(root.delete("/api/permissions/" + watch).status()).isEqualTo(204);
        assertThat(vmIds(nobody)).isEmpty();
        assertThat(root.delete("/api/roles/" + watcher).status()).isEqualTo(204);

        // disabling a user ends its sessions and its logins; removing one takes its permissions with it
        assertThat(root.put("/api/users/" + newUser, Map.of("enabled", false)).status()).isEqualTo(200);
        assertThat(newcomer.get("/api/vms").status()).isEqualTo(401);
        Api.Response refusedLogin = lab.newApi().form("/sso/oauth/token", "grant_type=password&username=" + name("new")
                + "&password=" + PASSWORD);
        refused(refusedLogin, 400, "INVALID_GRANT");
        // a disabled user is told what a wrong password is told: nothing about the account
        assertThat(refusedLogin.message()).isEqualTo("The username or password is wrong");
        assertThat(root.put("/api/users/" + newUser, Map.of("enabled", true)).status()).isEqualTo(200);
        Api again = login("new");
        assertThat(root.delete("/api/users/" + newUser).status()).isEqualTo(204);
        assertThat(again.get("/api/vms").status()).isEqualTo(401);
        assertThat(api.get("/api/permissions?objectType=VM&objectId=" + vmB).body())
                .noneMatch(grant -> grant.get("principalId").asText().equals(newUser));
    }

    @Test
    void poolsAreManagedWithManagePoolsAndUsedWithUsePool() {
        String template = createVm(api, "tpl", lab.clusterId());
        Map<String, Object> pool = Map.of("name", name("pool"), "templateVmId", template, "type", "AUTOMATIC", "size", 0);
        refused(powerUser.post("/api/vmpools", pool), 403, "FORBIDDEN");
        refused(vmUser.post("/api/vmpools", pool), 404, "VM_NOT_FOUND");
        String poolId = created(clusterAdmin.post("/api/vmpools", pool)).get("id").asText();
        String vmManagerId = api.get("/api/users").body().findParents("name").stream()
                .filter(user -> user.get("name").asText().equals(name("vmmanager"))).findFirst().orElseThrow().get("id").asText();
        grant("USER", vmManagerId, "VmPoolUser", "VM_POOL", poolId);

        assertThat(ids(vmManager.get("/api/vmpools"))).containsExactly(poolId);
        assertThat(vmManager.get("/api/vmpools/" + poolId).status()).isEqualTo(200);
        // allowed to take a desktop: refused only because a pool of size 0 has none
        refused(vmManager.post("/api/vmpools/" + poolId + "/allocatevm", null), 409, "POOL_EXHAUSTED");
        refused(vmManager.put("/api/vmpools/" + poolId, Map.of("size", 1)), 403, "FORBIDDEN");
        refused(powerUser.post("/api/vmpools/" + poolId + "/allocatevm", null), 403, "FORBIDDEN");
        refused(nobody.post("/api/vmpools/" + poolId + "/allocatevm", null), 404, "POOL_NOT_FOUND");
        refused(nobody.get("/api/vmpools/" + poolId), 404, "POOL_NOT_FOUND");
        assertThat(ids(nobody.get("/api/vmpools"))).doesNotContain(poolId);
        assertThat(ids(vmUser.get("/api/vmpools"))).doesNotContain(poolId);

        assertThat(clusterAdmin.delete("/api/vmpools/" + poolId).status()).isEqualTo(202);
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2))
                .until(() -> api.get("/api/vmpools/" + poolId).status() == 404);
        assertThat(api.get("/api/permissions?objectType=VM_POOL&objectId=" + poolId).body()).isEmpty();
        assertThat(api.delete("/api/vms/" + template).status()).isEqualTo(200);
    }

    @Test
    void theCliManagesUsersRolesAndPermissions() throws Exception {
        Map<String, String> session = Map.of("VIREO_URL", api.baseUrl(), "VIREO_TOKEN", api.token(),
                "VIREO_CA_FILE", lab.caFile().toString(), "VIREO_NEW_PASSWORD", PASSWORD);
        assertThat(cli(session, "user", "create", name("cli"), "--display-name", "From the CLI")).contains(name("cli"));
        assertThat(cli(session, "user", "list")).contains(name("cli"), name("vmuser"));
        assertThat(cli(session, "group", "create", name("cli-group"))).contains(name("cli-group"));
        assertThat(cli(session, "group", "add-member", name("cli-group"), name("cli"))).contains("memberIds");
        assertThat(cli(session, "role", "create", name("cli-role"), "--permissions", "VIEW,VM_CONSOLE")).contains("VM_CONSOLE");
        assertThat(cli(session, "role", "list")).contains("SuperUser", "VmPoolUser", name("cli-role"));
        assertThat(cli(session, "permission", "grant", name("cli-group"), name("cli-role"), "--group", "--vm", name("b")))
                .contains("\"roleName\" : \"" + name("cli-role") + "\"");
        Api viaGroup = login("cli");
        assertThat(vmIds(viaGroup)).containsExactly(vmB);
        String listed = cli(session, "permission", "list", "--object-type", "VM", "--object", name("b"));
        assertThat(listed).contains(name("cli-group"), name("cli-role"));
        String grantId = listed.lines().filter(line -> line.contains(name("cli-role"))).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(cli(session, "permission", "revoke", grantId)).contains("revoked");
        assertThat(vmIds(viaGroup)).isEmpty();
        assertThat(cli(session, "user", "delete", name("cli"))).contains("removed");
        assertThat(viaGroup.get("/api/vms").status()).isEqualTo(401);
    }

    @Test
    void theCliLogsInAndOutAndTheTokenItHeldIsRevoked() throws Exception {
        Path sessionFile = Files.createTempDirectory("vireo-rbac-cli").resolve("session.json");
        Map<String, String> saved = Map.of("VIREO_SESSION_FILE", sessionFile.toString(), "VIREO_PASSWORD", PASSWORD);
        assertThat(cli(saved, "login", "--url", api.baseUrl(), "--user", name("vmuser"), "--ca-file",
                lab.caFile().toString())).contains("Logged in");
        String token = Json.strictMapper().readTree(sessionFile.toFile()).get("token").asText();
        assertThat(cli(saved, "vm", "list")).contains(name("a")).doesNotContain(name("b"));
        assertThat(lab.newApi().withToken("GET", "/api/me", token).status()).isEqualTo(200);

        assertThat(cli(saved, "logout")).contains("Logged out of " + api.baseUrl());
        assertThat(sessionFile).doesNotExist();
        assertThat(lab.newApi().withToken("GET", "/api/me", token).status()).isEqualTo(401);
        assertThat(cli(saved, "logout")).contains("Not logged in");
        // the others' sessions go on
        assertThat(vmUser.get("/api/me").status()).isEqualTo(200);
        Files.delete(sessionFile.getParent());
    }

    private static String cli(Map<String, String> environment, String... arguments) throws Exception {
        return VireoProcess.run(List.of(), List.of(arguments), Duration.ofSeconds(60), environment);
    }

    private static void refused(Api.Response response, int status, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.error()).as(response.toString()).isEqualTo(code);
        assertThat(response.message()).as(response.toString()).isNotBlank();
    }

    private static String name(String part) {
        return "rbac-" + part + "-" + SUFFIX;
    }

    private static JsonNode created(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.body();
    }

    private static String createUser(String part) {
        return created(api.post("/api/users", Map.of("name", name(part), "password", PASSWORD))).get("id").asText();
    }

    private static Api login(String part) {
        return lab.newApi().login(name(part), PASSWORD);
    }

    private static void grant(String principalType, String principalId, String role, String objectType, String objectId) {
        Map<String, Object> body = new HashMap<>(Map.of("principalType", principalType, "principalId", principalId, "role", role,
                "objectType", objectType));
        if (objectId != null) {
            body.put("objectId", objectId);
        }
        created(api.post("/api/permissions", body));
    }

    private static String roleId(String name) {
        for (JsonNode role : api.get("/api/roles").body()) {
            if (role.get("name").asText().equals(name)) {
                return role.get("id").asText();
            }
        }
        throw new AssertionError("no role " + name);
    }

    private static Map<String, Object> vmBody(String name, String cluster) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("clusterId", cluster);
        body.put("vcpus", 1);
        body.put("memoryMib", 128);
        if (cluster.equals(lab.clusterId())) {
            body.put("kernelFileId", lab.kernelFileId());
            body.put("initrdFileId", lab.initrdFileId());
        } else {
            body.put("kernelFileId", otherKernel);
        }
        body.put("cmdline", lab.guest().kernelCmdline());
        return body;
    }

    /**
     * A boot file of a data center without hosts: a VM boots only boot files of its own data center,
     * and without a host nothing can scan one, so the row is written as a scan would write it (the
     * one shortcut here; VM C never starts).
     */
    private static String bootFileWithoutAHost(String dataCenter) {
        String domain = created(api.post("/api/storagedomains", Map.of("name", name("sd"), "dataCenterId", dataCenter,
                "path", "/var/lib/vireo-rbac-" + name("sd")))).get("id").asText();
        UUID id = UUID.randomUUID();
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(lab.engineDatabaseUrl(), "vireo",
                java.nio.file.Files.readString(lab.engineDatabasePasswordFile()).strip());
             java.sql.PreparedStatement insert = db.prepareStatement("INSERT INTO boot_files (id, storage_domain_id, name, size_bytes, "
                     + "seen_at) VALUES (?, ?, 'vmlinuz', 1, now())")) {
            insert.setObject(1, id);
            insert.setObject(2, UUID.fromString(domain));
            insert.executeUpdate();
        } catch (java.io.IOException | java.sql.SQLException e) {
            throw new IllegalStateException("cannot write the boot file row", e);
        }
        return id.toString();
    }

    private static String createVm(Api as, String part, String cluster) {
        String id = created(as.post("/api/vms", vmBody(name(part), cluster))).get("id").asText();
        createdVms.add(id);
        return id;
    }

    private static List<String> vmIds(Api as) {
        return ids(as.get("/api/vms?max=1000"));
    }

    private static List<String> ids(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.body().forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }
}
