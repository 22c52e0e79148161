package io.vireo.model.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import io.vireo.model.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The wire format of every agent method and event, written out literally: these are the JSON field
 * names engines and agents of earlier versions send and read, so a record that changes them fails here.
 */
class AgentContractTest {
    private static final ObjectMapper MAPPER = Json.lenientMapper();
    private static final UUID VM = UUID.fromString("0b6c6a52-34c4-4b8e-9a51-3a1f4bd0c6a1");
    private static final UUID DISK = UUID.fromString("5d3f0c1e-7a0b-4c2d-8e9f-0a1b2c3d4e5f");
    private static final VmObservation RUNNING = new VmObservation(VM, "web1", GuestState.RUNNING, 5901, -1, 7_000_000L, 524288, 2);
    private static final String RUNNING_JSON = """
            {"id": "%s", "name": "web1", "state": "running", "vncPort": 5901, "displayTlsPort": -1, "cpuTimeNanos": 7000000,
             "memoryKib": 524288, "vcpus": 2}""".formatted(VM);
    private static final Instant VALID_TO = Instant.parse("2031-05-04T10:15:30.123456789Z");

    private final List<AgentMethod<?, ?>> tested = new ArrayList<>();

    private <P, R> void method(AgentMethod<P, R> method, P params, String paramsJson, R result, String resultJson) throws Exception {
        assertWire(method.paramsType(), params, paramsJson);
        assertWire(method.resultType(), result, resultJson);
        tested.add(method);
    }

    private static <T> void assertWire(Class<T> type, T value, String json) throws Exception {
        JsonNode expected = MAPPER.readTree(json);
        // parsed back from text, so that a long and an int of the same value compare equal, as on the wire
        assertThat(MAPPER.readTree(MAPPER.writeValueAsString(value))).as(type.getSimpleName() + " written").isEqualTo(expected);
        assertThat(MAPPER.treeToValue(expected, type)).as(type.getSimpleName() + " read").isEqualTo(value);
    }

