package io.vireo.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The browser console page (/console/?vm=<id>) in Debian's Chromium, headless: log in on the page,
 * see the guest's screen through noVNC, and read plain reasons when a ticket is used or expired,
 * or when the VM goes away.
 */
class ConsolePageIT extends LabTest {
    private static Browser chromium;
    private static ChromeDriver browser;

    @BeforeAll
    static void startChromium() throws Exception {
        chromium = Browser.start(lab.caFile());
        browser = chromium.driver();
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void thePageLogsInAndShowsTheGuestScreenAndSaysWhyWhenItCannot() throws Exception {
        String vmId = scenario.createGuest("browser-console", List.of());
        scenario.action(vmId, "start", null);
        String page = api.baseUrl() + "/console/?vm=" + vmId;

        open(page);
        awaitState("login");
        browser.findElement(By.name("username")).sendKeys("admin");
        browser.findElement(By.name("password")).sendKeys(LabEnvironment.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("#console-login button[type=submit]")).click();
        awaitState("connected");
        Map<?, ?> state = consoleState();
        assertThat(((Number) state.get("width")).intValue()).isPositive();
        assertThat(((Number) state.get("height")).intValue()).isPositive();
        assertThat(state.get("vmName")).isEqualTo("browser-console");
        assertThat(browser.findElement(By.id("console-status")).getAttribute("data-state")).isEqualTo("connected");
        var canvas = browser.findElement(By.cssSelector("#console-screen canvas"));
        assertThat(canvas.getSize().getWidth()).isPositive();
        assertThat(canvas.getSize().getHeight()).isPositive();
        assertThat(browser.findElement(By.id("console-ctrl-alt-del")).isEnabled()).isTrue();
        assertThat(browser.executeScript("return sessionStorage.getItem('vireo.token')")).isNotNull();
        // for a person to look at: target/console-page.png
        Files.write(Path.of("target", "console-page.png"), browser.getScreenshotAs(OutputType.BYTES));

        // full screen and back (the bar stays on it); Ctrl+Alt+Del goes to the guest and the session stays
        browser.findElement(By.id("console-fullscreen")).click();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).until(() ->
                Boolean.TRUE.equals(browser.executeScript("return document.fullscreenElement === document.documentElement")));
        assertThat(((Number) consoleState().get("width")).intValue()).isPositive();
        browser.findElement(By.id("console-fullscreen")).click();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).until(() -> browser.executeScript("return document.fullscreenElement") == null);
        scenario.awaitBooted(vmId);
        assertThat(scenario.consoleLog(vmId)).doesNotContain("GUEST-CTRL-ALT-DEL");
        browser.findElement(By.id("console-ctrl-alt-del")).click();
        // the keys reached the guest's keyboard: its kernel signalled init, which says so on the serial port
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(WebDriverException.class).until(() -> scenario.consoleLog(vmId).contains("GUEST-CTRL-ALT-DEL"));
        assertThat(consoleState().get("state")).isEqualTo("connected");

        // a ticket used once already: the engine refuses it at the door, and the page says so
        Api.Response used = api.post("/api/vms/" + vmId + "/ticket", null);
        String usedToken = tokenOf(used);
        try (RfbClient client = RfbClient.connect(api, URI.create(api.baseUrl().replaceFirst("^http", "ws")
                + used.body().get("proxyPath").asText()))) {
            assertThat(client.handshake(used.body().get("password").asText())[0]).isPositive();
        }
        open(page + "#token=" + usedToken + "&password=" + used.body().get("password").asText());
        awaitState("failed");
        assertThat(consoleState().get("reason").toString()).contains("used already or has expired");

        // a good ticket with a wrong password: the engine lets it in, the VM's display refuses it
        Api.Response fresh = api.post("/api/vms/" + vmId + "/ticket", null);
        open(page + "#token=" + tokenOf(fresh) + "&password=wrongpw");
        awaitState("failed");
        assertThat(consoleState().get("reason").toString()).contains("refused the ticket's password");

        Api.Response shortLived = api.post("/api/vms/" + vmId + "/ticket", Map.of("expirySeconds", 1));
        Instant expiresAt = Instant.parse(shortLived.body().get("expiresAt").asText());
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(expiresAt.plusMillis(500)));
        open(page + "#token=" + tokenOf(shortLived) + "&password=" + shortLived.body().get("password").asText());
        awaitState("failed");
        assertThat(consoleState().get("reason").toString()).contains("used already or has expired");

        // the page's own fresh ticket again (the token is in sessionStorage now); then the VM stops under it
        open(page);
        awaitState("connected");
        scenario.action(vmId, "stop", null);
        awaitState("disconnected");
        assertThat(consoleState().get("reason").toString()).startsWith("Disconnected");
        assertThat(browser.findElement(By.id("console-reconnect")).isDisplayed()).isTrue();

        open(api.baseUrl() + "/console/?vm=not-a-vm");
        awaitState("failed");
        assertThat(consoleState().get("reason").toString()).contains("/console/?vm=");
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    /** A fresh load even when only the fragment differs (which would otherwise not reload the page). */
    private static void open(String url) {
        browser.get("about:blank");
        browser.get(url);
    }

    private static String tokenOf(Api.Response ticket) {
        String path = ticket.body().get("proxyPath").asText();
        return path.substring(path.indexOf("token=") + "token=".length());
    }

    private static Map<?, ?> consoleState() {
        return (Map<?, ?>) browser.executeScript("const s = window.vireoConsole; return s ? {state: s.state, "
                + "reason: s.reason, width: s.width, height: s.height, vmName: s.vmName} : {state: 'no page state'};");
    }

    private static void awaitState(String expected) {
        await().atMost(Duration.ofMinutes(1)).ignoreExceptionsInstanceOf(WebDriverException.class).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(consoleState().get("state")).as(consoleState().toString()).isEqualTo(expected));
    }
}
