package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.VmPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** vireo pool: desktop pools. */
@Command(name = "pool", mixinStandardHelpOptions = true, description = "Desktop pools")
final class PoolCommands {
    private static final List<String> COLUMNS = List.of("id", "name", "type", "size", "desktops", "free", "assigned", "running",
            "prestarted", "status");

    @Command(name = "create", description = "Create a pool of desktops made as thin clones of a template VM's disks")
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--template", required = true, description = "A Down VM whose hardware and disks the desktops copy")
               String template,
               @Option(names = "--type", defaultValue = "AUTOMATIC",
                       description = "AUTOMATIC (stateless: back to the pool and reset when shut down) or MANUAL (stays the user's)")
               String type,
               @Option(names = "--size", required = true) int size,
               @Option(names = "--prestarted", defaultValue = "0", description = "Free desktops kept running") int prestarted,
               @Option(names = "--max-per-user", defaultValue = "1") int maxPerUser,
               @Option(names = "--description") String description) throws Exception {
        ApiClient client = Session.load().client();
        Output.item(System.out, client.post("/api/vmpools", new VmPool.Create(name, description, null,
                Names.resolve(client, "vms", template), type.toUpperCase(), size, prestarted, maxPerUser)));
        return 0;
    }

    @Command(name = "list", description = "List pools with their desktop counts")
    int list(@Option(names = "--json") boolean json) throws Exception {
        return new ClientCommands.ListVerb("/api/vmpools", COLUMNS).print(json);
    }

    @Command(name = "show", description = "Show a pool")
    int show(@Parameters(paramLabel = "POOL") String pool) throws Exception {
        ApiClient client = Session.load().client();
        Output.item(System.out, client.get("/api/vmpools/" + Names.resolve(client, "vmpools", pool)));
        return 0;
    }

    @Command(name = "set", description = "Resize a pool or change its prestarted desktops or desktops per user")
    int set(@Parameters(paramLabel = "POOL") String pool, @Option(names = "--size") Integer size,
            @Option(names = "--prestarted") Integer prestarted, @Option(names = "--max-per-user") Integer maxPerUser,
            @Option(names = "--description") String description) throws Exception {
        ApiClient client = Session.load().client();
        Output.item(System.out, client.put("/api/vmpools/" + Names.resolve(client, "vmpools", pool),
                new VmPool.Update(description, size, prestarted, maxPerUser)));
        return 0;
    }

    @Command(name = "delete", description = "Remove a pool and its desktops (stop them first)")
    int delete(@Parameters(paramLabel = "POOL") String pool) throws Exception {
        ApiClient client = Session.load().client();
        client.delete("/api/vmpools/" + Names.resolve(client, "vmpools", pool));
        System.out.println("Pool " + pool + " is being removed with its desktops");
        return 0;
    }

    @Command(name = "take", description = "Take a desktop from the pool for the logged-in user; waits until it runs")
    int take(@Parameters(paramLabel = "POOL") String pool) throws Exception {
        ApiClient client = Session.load().client();
        JsonNode allocation = client.post("/api/vmpools/" + Names.resolve(client, "vmpools", pool) + "/allocatevm", null);
        JsonNode vm = allocation.get("vm");
        System.out.println("Desktop " + vm.get("name").asText() + " (" + vm.get("id").asText() + ") is yours");
        if (allocation.hasNonNull("jobId")) {
            JsonNode job = JobProgress.follow(client, client.get("/api/jobs/" + allocation.get("jobId").asText()), System.out);
            return job.get("status").asText().equals("DONE") ? 0 : 1;
        }
        return 0;
    }
}