    @Test
    void everyMethodKeepsItsFieldNames() throws Exception {
        HostFacts facts = new HostFacts("h1", "qemu", 4, 8_000_000, "9.0.0", "0.1.0");
        method(AgentMethod.HOST_HELLO, NoParams.INSTANCE, "{}", new HostHelloResult(facts, List.of(RUNNING), 12), """
                {"facts": {"hostname": "h1", "domainType": "qemu", "cpuCount": 4, "memoryTotalKib": 8000000,
                           "libvirtVersion": "9.0.0", "agentVersion": "0.1.0"},
                 "vms": [%s], "seq": 12}""".formatted(RUNNING_JSON));
        method(AgentMethod.VM_LIST, NoParams.INSTANCE, "{}", new VmListResult(List.of(RUNNING)), "[" + RUNNING_JSON + "]");

        VmSpec spec = new VmSpec(VM, "web1", 2, 512, List.of(new DiskAttachment(DISK, "/srv/d1.qcow2", "qcow2", "vda", 1)),
                new KernelBoot(new BootFileLocation("/srv/sd1", "vmlinuz"), new BootFileLocation("/srv/sd1", "initrd.img"), "console=ttyS0"), Graphics.SPICE);
        method(AgentMethod.VM_ENSURE_RUNNING, new EnsureRunningParams(spec), """
                {"spec": {"id": "%s", "name": "web1", "vcpus": 2, "memoryMib": 512,
                          "disks": [{"diskId": "%s", "path": "/srv/d1.qcow2", "format": "qcow2", "target": "vda", "bootOrder": 1}],
                          "kernelBoot": {"kernel": {"domainPath": "/srv/sd1", "name": "vmlinuz"},
                                         "initrd": {"domainPath": "/srv/sd1", "name": "initrd.img"}, "cmdline": "console=ttyS0"},
                          "graphics": "spice"}}""".formatted(VM, DISK),
                new EnsureRunningResult(RUNNING, true), "{\"observation\": " + RUNNING_JSON + ", \"alreadyRunning\": true}");
        method(AgentMethod.VM_ENSURE_STOPPED, new VmIdParams(VM), vmId(), new EnsureStoppedResult(true), "{\"wasRunning\": true}");
        method(AgentMethod.VM_REQUEST_SHUTDOWN, new VmIdParams(VM), vmId(), new ShutdownRequestResult(false), "{\"requested\": false}");
        method(AgentMethod.VM_REBOOT, new RebootParams(VM, true), "{\"vmId\": \"%s\", \"force\": true}".formatted(VM),
                new RebootResult(true), "{\"forced\": true}");
        method(AgentMethod.VM_ENSURE_PAUSED, new VmIdParams(VM), vmId(), RUNNING, RUNNING_JSON);
        method(AgentMethod.VM_ENSURE_RESUMED, new VmIdParams(VM), vmId(), RUNNING, RUNNING_JSON);
        method(AgentMethod.VM_SET_CONSOLE_PASSWORD, new ConsolePasswordParams(VM, "s3cret", VALID_TO),
                "{\"vmId\": \"%s\", \"password\": \"s3cret\", \"validTo\": \"2031-05-04T10:15:30.123456789Z\", \"disconnect\": false}".formatted(VM),
                new ConsolePasswordResult(VALID_TO), "{\"validTo\": \"2031-05-04T10:15:30.123456789Z\"}");
        method(AgentMethod.VM_READ_CONSOLE_LOG, new ConsoleLogParams(VM, 120), "{\"vmId\": \"%s\", \"offset\": 120}".formatted(VM),
                new ConsoleLogResult("GUEST-BOOTED\n", 133), "{\"text\": \"GUEST-BOOTED\\n\", \"nextOffset\": 133}");
        method(AgentMethod.DISK_ENSURE_CREATED, DiskCreateParams.image("/srv/d1.qcow2", 1 << 30, "qcow2"),
                "{\"path\": \"/srv/d1.qcow2\", \"sizeBytes\": 1073741824, \"format\": \"qcow2\"}",
                new DiskCreateResult("/srv/d1.qcow2", 196_608, true),
                "{\"path\": \"/srv/d1.qcow2\", \"actualSizeBytes\": 196608, \"created\": true}");
        method(AgentMethod.DISK_ENSURE_DELETED, new PathParams("/srv/d1.qcow2"), "{\"path\": \"/srv/d1.qcow2\"}",
                new DiskDeleteResult(true), "{\"deleted\": true}");
        method(AgentMethod.STORAGE_LIST_BOOT_FILES, new PathParams("/srv/sd1"), "{\"path\": \"/srv/sd1\"}",
                new BootFilesResult(List.of(new BootFilesResult.Entry("vmlinuz", 7_000_000)), 2),
                "{\"files\": [{\"name\": \"vmlinuz\", \"sizeBytes\": 7000000}], \"skipped\": 2}");
        method(AgentMethod.STORAGE_CHECK_PATH, new PathParams("/srv"), "{\"path\": \"/srv\"}",
                new PathCheckResult(true, false), "{\"exists\": true, \"writable\": false}");
        method(AgentMethod.VM_MIGRATE, new MigrateParams(VM, "qemu+tls://h2/system", MigrationPolicy.defaults()), """
                {"vmId": "%s", "destinationUri": "qemu+tls://h2/system",
                 "policy": {"maxDowntimeMs": 50, "bandwidthMiBps": 0, "autoConverge": false, "postCopy": false,
                            "downtimeStepsMs": [100, 200, 500, 1000], "stallSeconds": 10}}""".formatted(VM),
                new MigrationResult(MigrationOutcome.COMPLETED, 42, 3100, 1 << 20, false, "done"), """
                {"outcome": "completed", "downtimeMs": 42, "totalMs": 3100, "dataTransferredBytes": 1048576,
                 "postCopy": false, "message": "done"}""");
        method(AgentMethod.VM_CANCEL_MIGRATION, new VmIdParams(VM), vmId(), new CancelMigrationResult(true), "{\"cancelled\": true}");
        method(AgentMethod.VM_MIGRATION_STATUS, new VmIdParams(VM), vmId(),
                new MigrationStatusResult(true, new MigrationProgress(VM, 40, 80, 128, 100, MigrationPhase.PRECOPY)), """
                {"active": true, "progress": {"vmId": "%s", "percent": 40, "dataRemainingBytes": 80, "dataTotalBytes": 128,
                                              "currentMaxDowntimeMs": 100, "phase": "precopy"}}""".formatted(VM));
        method(AgentMethod.HOST_RENEW_CERTIFICATE, NoParams.INSTANCE, "{}", new RenewCertificateResult(true),
                "{\"requested\": true}");
        method(AgentMethod.HOST_INSTALL_CERTIFICATE, new InstallCertificateParams("CERT", List.of("CA1", "CA0")),
                "{\"certificatePem\": \"CERT\", \"caCertificatesPem\": [\"CA1\", \"CA0\"]}",
                new InstallCertificateResult("1f"), "{\"serial\": \"1f\"}");

        HostNic eth1 = new HostNic("eth1", "52:54:00:12:34:56", 1500, true, List.of(), NicKind.PHYSICAL, "vn0123456789", null, null);
        String eth1Json = """
                {"name": "eth1", "mac": "52:54:00:12:34:56", "mtu": 1500, "up": true, "addresses": [], "kind": "physical",
                 "master": "vn0123456789", "vlanId": null, "vlanParent": null}""";
        method(AgentMethod.NETWORK_ENSURE_BRIDGED, new EnsureBridgedParams(List.of(new BridgedNetwork("vn0123456789", "eth1", null, 1500),
                        new BridgedNetwork("vnabcdef0123", "eth0", 42, 9000))), """
                {"networks": [{"bridge": "vn0123456789", "hostNic": "eth1", "vlanId": null, "mtu": 1500},
                              {"bridge": "vnabcdef0123", "hostNic": "eth0", "vlanId": 42, "mtu": 9000}]}""",
                new EnsureBridgedResult(List.of(BridgeOutcome.carried("vn0123456789"), BridgeOutcome.refused("vnabcdef0123", "no")),
                        List.of(eth1)), """
                {"outcomes": [{"bridge": "vn0123456789", "carried": true, "error": null},
                              {"bridge": "vnabcdef0123", "carried": false, "error": "no"}],
                 "nics": [%s]}""".formatted(eth1Json));
        method(AgentMethod.NETWORK_ENSURE_REMOVED, new EnsureRemovedParams(List.of("vn0123456789")), "{\"bridges\": [\"vn0123456789\"]}",
                new EnsureRemovedResult(List.of(new BridgeOutcome("vn0123456789", false, null))),
                "{\"outcomes\": [{\"bridge\": \"vn0123456789\", \"carried\": false, \"error\": null}]}");
        String net = "0b0e6c1e-41a4-4a41-9d1c-8b5a4d5e6f70";
        String port = "7c9d2a4e-5f61-4b2c-8d3e-9f0a1b2c3d4e";
        method(AgentMethod.OVERLAY_CONVERGE, new OverlayState("10.231.0.1",
                        List.of(new OverlaySegment(net, 42, "brq0b0e6c1e-41", 1450, List.of("10.231.0.2"))),
                        List.of(new DhcpService(net, "qdhcp-" + net, "brq0b0e6c1e-41", "tap7c9d2a4e-5f", "fa:16:3e:00:00:01",
                                "10.0.0.2/24", 1450, List.of(new DhcpService.DhcpSubnet("s1", "10.0.0.0/24", "10.0.0.1",
                                        List.of("10.0.0.2"), 86400)), List.of(new DhcpService.DhcpHost("fa:16:3e:00:00:02", "10.0.0.5", "vm1")))),
                        List.of(new OverlayRouter("r1", "qrouter-r1", List.of(new OverlayRouter.RouterInterface("qr-7c9d2a4e-5f",
                                "brq0b0e6c1e-41", "fa:16:3e:00:00:03", "10.0.0.1/24", 1450)),
                                new OverlayRouter.RouterGateway("qg-7c9d2a4e-5f", "vn0123456789", "fa:16:3e:00:00:04",
                                        "10.231.128.10/24", "10.231.128.254", true, 1500),
                                List.of(new OverlayRouter.FloatingIpMapping("10.231.128.11", "10.0.0.5")))),
                        List.of(new PortFilter(port, "tap7c9d2a4e-5f", "fa:16:3e:00:00:02", List.of("10.0.0.5"), true,
                                List.of(new PortFilter.FilterRule("ingress", "icmp", null, null, List.of("10.0.0.0/24")),
                                        new PortFilter.FilterRule("egress", null, null, null, null))))), """
                {"localIp": "10.231.0.1",
                 "segments": [{"networkId": "%1$s", "vni": 42, "bridge": "brq0b0e6c1e-41", "mtu": 1450, "peers": ["10.231.0.2"]}],
                 "dhcp": [{"networkId": "%1$s", "namespace": "qdhcp-%1$s", "bridge": "brq0b0e6c1e-41", "device": "tap7c9d2a4e-5f",
                           "mac": "fa:16:3e:00:00:01", "address": "10.0.0.2/24", "mtu": 1450,
                           "subnets": [{"subnetId": "s1", "cidr": "10.0.0.0/24", "gatewayIp": "10.0.0.1", "dnsNameservers": ["10.0.0.2"],
                                        "leaseSeconds": 86400}],
                           "hosts": [{"mac": "fa:16:3e:00:00:02", "ip": "10.0.0.5", "hostname": "vm1"}]}],
                 "routers": [{"routerId": "r1", "namespace": "qrouter-r1",
                              "interfaces": [{"device": "qr-7c9d2a4e-5f", "bridge": "brq0b0e6c1e-41", "mac": "fa:16:3e:00:00:03",
                                              "address": "10.0.0.1/24", "mtu": 1450}],
                              "gateway": {"device": "qg-7c9d2a4e-5f", "bridge": "vn0123456789", "mac": "fa:16:3e:00:00:04",
                                          "address": "10.231.128.10/24", "nextHop": "10.231.128.254", "snat": true, "mtu": 1500},
                              "floatingIps": [{"floatingIp": "10.231.128.11", "fixedIp": "10.0.0.5"}]}],
                 "ports": [{"portId": "%2$s", "tap": "tap7c9d2a4e-5f", "mac": "fa:16:3e:00:00:02", "fixedIps": ["10.0.0.5"],
                            "portSecurity": true,
                            "rules": [{"direction": "ingress", "protocol": "icmp", "portMin": null, "portMax": null,
                                       "remotePrefixes": ["10.0.0.0/24"]},
                                      {"direction": "egress", "protocol": null, "portMin": null, "portMax": null, "remotePrefixes": null}]}]}"""
                        .formatted(net, port),
                new OverlayConvergeResult(List.of(new OverlayConvergeResult.Outcome("segment", net, true, null),
                        new OverlayConvergeResult.Outcome("router", "r1", false, "no bridge vn0123456789"))), """
                {"outcomes": [{"kind": "segment", "id": "%s", "done": true, "error": null},
                              {"kind": "router", "id": "r1", "done": false, "error": "no bridge vn0123456789"}]}""".formatted(net));
        VmNicParams nicParams = new VmNicParams(VM, new VmNicSpec("56:6f:00:00:00:01", "vn0123456789", "virtio", 1500, false, null));
        String nicParamsJson = """
                {"vmId": "%s", "nic": {"mac": "56:6f:00:00:00:01", "bridge": "vn0123456789", "model": "virtio", "mtu": 1500,
                                        "linked": false, "tap": null}}""".formatted(VM);
        method(AgentMethod.VM_ENSURE_NIC_PLUGGED, nicParams, nicParamsJson, new VmNicResult(true), "{\"changed\": true}");
        method(AgentMethod.VM_ENSURE_NIC_UNPLUGGED, nicParams, nicParamsJson, new VmNicResult(false), "{\"changed\": false}");
        method(AgentMethod.VM_SET_NIC_LINK, nicParams, nicParamsJson, new VmNicResult(true), "{\"changed\": true}");
        assertThat(tested).containsExactlyInAnyOrderElementsOf(AgentMethod.ALL);
    }

