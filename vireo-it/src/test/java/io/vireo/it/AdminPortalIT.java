package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.testkit.LabHost;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The admin portal in Debian's Chromium: the lab in the tree, a VM made and started and a desktop pool made through its forms. */
class AdminPortalIT extends LabTest {

    @Test
    void anAdministratorSeesTheLabHostsAndCreatesAVmAndAPoolThroughTheForms() throws Exception {
        try (Browser browser = Browser.start(lab.caFile())) {
            browser.open(api.baseUrl() + "/admin/");
            browser.logIn("admin", LabEnvironment.ADMIN_PASSWORD);
            browser.awaitVisible("#tree", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() -> {
                WebElement tree = browser.find("#tree");
                for (LabHost host : lab.lab().hosts()) {
                    assertThat(tree.findElements(By.cssSelector("li[data-host='" + host.name() + "']"))).hasSize(1);
                }
            });
            browser.find("#tabs button[data-view=hosts]").click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() -> assertThat(browser.find("#hosts-table").getText())
                    .contains(lab.lab().hosts().getFirst().name()).containsIgnoringCase("up"));

            browser.find("#tabs button[data-view=vms]").click();
            // a name the API refuses: the dialog stays open with the API's sentence, and no VM is made
            fillNewVm(browser, "not a name");
            WebElement refusal = browser.awaitVisible("#vm-dialog .error", Duration.ofSeconds(30));
            assertThat(refusal.getText()).contains("name").contains("not valid");
            assertThat(vmNamed("not a name")).isEmpty();

            browser.find("#vm-name").clear();
            browser.find("#vm-name").sendKeys("portal-made");
            browser.find("#vm-submit").click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).until(() -> !browser.find("#vm-dialog").isDisplayed());
            JsonNode made = await().atMost(Duration.ofSeconds(30)).until(() -> vmNamed("portal-made"), Optional::isPresent).get();
            assertThat(made.get("clusterId").asText()).isEqualTo(lab.clusterId());
            assertThat(made.get("memoryMib").asInt()).isEqualTo(128);
            String vmId = made.get("id").asText();
            scenario.awaitStatus(vmId, "UP", Duration.ofMinutes(3));
            scenario.awaitBooted(vmId);
            // the VM's row shows it up (the table redraws after the change and on a new search)
            browser.find("#search").sendKeys("portal-made");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(WebDriverException.class).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                browser.find("#tabs button[data-view=vms]").click();
                assertThat(browser.find("#vms-table tr[data-name='portal-made']").getText()).contains("up");
            });

            // its events came in as they happened, and its load and the hosts' are drawn as the page samples them
            browser.find("#tabs button[data-view=events]").click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(browser.find("#events-list").getText()).contains("VM_UP").contains("portal-made"));
            browser.find("#tabs button[data-view=load]").click();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(browser.find("#host-charts").getText()).contains(lab.lab().hosts().getFirst().name());
                assertThat(browser.find("#vm-charts").getText()).contains("portal-made");
                assertThat(browser.driver().findElements(By.cssSelector("#host-charts polyline.cpu")))
                        .hasSize(lab.lab().hosts().size());
                assertThat(browser.driver().findElements(By.cssSelector("#vm-charts polyline.cpu"))).isNotEmpty();
            });

            scenario.action(vmId, "stop", null);
            assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);

            createPoolThroughTheForm(browser);
        }
    }

    @Test
    void anAdministratorGivesAVmANicMakesARouterJoinsASubnetAndForwardsAFloatingIpToItThroughTheForms() throws Exception {
        String publicNet = neutron("POST", "networks", Map.of("network", Map.of("name", "pt-public", "router:external", true)))
                .get("network").get("id").asText();
        neutron("POST", "subnets", Map.of("subnet", Map.of("network_id", publicNet, "name", "pt-public-v4", "ip_version", 4,
                "cidr", "198.51.100.0/24")));
        String blue = neutron("POST", "networks", Map.of("network", Map.of("name", "pt-blue"))).get("network").get("id").asText();
        String blueSubnet = neutron("POST", "subnets", Map.of("subnet", Map.of("network_id", blue, "name", "pt-blue-v4",
                "ip_version", 4, "cidr", "10.78.0.0/24"))).get("subnet").get("id").asText();
        String clash = neutron("POST", "networks", Map.of("network", Map.of("name", "pt-clash"))).get("network").get("id").asText();
        neutron("POST", "subnets", Map.of("subnet", Map.of("network_id", clash, "name", "pt-clash-v4", "ip_version", 4,
                "cidr", "10.78.0.0/25")));
        String vm = scenario.createGuest("pt-vm", List.of());
        String router = null;
        String floatingIp = null;
        try (Browser browser = Browser.start(lab.caFile())) {
            browser.open(api.baseUrl() + "/admin/");
            browser.logIn("admin", LabEnvironment.ADMIN_PASSWORD);
            browser.awaitVisible("#tree", Duration.ofSeconds(30));

            // the Down VM gets a NIC on the overlay through its row's form
            browser.find("#tabs button[data-view=vms]").click();
            browser.find("#search").sendKeys("pt-vm");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() ->
                    browser.find("#vms-table tr[data-name='pt-vm'] button[data-action=add-nic]").click());
            browser.awaitVisible("#nic-dialog", Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() ->
                    new Select(browser.find("#nic-network")).selectByValue(blue));
            browser.find("#nic-submit").click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class)
                    .until(() -> !browser.find("#nic-dialog").isDisplayed());
            JsonNode nics = api.get("/api/vms/" + vm + "/nics").body();
            assertThat(nics).hasSize(1);
            assertThat(nics.get(0).get("name").asText()).isEqualTo("nic1");
            assertThat(nics.get(0).get("networkId").asText()).isEqualTo(blue);
            String port = nics.get(0).get("portId").asText();

            browser.find("#search").clear();
            browser.find("#tabs button[data-view=networks]").click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() -> {
                assertThat(browser.find("#overlays-table").getText()).contains("pt-blue", "pt-public");
                assertThat(browser.find("#subnets-table").getText()).contains("pt-blue-v4", "10.78.0.0/24");
                assertThat(browser.find("#ports-table").getText()).contains("VM pt-vm");
            });

            // a router with the external network as its gateway, made in the form
            browser.awaitVisible("#create-router", Duration.ofSeconds(10)).click();
            browser.awaitVisible("#router-dialog", Duration.ofSeconds(10));
            browser.find("#router-name").sendKeys("pt-router");
            new Select(browser.find("#router-external")).selectByValue(publicNet);
            browser.find("#router-submit").click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class)
                    .until(() -> !browser.find("#router-dialog").isDisplayed());
            JsonNode made = only(neutron("GET", "routers?name=pt-router", null).get("routers"));
            router = made.get("id").asText();
            assertThat(made.get("external_gateway_info").get("network_id").asText()).isEqualTo(publicNet);

            // the blue subnet joins it; then a subnet that overlaps it is refused with Neutron's sentence, and not added
            addSubnetThroughTheForm(browser, blueSubnet);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class)
                    .until(() -> !browser.find("#router-subnet-dialog").isDisplayed());
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() ->
                    assertThat(browser.find("#routers-table tr[data-name='pt-router']").getText()).contains("pt-blue-v4 10.78.0.1"));
            String clashSubnet = only(neutron("GET", "subnets?name=pt-clash-v4", null).get("subnets")).get("id").asText();
            addSubnetThroughTheForm(browser, clashSubnet);
            WebElement refusal = browser.awaitVisible("#router-subnet-dialog .error", Duration.ofSeconds(30));
            assertThat(refusal.getText()).contains("overlaps").doesNotContain("The engine answered");
            browser.find("#router-subnet-dialog button[value=cancel]").click();
            String routerId = router;
            assertThat(neutron("GET", "ports?device_id=" + routerId + "&device_owner=network:router_interface", null).get("ports"))
                    .hasSize(1);

            // a floating IP of the external network, forwarded to the VM's NIC
            browser.find("#create-floating-ip").click();
            browser.awaitVisible("#floating-ip-dialog", Duration.ofSeconds(10));
            new Select(browser.find("#floating-ip-network")).selectByValue(publicNet);
            browser.find("#floating-ip-submit").click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class)
                    .until(() -> !browser.find("#floating-ip-dialog").isDisplayed());
            JsonNode address = only(neutron("GET", "floatingips?floating_network_id=" + publicNet, null).get("floatingips"));
            floatingIp = address.get("id").asText();
            String shown = address.get("floating_ip_address").asText();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() ->
                    browser.find("#floatingips-table tr[data-name='" + shown + "'] button[data-action=floating-ip-attach]").click());
            browser.awaitVisible("#attach-ip-dialog", Duration.ofSeconds(10));
            new Select(browser.find("#attach-ip-port")).selectByValue(port);
            browser.find("#attach-ip-submit").click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class)
                    .until(() -> !browser.find("#attach-ip-dialog").isDisplayed());
            String floatingId = floatingIp;
            JsonNode attached = neutron("GET", "floatingips/" + floatingId, null).get("floatingip");
            assertThat(attached.get("port_id").asText()).isEqualTo(port);
            assertThat(attached.get("fixed_ip_address").asText()).startsWith("10.78.0.");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() ->
                    assertThat(browser.find("#floatingips-table tr[data-name='" + shown + "']").getText()).contains("VM pt-vm"));
            assertThat(browser.shownErrors()).isEmpty();
        } finally {
            // what this test made goes, in the order Neutron allows
            if (floatingIp != null) {
                api.delete("/networking/v2.0/floatingips/" + floatingIp);
            }
            if (router != null) {
                api.put("/networking/v2.0/routers/" + router + "/remove_router_interface", Map.of("subnet_id", blueSubnet));
                api.delete("/networking/v2.0/routers/" + router);
            }
            api.delete("/api/vms/" + vm);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    api.delete("/networking/v2.0/networks/" + blue).status() != 409);
            api.delete("/networking/v2.0/networks/" + clash);
            api.delete("/networking/v2.0/networks/" + publicNet);
        }
    }

    private static void addSubnetThroughTheForm(Browser browser, String subnetId) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() ->
                browser.find("#routers-table tr[data-name='pt-router'] button[data-action=router-add-subnet]").click());
        browser.awaitVisible("#router-subnet-dialog", Duration.ofSeconds(10));
        new Select(browser.find("#router-subnet")).selectByValue(subnetId);
        browser.find("#router-subnet-submit").click();
    }

    private static JsonNode only(JsonNode items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static JsonNode neutron(String method, String path, Object body) {
        Api.Response response = switch (method) {
            case "POST" -> api.post("/networking/v2.0/" + path, body);
            default -> api.get("/networking/v2.0/" + path);
        };
        assertThat(response.status()).as(method + " " + path + ": " + response).isBetween(200, 201);
        return response.body();
    }

    private void createPoolThroughTheForm(Browser browser) {
        String template = scenario.createGuest("admin-template", List.of());
        browser.find("#tabs button[data-view=pools]").click();
        browser.awaitVisible("#create-pool", Duration.ofSeconds(10)).click();
        browser.awaitVisible("#pool-dialog", Duration.ofSeconds(30));
        browser.find("#pool-name").sendKeys("admin-made");
        browser.find("#pool-description").sendKeys("made in the admin portal");
        new Select(browser.find("#pool-cluster")).selectByValue(lab.clusterId());
        new Select(browser.find("#pool-template")).selectByValue(template);
        new Select(browser.find("#pool-type")).selectByValue("AUTOMATIC");
        setNumber(browser, "#pool-size", 1);
        setNumber(browser, "#pool-prestarted", 2);
        setNumber(browser, "#pool-max", 1);
        browser.find("#pool-submit").click();
        // more desktops kept running than the pool has: refused with the API's sentence, nothing made
        assertThat(browser.awaitVisible("#pool-dialog .error", Duration.ofSeconds(30)).getText()).contains("prestarted");
        assertThat(poolNamed("admin-made")).isEmpty();

        setNumber(browser, "#pool-prestarted", 0);
        browser.find("#pool-submit").click();
        JsonNode pool = await().atMost(Duration.ofSeconds(30)).until(() -> poolNamed("admin-made"), Optional::isPresent).get();
        assertThat(pool.get("templateVmId").asText()).isEqualTo(template);
        assertThat(pool.get("clusterId").asText()).isEqualTo(lab.clusterId());
        assertThat(pool.get("type").asText()).isEqualTo("AUTOMATIC");
        assertThat(pool.get("size").asInt()).isEqualTo(1);
        assertThat(pool.get("prestarted").asInt()).isZero();
        assertThat(pool.get("maxDesktopsPerUser").asInt()).isEqualTo(1);
        assertThat(pool.get("description").asText()).isEqualTo("made in the admin portal");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() ->
                assertThat(browser.find("#pools-table").getText()).contains("admin-made"));
        assertThat(browser.find("#tree").getText()).contains("admin-made");

        String poolId = pool.get("id").asText();
        assertThat(api.delete("/api/vmpools/" + poolId).status()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(3)).until(() -> api.get("/api/vmpools/" + poolId).status() == 404);
        assertThat(api.delete("/api/vms/" + template).status()).isEqualTo(200);
    }

    private static void setNumber(Browser browser, String css, int value) {
        browser.find(css).clear();
        browser.find(css).sendKeys(String.valueOf(value));
    }

    private Optional<JsonNode> poolNamed(String name) {
        return StreamSupport.stream(api.get("/api/vmpools").body().spliterator(), false)
                .filter(pool -> pool.get("name").asText().equals(name)).findFirst();
    }

    private void fillNewVm(Browser browser, String name) {
        browser.find("#create-vm").click();
        browser.awaitVisible("#vm-dialog", Duration.ofSeconds(10));
        browser.find("#vm-name").sendKeys(name);
        new Select(browser.find("#vm-cluster")).selectByValue(lab.clusterId());
        browser.find("#vm-memory").clear();
        browser.find("#vm-memory").sendKeys("128");
        // kernels are boot files of a storage domain, picked from a list (the dialog fills it when it opens)
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(WebDriverException.class)
                .until(() -> browser.find("#vm-kernel").findElements(By.tagName("option")).size() > 1);
        new Select(browser.find("#vm-kernel")).selectByValue(lab.kernelFileId());
        new Select(browser.find("#vm-initrd")).selectByValue(lab.initrdFileId());
        browser.find("#vm-cmdline").sendKeys(lab.guest().kernelCmdline());
        assertThat(browser.find("#vm-start").isSelected()).isTrue();
        browser.find("#vm-submit").click();
    }

    private Optional<JsonNode> vmNamed(String name) {
        JsonNode all = api.get("/api/vms?max=10000").body();
        return StreamSupport.stream(all.spliterator(), false).filter(vm -> vm.get("name").asText().equals(name)).findFirst();
    }
}
