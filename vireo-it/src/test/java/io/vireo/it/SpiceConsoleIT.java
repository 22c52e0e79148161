package io.vireo.it;

import io.vireo.testkit.LabHost;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPICE consoles: a VM with SPICE graphics starts on a lab host; a remote-viewer file names its
 * display and carries a one-time password that the VM's SPICE server takes, while it refuses a wrong
 * password, an expired one, and one a newer ticket replaced; remote-viewer under Xvfb opens the file.
 * The display takes TLS only, with the host's certificate from the engine's CA: the file names its TLS
 * port and no plain one, and carries the CA and the subject of the host's certificate.
 */
class SpiceConsoleIT extends LabTest {
    private static final String USER_PASSWORD = "spice-user-password-1";

    @Test
    void aRemoteViewerFileOpensTheSpiceDisplayOnlyWithItsPasswordAndInTime() throws Exception {
        String vmId = scenario.createGuest("spice-desk", List.of(), "", "spice");
        assertThat(viewerFile("GET", vmId, api.token()).statusCode()).as("a VM that is down has no console").isEqualTo(409);
        scenario.action(vmId, "start", null);
        await().atMost(Duration.ofMinutes(1)).until(() -> scenario.vm(vmId).path("displayTlsPort").asInt(0) > 0);
        String hostAddress = api.get("/api/hosts/" + scenario.hostOf(vmId)).body().get("address").asText();
        int port = scenario.vm(vmId).get("displayTlsPort").asInt();
        assertThat(scenario.vm(vmId).get("vncPort").isNull()).as("no plain SPICE port").isTrue();
        SSLContext tls = api.sslContext();

        HttpResponse<String> response = viewerFile("GET", vmId, api.token());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/x-virt-viewer"));
        assertThat(response.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"spice-desk.vv\"");
        Map<String, String> file = parse(response.body());
        assertThat(file).containsEntry("type", "spice").containsEntry("host", hostAddress)
                .containsEntry("tls-port", Integer.toString(port)).doesNotContainKey("port")
                .containsEntry("host-subject", "CN=" + scenario.hostOf(vmId)).containsEntry("secure-channels", "all")
                .containsEntry("delete-this-file", "1")
                .containsEntry("release-cursor", "shift+f12").containsEntry("toggle-fullscreen", "shift+f11")
                .containsEntry("secure-attention", "ctrl+alt+end").doesNotContainKey("proxy");
        assertThat(file.get("title")).contains("spice-desk");
        String password = file.get("password");
        assertThat(password).hasSizeGreaterThanOrEqualTo(16);
        // the CA as one line with \n for each line break (GKeyFile's escape), the engine's CA among it
        assertThat(file.get("ca")).doesNotContain("\r").startsWith("-----BEGIN CERTIFICATE-----\\n");
        assertThat(file.get("ca").replace("\\n", "\n")).contains(Files.readString(lab.caFile()).strip());
        // what remote-viewer checks: the server's certificate chains to that CA and has that subject
        assertThat(SpiceLinkClient.serverSubject(hostAddress, port, tls)).isEqualTo(file.get("host-subject"));

        assertThat(SpiceLinkClient.link(hostAddress, port, password, tls)).isEqualTo(SpiceLinkClient.OK);
        assertThat(SpiceLinkClient.link(hostAddress, port, password + "x", tls)).isEqualTo(SpiceLinkClient.PERMISSION_DENIED);
        assertThat(SpiceLinkClient.link(hostAddress, port, "", tls)).isEqualTo(SpiceLinkClient.PERMISSION_DENIED);

        // a newer ticket (here through POST .../ticket) replaces the password of the older one
        Api.Response ticket = api.post("/api/vms/" + vmId + "/ticket", Map.of("expirySeconds", 8));
        assertThat(ticket.status()).as(ticket.toString()).isEqualTo(200);
        assertThat(ticket.body().get("protocol").asText()).isEqualTo("spice");
        assertThat(ticket.body().get("proxyPath").isNull()).as("no WebSocket proxy for SPICE").isTrue();
        String shortLived = ticket.body().get("password").asText();
        Instant expiresAt = Instant.parse(ticket.body().get("expiresAt").asText());
        assertThat(SpiceLinkClient.link(hostAddress, port, password, tls)).isEqualTo(SpiceLinkClient.PERMISSION_DENIED);
        assertThat(SpiceLinkClient.link(hostAddress, port, shortLived, tls)).isEqualTo(SpiceLinkClient.OK);

        // the password stops working when the ticket expires, and not before
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> SpiceLinkClient.link(hostAddress, port, shortLived, tls) == SpiceLinkClient.PERMISSION_DENIED);
        // libvirt keeps the validity to the second: refused no earlier than a second before the ticket's end
        assertThat(Instant.now()).isAfter(expiresAt.minusSeconds(1));

        HttpResponse<String> posted = viewerFile("POST", vmId, api.token());
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(SpiceLinkClient.link(hostAddress, port, parse(posted.body()).get("password"), tls)).isEqualTo(SpiceLinkClient.OK);