    @Test
    void nicsTravelInSpecsFactsAndStats() throws Exception {
        HostNic eth0 = new HostNic("eth0.42", "52:54:00:12:34:56", 9000, false, List.of("10.231.0.1/24"), NicKind.VLAN, null, 42, "eth0");
        String eth0Json = """
                {"name": "eth0.42", "mac": "52:54:00:12:34:56", "mtu": 9000, "up": false, "addresses": ["10.231.0.1/24"],
                 "kind": "vlan", "master": null, "vlanId": 42, "vlanParent": "eth0"}""";
        assertWire(VmSpec.class, new VmSpec(VM, "web1", 1, 128, List.of(), null, Graphics.NONE,
                List.of(new VmNicSpec("56:6f:00:00:00:01", "vn0123456789", "virtio", 1500, false, null))), """
                {"id": "%s", "name": "web1", "vcpus": 1, "memoryMib": 128, "disks": [], "kernelBoot": null, "graphics": "none",
                 "nics": [{"mac": "56:6f:00:00:00:01", "bridge": "vn0123456789", "model": "virtio", "mtu": 1500, "linked": false, "tap": null}]}"""
                .formatted(VM));
        assertWire(HostFacts.class, new HostFacts("h1", "qemu", 4, 8_000_000, "9.0.0", "0.1.0", List.of(eth0)), """
                {"hostname": "h1", "domainType": "qemu", "cpuCount": 4, "memoryTotalKib": 8000000,
                 "libvirtVersion": "9.0.0", "agentVersion": "0.1.0", "nics": [%s]}""".formatted(eth0Json));
        assertWire(HostStatsReport.class, HostStatsReport.libvirtUnavailable(9, "down").withNics(List.of(eth0)), """
                {"host": null, "vms": [], "seq": 9, "libvirtError": "down", "nics": [%s]}""".formatted(eth0Json));
        assertThat(MAPPER.writeValueAsString(NicKind.values()))
                .isEqualTo("[\"physical\",\"bridge\",\"vlan\",\"bond\",\"veth\",\"other\"]");
    }

