package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.Vm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

@Command(name = "vm", mixinStandardHelpOptions = true, description = "Virtual machines", subcommands = VmNicCommands.class)
public final class VmCommands {
    @Command(name = "create", description = "Create a VM")
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--cluster", required = true) String clusterId,
               @Option(names = "--vcpus", defaultValue = "1") int vcpus,
               @Option(names = "--memory-mib", defaultValue = "512") int memoryMib,
               @Option(names = "--disk", description = "Disk id; repeat for more; the first boots") List<String> disks,
               @Option(names = "--kernel", description = "Boot file (name or id, see vireo bootfile list) to boot directly")
               String kernel,
               @Option(names = "--initrd", description = "Boot file (name or id) of its initrd") String initrd,
               @Option(names = "--cmdline") String cmdline,
               @Option(names = "--graphics", defaultValue = "vnc") String graphics) throws Exception {
        ApiClient client = Session.load().client();
        JsonNode vm = client.post("/api/vms", new Vm.Create(name, Names.resolve(client, "clusters", clusterId), vcpus, memoryMib,
                Names.resolveAll(client, "disks", disks), Names.resolve(client, "bootfiles", kernel),
                Names.resolve(client, "bootfiles", initrd), cmdline, graphics, null, null));
        System.out.println("vm " + vm.get("id").asText() + " created (Down)");
        return 0;
    }

    @Command(name = "list", description = "List VMs")
    int list(@Option(names = "--search", description = "e.g. 'name=web* and status=up'") String search,
             @Option(names = "--json") boolean json) throws Exception {
        String path = "/api/vms" + (search == null ? "" : "?search=" + ApiClient.encode(search));
        Output.table(System.out, Session.load().client().get(path),
                List.of("id", "name", "status", "vcpus", "memoryMib", "hostId"), json);
        return 0;
    }

    @Command(name = "show", description = "Show a VM")
    int show(@Parameters(paramLabel = "VM") String id) throws Exception {
        ApiClient client = Session.load().client();
        Output.item(System.out, client.get("/api/vms/" + Names.resolve(client, "vms", id)));
        return 0;
    }

    @Command(name = "start", description = "Start a VM and follow the job")
    int start(@Parameters(paramLabel = "VM") String id, @Option(names = "--host") String hostId) throws Exception {
        ApiClient client = Session.load().client();
        return action(id, "start", hostId == null ? null : Map.of("hostId", Names.resolve(client, "hosts", hostId)));
    }

    @Command(name = "stop", description = "Power a VM off")
    int stop(@Parameters(paramLabel = "VM") String id) throws Exception {
        return action(id, "stop", null);
    }

    @Command(name = "shutdown", description = "Shut a VM down, powering off after the timeout")
    int shutdown(@Parameters(paramLabel = "VM") String id, @Option(names = "--timeout", defaultValue = "60") int timeout)
            throws Exception {
        return action(id, "shutdown", Map.of("timeoutSeconds", timeout));
    }

    @Command(name = "reboot", description = "Reboot a VM through the guest, or reset it with --force")
    int reboot(@Parameters(paramLabel = "VM") String id, @Option(names = "--force") boolean force) throws Exception {
        return action(id, "reboot", Map.of("force", force));
    }

    @Command(name = "suspend", description = "Suspend (pause) a VM")
    int suspend(@Parameters(paramLabel = "VM") String id) throws Exception {
        return action(id, "suspend", null);
    }

    @Command(name = "resume", description = "Resume a suspended VM")
    int resume(@Parameters(paramLabel = "VM") String id) throws Exception {
        return action(id, "resume", null);
    }

    @Command(name = "migrate", description = "Live-migrate a running VM (to --host, or where the scheduler says)")
    int migrate(@Parameters(paramLabel = "VM") String id, @Option(names = "--host") String hostId) throws Exception {
        ApiClient client = Session.load().client();
        return action(id, "migrate", hostId == null ? null : Map.of("hostId", Names.resolve(client, "hosts", hostId)));
    }

    @Command(name = "cancel-migration", description = "Abort a VM's live migration in flight")
    int cancelMigration(@Parameters(paramLabel = "VM") String id) throws Exception {
        ApiClient client = Session.load().client();
        client.post("/api/vms/" + Names.resolve(client, "vms", id) + "/cancelmigration", null);
        System.out.println("migration of vm " + id + " cancelled");
        return 0;
    }

    @Command(name = "delete", description = "Remove a Down VM")
    int delete(@Parameters(paramLabel = "VM") String id, @Option(names = "--remove-disks") boolean removeDisks) throws Exception {
        ApiClient client = Session.load().client();
        JsonNode answer = client.delete("/api/vms/" + Names.resolve(client, "vms", id) + "?removeDisks=" + removeDisks);
        for (JsonNode job : answer.path("jobs")) {
            JobProgress.follow(client, job, System.out);
        }
        System.out.println("vm " + id + " removed");
        return 0;
    }

    @Command(name = "console-log", description = "Print the guest's serial console log")
    int consoleLog(@Parameters(paramLabel = "VM") String id) throws Exception {
        ApiClient client = Session.load().client();
        JsonNode chunk = client.get("/api/vms/" + Names.resolve(client, "vms", id) + "/consolelog?offset=0");
        System.out.print(chunk.path("text").asText());
        return 0;
    }

    @Command(name = "console", description = "Print the VM's browser console address; with --viewer-file, also "
            + "write a remote-viewer (.vv) file with a one-time password")
    int console(@Parameters(paramLabel = "VM") String id,
                @Option(names = "--viewer-file", description = "Where to write the .vv file (then: remote-viewer FILE)")
                Path viewerFile) throws Exception {
        Session session = Session.load();
        ApiClient client = session.client();
        String vmId = Names.resolve(client, "vms", id);
        System.out.println(session.url() + "/console/?vm=" + vmId);
        if (viewerFile != null) {
            String file = client.getText("/api/vms/" + vmId + "/remoteviewerconnectionfile");
            // it holds a password: readable by its owner only, from the first byte on
            Files.deleteIfExists(viewerFile);
            Files.createFile(viewerFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(viewerFile, file);
            System.out.println("remote-viewer " + viewerFile + "   (the password in it is good for one ticket's time)");
        }
        return 0;
    }

    private static int action(String id, String verb, Object body) throws Exception {
        ApiClient client = Session.load().client();
        JsonNode job = JobProgress.follow(client, client.post("/api/vms/" + Names.resolve(client, "vms", id) + "/" + verb, body),
                System.out);
        return job.get("status").asText().equals("DONE") ? 0 : 3;
    }
}
