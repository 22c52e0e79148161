package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.VmNic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** vireo vm nic: a VM's network interfaces, on a logical network or a network of the built-in provider. */
@Command(name = "nic", mixinStandardHelpOptions = true, description = "A VM's network interfaces",
        subcommands = VmNicCommands.Link.class)
final class VmNicCommands {
    private static final List<String> COLUMNS = List.of("id", "name", "networkId", "mac", "linked", "profileId", "portId");

    @Command(name = "list", description = "List a VM's network interfaces")
    int list(@Parameters(paramLabel = "VM") String vm, @Option(names = "--json") boolean json) throws Exception {
        ApiClient client = Session.load().client();
        Output.table(System.out, client.get("/api/vms/" + Names.resolve(client, "vms", vm) + "/nics"), COLUMNS, json);
        return 0;
    }

    @Command(name = "add", description = "Add a network interface to a Down VM, or plug it into an Up one (virtio)")
    int add(@Parameters(paramLabel = "VM") String vm,
            @Option(names = "--name", required = true, description = "e.g. nic1") String name,
            @Option(names = "--network", description = "A logical network (with its default vNIC profile), or with --overlay a "
                    + "network of the built-in provider") String network,
            @Option(names = "--overlay", description = "--network names a provider network (vireo network overlay list)")
            boolean overlay,
            @Option(names = "--profile", description = "A vNIC profile (instead of --network)") String profile,
            @Option(names = "--mac", description = "Else one from the data center's MAC pool") String mac,
            @Option(names = "--unlinked", description = "Start with the link down (the cable pulled out)") boolean unlinked)
            throws Exception {
        if ((network == null) == (profile == null)) {
            throw new IllegalArgumentException("Give --network or --profile (one of them)");
        }
        ApiClient client = Session.load().client();
        String networkId = network == null ? null
                : overlay ? Names.resolveNeutron(client, "networks", network) : Names.resolve(client, "networks", network);
        JsonNode nic = client.post("/api/vms/" + Names.resolve(client, "vms", vm) + "/nics", new VmNic.Create(name, networkId, mac,
                unlinked ? false : null, Names.resolve(client, "vnicprofiles", profile)));
        Output.item(System.out, nic);
        return 0;
    }

    @Command(name = "remove", description = "Remove a network interface from a Down VM, or unplug it from an Up one")
    int remove(@Parameters(paramLabel = "VM") String vm, @Parameters(paramLabel = "NIC") String nic) throws Exception {
        ApiClient client = Session.load().client();
        String vmId = Names.resolve(client, "vms", vm);
        client.delete("/api/vms/" + vmId + "/nics/" + nic(client, vmId, nic).get("id").asText());
        System.out.println("nic " + nic + " removed from vm " + vm);
        return 0;
    }

    @Command(name = "link", mixinStandardHelpOptions = true, description = "Link a network interface up or down (live on an Up VM)")
    static final class Link {
        @Command(name = "up", description = "Plug the cable in")
        int up(@Parameters(paramLabel = "VM") String vm, @Parameters(paramLabel = "NIC") String nic) throws Exception {
            return link(vm, nic, true);
        }

        @Command(name = "down", description = "Pull the cable out")
        int down(@Parameters(paramLabel = "VM") String vm, @Parameters(paramLabel = "NIC") String nic) throws Exception {
            return link(vm, nic, false);
        }

        private static int link(String vm, String nic, boolean linked) throws Exception {
            ApiClient client = Session.load().client();
            String vmId = Names.resolve(client, "vms", vm);
            Output.item(System.out, client.put("/api/vms/" + vmId + "/nics/" + nic(client, vmId, nic).get("id").asText(),
                    new VmNic.Update(linked)));
            return 0;
        }
    }

    /** The VM's NIC with that name or id. */
    static JsonNode nic(ApiClient client, String vmId, String nameOrId) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode nic : client.get("/api/vms/" + vmId + "/nics")) {
            if (nameOrId.equals(nic.path("id").asText()) || nameOrId.equals(nic.path("name").asText())) {
                return nic;
            }
            names.add(nic.path("name").asText());
        }
        throw new IllegalArgumentException("The VM has no NIC named '" + nameOrId + "'"
                + (names.isEmpty() ? " (it has none)" : " (it has " + String.join(", ", names) + ")"));
    }
}