    @Test
    void optionalFieldsKeepTheirShape() throws Exception {
        assertWire(DiskCreateParams.class, DiskCreateParams.overlay("/srv/o.qcow2", "/srv/base.qcow2", "raw", true),
                "{\"path\": \"/srv/o.qcow2\", \"backingPath\": \"/srv/base.qcow2\", \"backingFormat\": \"raw\", \"fresh\": true}");
        assertWire(MigrationStatusResult.class, new MigrationStatusResult(false, null), "{\"active\": false, \"progress\": null}");
        assertWire(MigrateParams.class, new MigrateParams(VM, "qemu+tls://h2/system", null),
                "{\"vmId\": \"%s\", \"destinationUri\": \"qemu+tls://h2/system\", \"policy\": null}".formatted(VM));
    }

    @Test
    void everyEventKeepsItsFieldNames() throws Exception {
        assertWire(AgentEvent.MIGRATION_PROGRESS.paramsType(), new MigrationProgress(VM, 40, 80, 128, 100, MigrationPhase.PRECOPY), """
                {"vmId": "%s", "percent": 40, "dataRemainingBytes": 80, "dataTotalBytes": 128, "currentMaxDowntimeMs": 100,
                 "phase": "precopy"}""".formatted(VM));
        assertWire(AgentEvent.VM_STATE_CHANGED.paramsType(), new VmStateChange(RUNNING, 7), """
                {"id": "%s", "name": "web1", "state": "running", "vncPort": 5901, "displayTlsPort": -1, "cpuTimeNanos": 7000000,
                 "memoryKib": 524288, "vcpus": 2, "seq": 7}""".formatted(VM));
        assertWire(AgentEvent.HOST_STATS.paramsType(), new HostStatsReport(new HostStats(4, 12.5, 8_000_000, 6_000_000, 1),
                List.of(RUNNING), 8), """
                {"host": {"cpuCount": 4, "cpuLoadPercent": 12.5, "memoryTotalKib": 8000000, "memoryFreeKib": 6000000,
                          "runningVms": 1},
                 "vms": [%s], "seq": 8}""".formatted(RUNNING_JSON));
        assertWire(AgentEvent.HEARTBEAT.paramsType(), NoParams.INSTANCE, "{}");
        assertWire(AgentEvent.CERTIFICATE_REQUEST.paramsType(), new CertificateRequest("CSR"), "{\"csrPem\": \"CSR\"}");
        assertThat(AgentEvent.ALL).extracting(AgentEvent::name).containsExactlyInAnyOrder(AgentMethods.EVENT_MIGRATION_PROGRESS,
                AgentMethods.EVENT_VM_STATE_CHANGED, AgentMethods.EVENT_HOST_STATS, AgentMethods.EVENT_HEARTBEAT,
                AgentMethods.EVENT_CERTIFICATE_REQUEST);
    }

