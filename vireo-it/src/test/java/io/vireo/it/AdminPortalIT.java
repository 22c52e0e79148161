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
