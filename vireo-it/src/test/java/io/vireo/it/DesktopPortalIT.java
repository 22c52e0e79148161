package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The desktop portal in Debian's Chromium: a plain user (VmPoolUser on one pool and nothing else)
 * logs in, takes a desktop from the pool, and its console opens
 * with the noVNC canvas showing the guest's screen, which changes as the guest prints a TICK a second.
 */
class DesktopPortalIT extends LabTest {
    static final String CANVAS = "#console-screen canvas";

    @Test
    void aUserTakesADesktopFromAPoolAndSeesItsConsoleInTheBrowser() throws Exception {
        PortalPools pools = new PortalPools(lab, scenario);
        String template = pools.createVgaGuest("portal-template");
        String poolId = pools.createPrestartedPool("portal", template, 1);
        String userId = pools.createPoolUser("desk-user", poolId);
        try (Browser browser = Browser.start(lab.caFile())) {
            pools.awaitReady(poolId, 1);
            browser.open(api.baseUrl() + "/portal/");
            browser.logIn("desk-user", PortalPools.USER_PASSWORD);
            // a plain user: the pool is offered, and no desktop is his yet (the pool's others stay hidden)
            browser.awaitVisible("#pools tr[data-id='" + poolId + "'] button[data-action=take]", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(() -> {
                assertThat(browser.find("#desktops-empty").isDisplayed()).isTrue();
                assertThat(browser.find("#who").getText()).isEqualTo("Desk User");
            });
            browser.find("#pools tr[data-id='" + poolId + "'] button[data-action=take]").click();

            await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(WebDriverException.class).until(() -> browser.driver().getCurrentUrl().contains("/console/?vm="));
            String vmId = browser.driver().getCurrentUrl().replaceAll(".*[?&]vm=([0-9a-f-]+).*", "$1");
            JsonNode desktop = scenario.vm(vmId);
            assertThat(desktop.get("poolId").asText()).isEqualTo(poolId);
            assertThat(desktop.get("assignedUserId").asText()).isEqualTo(userId);
            assertThat(desktop.get("status").asText()).isEqualTo("UP");

            await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(WebDriverException.class).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(browser.script("return window.vireoConsole && window.vireoConsole.state"))
                            .as(String.valueOf(browser.script("return window.vireoConsole && window.vireoConsole.reason")))
                            .isEqualTo("connected"));
            Browser.CanvasPixels first = await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).pollInterval(Duration.ofMillis(200))
                    .until(() -> browser.canvas(CANVAS), pixels -> pixels != null && pixels.differing() > 500);
            // the VGA text screen (720x400): the guest's own screen, not a blank framebuffer
            assertThat(first.width()).isGreaterThanOrEqualTo(640);
            assertThat(first.height()).isGreaterThanOrEqualTo(350);
            // a new TICK line every second: the picture moves with the guest, by more than a blinking cursor
            browser.canvasChange(CANVAS);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).pollInterval(Duration.ofMillis(1500))
                    .until(() -> browser.canvasChange(CANVAS) > 300);
            assertThat(browser.canvas(CANVAS).differing()).isGreaterThan(500);
            browser.saveCanvas(CANVAS, Path.of("target/portal-console.png"));

            // back in the portal, the desktop is listed as his, alone, up, with its console one click away
            browser.open(api.baseUrl() + "/portal/");
            assertThat(browser.awaitVisible("#desktops tr[data-id='" + vmId + "'] button[data-action=console]",
                    Duration.ofSeconds(30)).isEnabled()).isTrue();
            assertThat(browser.driver().findElements(By.cssSelector("#desktops tbody tr"))).hasSize(1);
        } finally {
            pools.remove(poolId, template);
            assertThat(api.delete("/api/users/" + userId).status()).isEqualTo(204);
        }
        assertThat(pools.desktops(poolId)).isEmpty();
    }
}