    @Test
    void statusesKeepTheirWireNames() throws Exception {
        assertThat(MAPPER.writeValueAsString(GuestState.values()))
                .isEqualTo("[\"running\",\"paused\",\"shutting_down\",\"shutoff\",\"crashed\",\"migrated\"]");
        assertThat(MAPPER.writeValueAsString(MigrationOutcome.values())).isEqualTo("[\"completed\",\"cancelled\",\"failed\"]");
        assertThat(MAPPER.writeValueAsString(MigrationPhase.values()))
                .isEqualTo("[\"starting\",\"precopy\",\"postcopy\",\"cancelling\",\"completed\",\"cancelled\",\"failed\"]");
        assertThat(MAPPER.writeValueAsString(Graphics.values())).isEqualTo("[\"vnc\",\"spice\",\"none\"]");
        for (MigrationOutcome outcome : MigrationOutcome.values()) {
            assertThat(MAPPER.writeValueAsString(MigrationPhase.ended(outcome))).isEqualTo(MAPPER.writeValueAsString(outcome));
        }
    }

    @Test
    void anIdThatIsNoUuidOrAStateNobodyKnowsIsRefused() {
        assertThatThrownBy(() -> MAPPER.readValue("{\"vmId\": \"web1\"}", VmIdParams.class)).isInstanceOf(InvalidFormatException.class);
        assertThatThrownBy(() -> MAPPER.readValue("{\"id\": \"%s\", \"state\": \"dancing\", \"seq\": 1}".formatted(VM), VmStateChange.class))
                .isInstanceOf(InvalidFormatException.class);
    }

