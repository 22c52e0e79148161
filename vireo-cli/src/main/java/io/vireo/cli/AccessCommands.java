package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.Group;
import io.vireo.model.Role;
import io.vireo.model.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The client verbs for users, groups, roles and permissions. */
final class AccessCommands {
    private AccessCommands() {
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Users of the engine's directory")
    static final class Users {
        @Command(name = "create", description = "Add a user")
        int create(@Parameters(paramLabel = "NAME") String name,
                   @Option(names = "--password-file", description = "Read the password from a file (else VIREO_NEW_PASSWORD, else a prompt)")
                   Path passwordFile,
                   @Option(names = "--display-name") String displayName, @Option(names = "--email") String email) throws Exception {
            String password = newPassword(name, passwordFile);
            Output.item(System.out, Session.load().client().post("/api/users", new User.Create(name, password, displayName, email)));
            return 0;
        }

        @Command(name = "list", description = "List users")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return new ClientCommands.ListVerb("/api/users", List.of("id", "name", "enabled", "email", "displayName")).print(json);
        }

        @Command(name = "disable", description = "Disable a user: it cannot log in, its tokens stop working")
        int disable(@Parameters(paramLabel = "USER") String user) throws Exception {
            return setEnabled(user, false);
        }

        @Command(name = "enable", description = "Enable a disabled user")
        int enable(@Parameters(paramLabel = "USER") String user) throws Exception {
            return setEnabled(user, true);
        }

        @Command(name = "delete", description = "Remove a user with its tokens, memberships and permissions")
        int delete(@Parameters(paramLabel = "USER") String user) throws Exception {
            ApiClient client = Session.load().client();
            client.delete("/api/users/" + Names.resolve(client, "users", user));
            System.out.println("user " + user + " removed");
            return 0;
        }

        private static int setEnabled(String user, boolean enabled) throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.put("/api/users/" + Names.resolve(client, "users", user),
                    new User.Update(null, null, null, enabled)));
            return 0;
        }

        private static String newPassword(String name, Path passwordFile) throws Exception {
            if (passwordFile != null) {
                return Files.readString(passwordFile).strip();
            }
            if (System.getenv("VIREO_NEW_PASSWORD") != null) {
                return System.getenv("VIREO_NEW_PASSWORD");
            }
            Console console = System.console();
            if (console == null) {
                throw new IllegalStateException("No terminal to ask for the password: use --password-file or VIREO_NEW_PASSWORD");
            }
            return new String(console.readPassword("Password for the new user %s: ", name));
        }
    }

    @Command(name = "group", mixinStandardHelpOptions = true, description = "Groups of users")
    static final class Groups {
        @Command(name = "create", description = "Add a group")
        int create(@Parameters(paramLabel = "NAME") String name, @Option(names = "--description") String description)
                throws Exception {
            Output.item(System.out, Session.load().client().post("/api/groups", new Group.Create(name, description)));
            return 0;
        }

        @Command(name = "list", description = "List groups")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return new ClientCommands.ListVerb("/api/groups", List.of("id", "name", "memberIds")).print(json);
        }

        @Command(name = "add-member", description = "Add a user to a group")
        int addMember(@Parameters(paramLabel = "GROUP") String group, @Parameters(paramLabel = "USER") String user)
                throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.post("/api/groups/" + Names.resolve(client, "groups", group) + "/members",
                    new Group.Member(Names.resolve(client, "users", user))));
            return 0;
        }

        @Command(name = "remove-member", description = "Take a user out of a group")
        int removeMember(@Parameters(paramLabel = "GROUP") String group, @Parameters(paramLabel = "USER") String user)
                throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.delete("/api/groups/" + Names.resolve(client, "groups", group) + "/members/"
                    + Names.resolve(client, "users", user)));
            return 0;
        }

        @Command(name = "delete", description = "Remove a group")
        int delete(@Parameters(paramLabel = "GROUP") String group) throws Exception {
            ApiClient client = Session.load().client();
            client.delete("/api/groups/" + Names.resolve(client, "groups", group));
            System.out.println("group " + group + " removed");
            return 0;
        }
    }

    @Command(name = "role", mixinStandardHelpOptions = true, description = "Roles: named sets of permissions")
    static final class Roles {
        @Command(name = "list", description = "List roles with their permissions")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return new ClientCommands.ListVerb("/api/roles", List.of("id", "name", "builtIn", "permissions")).print(json);
        }

        @Command(name = "create", description = "Add a custom role")
        int create(@Parameters(paramLabel = "NAME") String name,
                   @Option(names = "--permissions", required = true, split = ",",
                           description = "Comma-separated: e.g. VIEW,VM_POWER,VM_CONSOLE") List<String> permissions,
                   @Option(names = "--description") String description) throws Exception {
            Output.item(System.out, Session.load().client().post("/api/roles", new Role.Create(name, description, permissions)));
            return 0;
        }

        @Command(name = "delete", description = "Remove a custom role that is granted nowhere")
        int delete(@Parameters(paramLabel = "ROLE") String role) throws Exception {
            ApiClient client = Session.load().client();
            client.delete("/api/roles/" + Names.resolve(client, "roles", role));
            System.out.println("role " + role + " removed");
            return 0;
        }
    }

    @Command(name = "permission", mixinStandardHelpOptions = true, description = "Roles granted to users and groups on objects")
    static final class Permissions {
        private static final Map<String, String> COLLECTIONS = Map.of("DATA_CENTER", "datacenters", "CLUSTER", "clusters",
                "HOST", "hosts", "STORAGE_DOMAIN", "storagedomains", "DISK", "disks", "VM", "vms", "VM_POOL", "vmpools");

        @Command(name = "grant", description = "Grant a role to a user (or --group) on an object, e.g. "
                + "`vireo permission grant alice UserRole --vm web1` or `... --system`")
        int grant(@Parameters(paramLabel = "USER_OR_GROUP") String principal, @Parameters(paramLabel = "ROLE") String role,
                  @Option(names = "--group", description = "The principal is a group") boolean group,
                  @Option(names = "--system") boolean system, @Option(names = "--dc") String dataCenter,
                  @Option(names = "--cluster") String cluster, @Option(names = "--host") String host,
                  @Option(names = "--storage") String storage, @Option(names = "--disk") String disk,
                  @Option(names = "--vm") String vm, @Option(names = "--pool") String pool) throws Exception {
            Map<String, String> objects = new HashMap<>();
            put(objects, "DATA_CENTER", dataCenter);
            put(objects, "CLUSTER", cluster);
            put(objects, "HOST", host);
            put(objects, "STORAGE_DOMAIN", storage);
            put(objects, "DISK", disk);
            put(objects, "VM", vm);
            put(objects, "VM_POOL", pool);
            if (objects.size() + (system ? 1 : 0) != 1) {
                throw new IllegalArgumentException("Name exactly one object: --system, --dc, --cluster, --host, --storage, --disk, "
                        + "--vm or --pool");
            }
            ApiClient client = Session.load().client();
            Map<String, Object> body = new HashMap<>();
            body.put("principalType", group ? "GROUP" : "USER");
            body.put("principalId", Names.resolve(client, group ? "groups" : "users", principal));
            body.put("role", role);
            if (system) {
                body.put("objectType", "SYSTEM");
            } else {
                var object = objects.entrySet().iterator().next();
                body.put("objectType", object.getKey());
                body.put("objectId", Names.resolve(client, COLLECTIONS.get(object.getKey()), object.getValue()));
            }
            Output.item(System.out, client.post("/api/permissions", body));
            return 0;
        }

        @Command(name = "list", description = "List permissions (those I may manage), optionally on one object")
        int list(@Option(names = "--object-type", description = "One of SYSTEM, DATA_CENTER, CLUSTER, VM_POOL, VM, HOST, "
                         + "STORAGE_DOMAIN, DISK") String objectType,
                 @Option(names = "--object", description = "The object's name or id (with --object-type)") String object,
                 @Option(names = "--json") boolean json) throws Exception {
            ApiClient client = Session.load().client();
            StringBuilder path = new StringBuilder("/api/permissions");
            if (objectType != null) {
                path.append("?objectType=").append(ApiClient.encode(objectType));
                if (object != null) {
                    String collection = COLLECTIONS.get(objectType);
                    if (collection == null) {
                        throw new IllegalArgumentException("--object needs --object-type, one of " + COLLECTIONS.keySet());
                    }
                    path.append("&objectId=").append(ApiClient.encode(Names.resolve(client, collection, object)));
                }
            }
            JsonNode items = client.get(path.toString());
            Output.table(System.out, items, List.of("id", "principalType", "principalName", "roleName", "objectType", "objectId"),
                    json);
            return 0;
        }

        @Command(name = "revoke", description = "Revoke a permission by its id")
        int revoke(@Parameters(paramLabel = "ID") String id) throws Exception {
            Session.load().client().delete("/api/permissions/" + ApiClient.encode(id));
            System.out.println("permission " + id + " revoked");
            return 0;
        }

        private static void put(Map<String, String> objects, String type, String value) {
            if (value != null) {
                objects.put(type, value);
            }
        }
    }
}
