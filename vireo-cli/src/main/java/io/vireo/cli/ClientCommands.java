package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.Disk;
import io.vireo.model.Host;
import io.vireo.model.StorageDomain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** The client verbs for data centers, clusters, storage, disks, hosts, events and jobs. */
final class ClientCommands {
    private ClientCommands() {
    }

    abstract static class Verb implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON")
        boolean json;

        ApiClient client() throws Exception {
            return Session.load().client();
        }
    }

    @Command(name = "list", description = "List")
    /** The API's largest page: a list verb shows everything up to it. */
    static final int LIST_MAX = 10_000;

    static final class ListVerb extends Verb {
        private final String path;
        private final List<String> columns;

        ListVerb(String path, List<String> columns) {
            this.path = path;
            this.columns = columns;
        }

        @Override
        public Integer call() throws Exception {
            Output.table(System.out, client().get(path + (path.contains("?") ? "&" : "?") + "max=" + LIST_MAX), columns, json);
            return 0;
        }

        int print(boolean asJson) throws Exception {
            this.json = asJson;
            return call();
        }
    }

    @Command(name = "dc", mixinStandardHelpOptions = true, description = "Data centers")
    static final class DataCenters {
        @Command(name = "create", description = "Create a data center")
        int create(@Parameters(paramLabel = "NAME") String name, @Option(names = "--description") String description)
                throws Exception {
            Output.item(System.out, Session.load().client().post("/api/datacenters", new DataCenter.Create(name, description)));
            return 0;
        }

        @Command(name = "list", description = "List data centers")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return new ListVerb("/api/datacenters", List.of("id", "name", "description")).print(json);
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true, description = "Clusters")
    static final class Clusters {
        @Command(name = "create", description = "Create a cluster in a data center")
        int create(@Parameters(paramLabel = "NAME") String name, @Option(names = "--dc", required = true) String dataCenterId)
                throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.post("/api/clusters", new Cluster.Create(name, Names.resolve(client, "datacenters",
                    dataCenterId), null, null)));
            return 0;
        }

        @Command(name = "set-policy", description = "Change a cluster's scheduling and migration policy")
        int setPolicy(@Parameters(paramLabel = "ID") String id,
                      @Option(names = "--scheduling", description = "none, evenly_distributed, power_saving, vm_evenly_distributed")
                      String scheduling,
                      @Option(names = "--max-downtime-ms") Integer maxDowntime,
                      @Option(names = "--bandwidth-mibps") Integer bandwidth,
                      @Option(names = "--auto-converge", arity = "1", paramLabel = "true|false") Boolean autoConverge,
                      @Option(names = "--post-copy", arity = "1", paramLabel = "true|false") Boolean postCopy)
                throws Exception {
            var body = new java.util.HashMap<String, Object>();
            if (scheduling != null) {
                body.put("schedulingPolicy", scheduling);
            }
            var migration = new java.util.HashMap<String, Object>();
            if (maxDowntime != null) {
                migration.put("maxDowntimeMs", maxDowntime);
            }
            if (bandwidth != null) {
                migration.put("bandwidthMiBps", bandwidth);
            }
            if (autoConverge != null) {
                migration.put("autoConverge", autoConverge);
            }
            if (postCopy != null) {
                migration.put("postCopy", postCopy);
            }
            if (!migration.isEmpty()) {
                body.put("migrationPolicy", migration);
            }
            ApiClient client = Session.load().client();
            Output.item(System.out, client.put("/api/clusters/" + Names.resolve(client, "clusters", id), body));
            return 0;
        }

        @Command(name = "list", description = "List clusters")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return new ListVerb("/api/clusters", List.of("id", "name", "dataCenterId")).print(json);
        }
    }

    @Command(name = "storage", mixinStandardHelpOptions = true, description = "Storage domains")
    static final class StorageDomains {
        @Command(name = "create", description = "Add a file storage domain: a directory every host sees")
        int create(@Parameters(paramLabel = "NAME") String name, @Option(names = "--dc", required = true) String dataCenterId,
                   @Option(names = "--path", required = true) String path) throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.post("/api/storagedomains",
                    new StorageDomain.Create(name, Names.resolve(client, "datacenters", dataCenterId), "file", path)));
            return 0;
        }

        @Command(name = "list", description = "List storage domains")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return new ListVerb("/api/storagedomains", List.of("id", "name", "type", "path")).print(json);
        }

        @Command(name = "scan-boot-files", description = "Learn the files of the domain's boot-files directory "
                + "(PATH/boot-files/: kernels and initrds an administrator copied there), through a host of its data center")
        int scanBootFiles(@Parameters(paramLabel = "DOMAIN") String domain, @Option(names = "--json") boolean json) throws Exception {
            ApiClient client = Session.load().client();
            JsonNode result = client.post("/api/storagedomains/" + Names.resolve(client, "storagedomains", domain)
                    + "/bootfiles/scan", null);
            if (json) {
                Output.item(System.out, result);
                return 0;
            }
            System.out.printf("%d new, %d removed, %d missing but still used by a VM, %d entries skipped%n",
                    result.get("added").asInt(), result.get("removed").asInt(), result.get("markedMissing").asInt(),
                    result.get("skipped").asInt());
            Output.table(System.out, result.get("files"), List.of("id", "name", "sizeBytes", "missing"), false);
            return 0;
        }
    }

    @Command(name = "bootfile", mixinStandardHelpOptions = true, description = "Boot files: kernels and initrds a VM may boot "
            + "(vireo vm create --kernel NAME --initrd NAME)")
    static final class BootFiles {
        @Command(name = "list", description = "List the boot files of the data centers where you may create VMs")
        int list(@Option(names = "--storage", description = "Only those of this storage domain") String domain,
                 @Option(names = "--json") boolean json) throws Exception {
            String path = "/api/bootfiles";
            if (domain != null) {
                path += "?search=" + ApiClient.encode("storage=" + Names.resolve(Session.load().client(), "storagedomains", domain));
            }
            return new ListVerb(path, List.of("id", "name", "sizeBytes", "storageDomainId", "missing")).print(json);
        }
    }

    @Command(name = "disk", mixinStandardHelpOptions = true, description = "Disks")
    static final class Disks {
        @Command(name = "create", description = "Create a disk (qcow2 by default) and wait for it")
        int create(@Parameters(paramLabel = "NAME") String name, @Option(names = "--storage", required = true) String domainId,
                   @Option(names = "--size-mib", required = true) long sizeMib,
                   @Option(names = "--format", defaultValue = "qcow2") String format) throws Exception {
            ApiClient client = Session.load().client();
            JsonNode answer = client.post("/api/disks", new Disk.Create(name, Names.resolve(client, "storagedomains", domainId),
                    sizeMib * 1024 * 1024, format));
            JsonNode job = JobProgress.follow(client, answer.get("job"), System.out);
            System.out.println("disk " + answer.get("disk").get("id").asText());
            return job.get("status").asText().equals("DONE") ? 0 : 3;
        }

        @Command(name = "list", description = "List disks")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return new ListVerb("/api/disks", List.of("id", "name", "sizeBytes", "format", "status", "vmId")).print(json);
        }

        @Command(name = "delete", description = "Remove a disk that no VM uses")
        int delete(@Parameters(paramLabel = "ID") String id) throws Exception {
            ApiClient client = Session.load().client();
            JsonNode job = JobProgress.follow(client, client.delete("/api/disks/" + Names.resolve(client, "disks", id)), System.out);
            return job.get("status").asText().equals("DONE") ? 0 : 3;
        }
    }

    @Command(name = "host", mixinStandardHelpOptions = true, description = "Hosts")
    static final class Hosts {
        @Command(name = "add", description = "Add a host; prints the one-time token for 'vireo agent enroll'")
        int add(@Parameters(paramLabel = "NAME") String name, @Option(names = "--address", required = true) String address,
                @Option(names = "--cluster", required = true) String clusterId) throws Exception {
            Session session = Session.load();
            JsonNode created = session.client().post("/api/hosts", new Host.Create(name, address,
                    Names.resolve(session.client(), "clusters", clusterId)));
            System.out.println("host " + created.get("host").get("id").asText() + " added; on that host run:");
            System.out.println("  vireo agent enroll --engine " + session.url() + " --token "
                    + created.get("enrollmentToken").asText() + " --ca-fingerprint " + created.get("caFingerprint").asText());
            System.out.println("  vireo agent run");
            return 0;
        }

        @Command(name = "deactivate", description = "Move every VM off a host by live migration, then put it in maintenance")
        int deactivate(@Parameters(paramLabel = "ID") String id) throws Exception {
            ApiClient client = Session.load().client();
            JsonNode job = JobProgress.follow(client, client.post("/api/hosts/" + Names.resolve(client, "hosts", id) + "/deactivate",
                    null), System.out);
            return job.get("status").asText().equals("DONE") ? 0 : 3;
        }

        @Command(name = "activate", description = "Bring a host in maintenance back")
        int activate(@Parameters(paramLabel = "ID") String id) throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.post("/api/hosts/" + Names.resolve(client, "hosts", id) + "/activate", null));
            return 0;
        }

        @Command(name = "list", description = "List hosts")
        int list(@Option(names = "--search") String search, @Option(names = "--json") boolean json) throws Exception {
            String path = "/api/hosts" + (search == null ? "" : "?search=" + ApiClient.encode(search));
            return new ListVerb(path, List.of("id", "name", "address", "status", "domainType", "runningVms", "statusDetail")).print(json);
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true,
            description = "Show the newest events (as tail does); --before to page back, --follow to keep printing new ones")
    static final class Events extends Verb {
        private static final List<String> COLUMNS = List.of("index", "time", "severity", "message");

        @Option(names = {"-n", "--last"}, defaultValue = "20", description = "How many events (default ${DEFAULT-VALUE})")
        int last;
        @Option(names = "--before", description = "The events before this index (the page before the one shown)")
        Long before;
        @Option(names = "--from", description = "The events from this index on, oldest first")
        Long from;
        @Option(names = {"-f", "--follow"}, description = "Keep printing events as they happen (Ctrl+C to stop)")
        boolean follow;

        @Override
        public Integer call() throws Exception {
            if (before != null && from != null) {
                throw new IllegalArgumentException("--before and --from go different ways: give one of them");
            }
            ApiClient client = client();
            String query = from != null ? "from=" + from + "&max=" + last
                    : "last=" + last + (before == null ? "" : "&before=" + before);
            JsonNode page = client.get("/api/events?" + query);
            Output.table(System.out, page, COLUMNS, json);
            if (!json && from == null && page.size() == last && page.size() > 0) {
                System.err.println("(older: vireo events --before " + page.get(0).get("index").asLong() + ")");
            }
            if (!follow) {
                return 0;
            }
            long next = page.isEmpty() ? (from == null ? 0 : from) : page.get(page.size() - 1).get("index").asLong() + 1;
            while (true) {
                System.out.flush();
                Thread.sleep(1000);
                JsonNode newer = client.get("/api/events?from=" + next + "&max=1000");
                for (JsonNode event : newer) {
                    System.out.println(json ? event.toString() : Output.row(event, COLUMNS));
                    next = event.get("index").asLong() + 1;
                }
            }
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true, description = "Show recent jobs")
    static final class Jobs extends Verb {
        @Override
        public Integer call() throws Exception {
            Output.table(System.out, client().get("/api/jobs?max=50"), List.of("id", "kind", "status", "description"), json);
            return 0;
        }
    }
}
