package io.vireo.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The desktop portal in Debian's Chromium: log in, find the desktop, open its console in one click,
 * and the noVNC canvas shows the guest's screen, which changes as the guest prints a TICK a second.
 */
class DesktopPortalIT extends LabTest {
    /** The guest's kernel console and /init's lines on the VGA text screen the VNC display shows. */
    static final String VGA_CONSOLE_CMDLINE = "console=tty0 panic=-1 quiet";

    @Test
    void aUserOpensTheConsoleOfHisDesktopAndSeesTheGuestTicking() throws Exception {
        String vmId = createVgaGuest("portal-desktop");
        scenario.action(vmId, "start", null);
        scenario.awaitBooted(vmId);

        try (Browser browser = Browser.start()) {
            browser.open(api.baseUrl() + "/portal/");
            browser.logIn("admin", LabEnvironment.ADMIN_PASSWORD);
            String row = "#desktops tr[data-id='" + vmId + "']";
            browser.awaitVisible(row + " button[data-action=console]", Duration.ofSeconds(30)).click();

            await().atMost(Duration.ofSeconds(30)).until(() -> browser.driver().getCurrentUrl().contains("/console/?vm=" + vmId));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(browser.script("return window.vireoConsole && window.vireoConsole.state"))
                            .as(String.valueOf(browser.script("return window.vireoConsole && window.vireoConsole.reason")))
                            .isEqualTo("connected"));
            String canvas = "#console-screen canvas";
            Browser.CanvasPixels first = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> browser.canvas(canvas), pixels -> pixels != null && pixels.differing() > 500);
            // 640x400 or 720x400 text mode: the guest's own screen, not a blank framebuffer
            assertThat(first.width()).isGreaterThanOrEqualTo(640);
            assertThat(first.height()).isGreaterThanOrEqualTo(350);
            Browser.CanvasPixels later = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> browser.canvas(canvas), pixels -> pixels != null && pixels.hash() != first.hash());
            assertThat(later.differing()).isGreaterThan(500);
        }
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    /** A lab guest whose console is the VGA screen (the serial log still gets /init's lines). */
    static String createVgaGuest(String name) {
        Api.Response response = api.post("/api/vms", Map.of("name", name, "clusterId", lab.clusterId(), "vcpus", 1,
                "memoryMib", 128, "diskIds", List.of(), "kernel", lab.guest().kernel().toString(),
                "initrd", lab.guest().initrd().toString(), "cmdline", VGA_CONSOLE_CMDLINE, "graphics", "vnc"));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.body().get("id").asText();
    }
}
