package io.vireo.it;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver. Both paths are given
 * explicitly, so Selenium never looks for (or downloads) a browser or a driver of its own. It
 * trusts the engine's CA the way a person would add it: in the NSS database of its own home
 * directory (certutil, package libnss3-tools), so certificate errors stay errors.
 */
final class Browser implements AutoCloseable {
    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    static final File CERTUTIL = new File("/usr/bin/certutil");

    /**
     * A page-side look at a canvas: its size, how many of its pixels differ from the top-left one
     * (0 for a blank or uniform framebuffer).
     */
    private static final String CANVAS_PIXELS = """
            const canvas = document.querySelector(arguments[0]);
            if (!canvas || canvas.width === 0 || canvas.height === 0) { return null; }
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let differing = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) { differing++; }
            }
            return {width: canvas.width, height: canvas.height, differing: differing};
            """;

    /**
     * How many pixels of a canvas changed since the last call (-1 on the first): a blinking text
     * cursor changes a few dozen, a new line of text hundreds, a scrolling screen thousands.
     */
    private static final String CANVAS_CHANGE = """
            const canvas = document.querySelector(arguments[0]);
            if (!canvas || canvas.width === 0) { return -1; }
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            const last = window.vireoTestLastFrame;
            window.vireoTestLastFrame = data;
            if (!last || last.length !== data.length) { return -1; }
            let changed = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] !== last[i] || data[i + 1] !== last[i + 1] || data[i + 2] !== last[i + 2]) { changed++; }
            }
            return changed;
            """;

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** @param caFile the engine's CA certificate (PEM), which this browser trusts */
    static Browser start(Path caFile) throws Exception {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute() || !CERTUTIL.canExecute()) {
            throw new IllegalStateException("Debian's chromium, chromium-driver and libnss3-tools are needed "
                    + "(scripts/debian-packages.txt): " + CHROMIUM + ", " + CHROMEDRIVER + ", " + CERTUTIL);
        }
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.getPath());
        Path profile = Files.createTempDirectory("vireo-chromium");
        // Chromium on Linux reads trusted certificates from $HOME/.pki/nssdb
        Path nssDatabase = Files.createDirectories(profile.resolve("home/.pki/nssdb"));
        certutil("-N", "-d", "sql:" + nssDatabase, "--empty-password");
        certutil("-A", "-d", "sql:" + nssDatabase, "-n", "vireo-engine-ca", "-t", "C,,", "-i", caFile.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .withEnvironment(Map.of("HOME", profile.resolve("home").toString()))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // we run as root in a container: no sandbox, no /dev/shm limits, no GPU
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(service, driver, profile);
    }

    private static void certutil(String... arguments) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(CERTUTIL.getPath()));
        command.addAll(java.util.List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("certutil " + String.join(" ", arguments) + " failed: " + output);
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** Waits until an element matching css is shown, and answers it. */
    WebElement awaitVisible(String css, Duration limit) {
        await().atMost(limit).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> driver.findElement(By.cssSelector(css)).isDisplayed());
        return find(css);
    }

    void logIn(String user, String password) {
        WebElement form = awaitVisible("form#login", Duration.ofSeconds(30));
        form.findElement(By.name("username")).sendKeys(user);
        form.findElement(By.name("password")).sendKeys(password);
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** The pixels of a canvas as {@link #CANVAS_PIXELS} sees them, or null when there is none yet. */
    @SuppressWarnings("unchecked")
    CanvasPixels canvas(String css) {
        Map<String, Object> answer = (Map<String, Object>) script(CANVAS_PIXELS, css);
        if (answer == null) {
            return null;
        }
        return new CanvasPixels(((Number) answer.get("width")).intValue(), ((Number) answer.get("height")).intValue(),
                ((Number) answer.get("differing")).longValue());
    }

    /** Writes what a canvas shows as a PNG file (kept with the test's output, for a person to look at). */
    void saveCanvas(String css, Path file) throws java.io.IOException {
        String url = (String) script("return document.querySelector(arguments[0]).toDataURL('image/png');", css);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, java.util.Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)));
    }

    /** Pixels of the canvas that changed since the previous call, -1 on the first. */
    long canvasChange(String css) {
        return ((Number) script(CANVAS_CHANGE, css)).longValue();
    }

    record CanvasPixels(int width, int height, long differing) {
        boolean blank() {
            return differing == 0;
        }
    }

    /** The page's visible error sentence, for assertion messages. */
    String shownErrors() {
        return driver.findElements(By.cssSelector(".error")).stream().filter(WebElement::isDisplayed)
                .map(WebElement::getText).reduce("", (a, b) -> a + " " + b).strip();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (Exception e) {
                // a leftover temporary profile is harmless
            }
        }
    }
}