    @Test
    void aGoneVmIsReportedWithItsIdAndStateOnly() throws Exception {
        VmStateChange gone = MAPPER.readValue("{\"id\": \"%s\", \"state\": \"shutoff\", \"seq\": 9}".formatted(VM), VmStateChange.class);
        assertThat(gone.observation().id()).isEqualTo(VM);
        assertThat(gone.observation().state()).isEqualTo(GuestState.SHUTOFF);
        assertThat(gone.seq()).isEqualTo(9);
    }

    @Test
    void readersSkipTheEpochAndWhatANewerPeerAdds() throws Exception {
        assertThat(MAPPER.readValue("{\"vmId\": \"%s\", \"epoch\": 7, \"fromANewerEngine\": 1}".formatted(VM), VmIdParams.class))
                .isEqualTo(new VmIdParams(VM));
        assertThat(MAPPER.readValue("{\"epoch\": 7}", NoParams.class)).isEqualTo(NoParams.INSTANCE);
        assertThat(MAPPER.readValue("{\"wasRunning\": true, \"_seq\": 4}", EnsureStoppedResult.class))
                .isEqualTo(new EnsureStoppedResult(true));
    }

    @Test
    void aConsoleValidityIsWrittenAsInstantToStringWroteIt() throws Exception {
        assertThat(MAPPER.<JsonNode>valueToTree(new ConsolePasswordParams(VM, "pw", VALID_TO)).get("validTo").asText())
                .isEqualTo(VALID_TO.toString());
    }

    @Test
    void aPasswordFromAnOlderEngineKeepsTheConnectedClients() throws Exception {
        assertWire(ConsolePasswordParams.class, new ConsolePasswordParams(VM, "s3cret", VALID_TO, true),
                "{\"vmId\": \"%s\", \"password\": \"s3cret\", \"validTo\": \"2031-05-04T10:15:30.123456789Z\", \"disconnect\": true}".formatted(VM));
        assertThat(MAPPER.readValue("{\"vmId\": \"%s\", \"password\": \"pw\", \"validTo\": \"%s\"}".formatted(VM, VALID_TO),
                ConsolePasswordParams.class).disconnect()).isFalse();
    }

    @Test
    void methodAndEventNamesAreUnique() {
        Set<String> names = AgentMethod.ALL.stream().map(AgentMethod::name).collect(Collectors.toSet());
        assertThat(names).hasSameSizeAs(AgentMethod.ALL);
        assertThat(AgentEvent.ALL.stream().map(AgentEvent::name)).doesNotContainAnyElementsOf(names);
    }

    private static String vmId() {
        return "{\"vmId\": \"%s\"}".formatted(VM);
    }
}
