package io.vireo.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.Json;
import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;

import io.vireo.agent.hypervisor.HypervisorException;
import io.vireo.agent.hypervisor.ProcessRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The host's interfaces from iproute2 ({@code ip -details -json addr show}: name, MAC, MTU, state,
 * addresses, link kind, master, VLAN id and parent) and changes through {@code ip}, never through a shell.
 */
public final class IpLinks implements Links {
    private static final ObjectMapper MAPPER = Json.lenientMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Map<String, NicKind> KINDS = Map.of("bridge", NicKind.BRIDGE, "vlan", NicKind.VLAN,
            "bond", NicKind.BOND, "veth", NicKind.VETH);

    /** The network namespace ip works in ({@code ip -n}), or null for the agent's own. */
    private final String namespace;

    public IpLinks() {
        this(null);
    }

    /** The links of a named network namespace: for tests on a namespace of their own (physical NICs are then not told apart). */
    public IpLinks(String namespace) {
        this.namespace = namespace;
    }

    @Override
    public List<HostNic> interfaces() {
        return parse(inNamespace("-details", "-json", "addr", "show"),
                name -> namespace == null && Files.exists(Path.of("/sys/class/net", name, "device")));
    }

    @Override
    public void ip(String... arguments) {
        inNamespace(arguments);
    }

    @Override
    public String output(String... arguments) {
        return inNamespace(arguments);
    }

    private String inNamespace(String... arguments) {
        if (namespace == null) {
            return run(arguments);
        }
        List<String> all = new ArrayList<>(List.of("-n", namespace));
        all.addAll(List.of(arguments));
        return run(all.toArray(String[]::new));
    }

    /**
     * Reads ip's JSON. Link-local addresses (fe80::/10, 169.254/16: scope "link") are left out: every
     * interface that is up has one, and none of them is how anyone reaches the host.
     */
    static List<HostNic> parse(String json, Predicate<String> hasDevice) {
        try {
            List<HostNic> nics = new ArrayList<>();
            for (JsonNode link : MAPPER.readTree(json)) {
                String name = link.path("ifname").asText();
                JsonNode info = link.path("linkinfo");
                String infoKind = info.path("info_kind").asText("");
                NicKind kind = KINDS.getOrDefault(infoKind, infoKind.isEmpty() && hasDevice.test(name) ? NicKind.PHYSICAL : NicKind.OTHER);
                List<String> addresses = new ArrayList<>();
                for (JsonNode address : link.path("addr_info")) {
                    if (!address.path("scope").asText().equals("link") && address.has("local")) {
                        addresses.add(address.path("local").asText() + "/" + address.path("prefixlen").asInt());
                    }
                }
                String operstate = link.path("operstate").asText();
                boolean up = operstate.equals("UP") || (operstate.equals("UNKNOWN") && flag(link, "UP"));
                Integer vlanId = kind == NicKind.VLAN && info.path("info_data").has("id") ? info.path("info_data").path("id").asInt() : null;
                String vlanParent = kind == NicKind.VLAN ? text(link, "link") : null;
                nics.add(new HostNic(name, text(link, "address"), link.path("mtu").asInt(), up, addresses, kind,
                        text(link, "master"), vlanId, vlanParent));
            }
            return nics;
        } catch (IOException e) {
            throw new NetworkException("cannot read the output of ip: " + e.getMessage());
        }
    }

    private static boolean flag(JsonNode link, String flag) {
        for (JsonNode value : link.path("flags")) {
            if (value.asText().equals(flag)) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String run(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        ProcessRunner.Result result;
        try {
            result = ProcessRunner.run(command, TIMEOUT);
        } catch (HypervisorException e) {
            throw new NetworkException(e.getMessage());
        }
        if (!result.succeeded()) {
            throw new NetworkException(String.join(" ", command) + " failed: " + result.failure());
        }
        return result.stdout();
    }
}