        assertThat(viewerFile("GET", vmId, "not-a-token").statusCode()).isEqualTo(401);
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void aVmWithoutDisplayHasNoConsole() throws Exception {
        String vmId = scenario.createGuest("headless", List.of(), "", "none");
        scenario.action(vmId, "start", null);

        HttpResponse<String> response = viewerFile("GET", vmId, api.token());
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("CONSOLE_UNAVAILABLE", "has no display");
        Api.Response ticket = api.post("/api/vms/" + vmId + "/ticket", null);
        assertThat(ticket.status()).isEqualTo(409);
        assertThat(ticket.error()).isEqualTo("CONSOLE_UNAVAILABLE");
        assertThat(viewerFile("GET", "7d1c2a52-0000-4000-8000-000000000000", api.token()).statusCode()).isEqualTo(404);

        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void remoteViewerOpensTheFileItIsGivenAndNotOneWhoseTicketWasReplaced() throws Exception {
        assertThat(RemoteViewer.installed()).as("virt-viewer and xvfb (scripts/debian-packages.txt)").isTrue();
        String vmId = scenario.createGuest("spice-viewer", List.of(), "", "spice");
        scenario.action(vmId, "start", null);
        await().atMost(Duration.ofMinutes(1)).until(() -> scenario.vm(vmId).path("displayTlsPort").asInt(0) > 0);

        // the file as a user gets it from the CLI
        Path file = Files.createTempDirectory("vireo-viewer").resolve("spice-viewer.vv");
        String printed = VireoProcess.run(List.of("env", "VIREO_URL=" + api.baseUrl(), "VIREO_TOKEN=" + api.token(),
                        "VIREO_CA_FILE=" + lab.caFile()),
                List.of("vm", "console", "spice-viewer", "--viewer-file", file.toString()), Duration.ofMinutes(1));
        assertThat(printed).contains(api.baseUrl() + "/console/?vm=" + vmId, "remote-viewer " + file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(parse(Files.readString(file))).containsEntry("type", "spice");
        try (RemoteViewer viewer = RemoteViewer.open(file)) {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(300))
                    .until(() -> viewer.log().contains("main channel: opened"));
            // the server's side: the viewer's display channel is attached, which needs the password
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> spiceServer(vmId).contains("channel name: display"));
            assertThat(file).as("delete-this-file=1 is honoured").doesNotExist();
            assertThat(viewer.running()).isTrue();
        }

        Path replaced = saved(viewerFile("GET", vmId, api.token()));
        assertThat(viewerFile("POST", vmId, api.token()).statusCode()).isEqualTo(200);
        try (RemoteViewer viewer = RemoteViewer.open(replaced)) {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(300))
                    .until(() -> viewer.log().contains("auth failure"));
            assertThat(viewer.log()).doesNotContain("main channel: opened");
        }
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    private static Path saved(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Path file = Files.createTempFile("console", ".vv");
        Files.writeString(file, response.body());
        return file;
    }

    /** What the VM's QEMU says about its SPICE server and the channels connected to it. */
    private static String spiceServer(String vmId) {
        String address = api.get("/api/hosts/" + scenario.hostOf(vmId)).body().get("address").asText();
        LabHost host = lab.lab().hosts().stream().filter(h -> h.address().equals(address)).findFirst().orElseThrow();
        return host.virsh("qemu-monitor-command", vmId, "--hmp", "info spice");
    }

    @Test
    void aSpiceClientIsDroppedWhenItsUserLosesAccess() throws Exception {
        String vmId = scenario.createGuest("spice-revoked", List.of(), "", "spice");
        scenario.action(vmId, "start", null);
        await().atMost(Duration.ofMinutes(1)).until(() -> scenario.vm(vmId).path("displayTlsPort").asInt(0) > 0);
        String hostAddress = api.get("/api/hosts/" + scenario.hostOf(vmId)).body().get("address").asText();
        int port = scenario.vm(vmId).get("displayTlsPort").asInt();
        String name = "spice-user-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String userId = api.post("/api/users", Map.of("name", name, "password", USER_PASSWORD)).body().get("id").asText();
        Api.Response grant = api.post("/api/permissions", Map.of("principalType", "USER", "principalId", userId,
                "role", "UserRole", "objectType", "VM", "objectId", vmId));
        assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
        Api user = lab.newApi().login(name, USER_PASSWORD);

        HttpResponse<String> response = viewerFile("GET", vmId, user.token());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        try (java.net.Socket session = SpiceLinkClient.linked(hostAddress, port, parse(response.body()).get("password"),
                api.sslContext())) {
            assertThat(SpiceLinkClient.closedWithin(session, Duration.ofSeconds(3))).as("dropped though allowed").isFalse();

            assertThat(api.delete("/api/permissions/" + grant.body().get("id").asText()).status()).isEqualTo(204);
            // the engine gives the display a new password that expired already, dropping its clients
            assertThat(SpiceLinkClient.closedWithin(session, Duration.ofSeconds(20))).as("still linked after the revoke").isTrue();
        }
        assertThat(viewerFile("GET", vmId, user.token()).statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> viewerFile(String method, String vmId, String token) throws Exception {
        return api.http().send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/vms/" + vmId + "/remoteviewerconnectionfile"))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The [virt-viewer] section of a .vv file as keys and values. */
    private static Map<String, String> parse(String file) {
        List<String> lines = file.lines().toList();
        assertThat(lines).first().isEqualTo("[virt-viewer]");
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int equals = line.indexOf('=');
            assertThat(equals).as(line).isPositive();
            assertThat(values.put(line.substring(0, equals), line.substring(equals + 1))).as("key given twice: " + line).isNull();
        }
        return values;
    }
}
