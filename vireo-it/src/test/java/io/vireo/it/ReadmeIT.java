package io.vireo.it;

import io.vireo.testkit.LabHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's tour, run as a new user runs it: {@code bin/vireo all-in-one} started the way
 * install.sh ends, on a lab host where plain {@code qemu:///system} is that host's libvirtd and
 * 127.0.0.1:8080 is free; then every command of the tour's {@code sh} block, word for word, in a
 * shell in the repository, answering "yes" to the CA question and giving the password the
 * all-in-one printed (through VIREO_PASSWORD, as there is no terminal). The cluster policy line
 * of the migration block runs too. A README that drifts from the CLI fails here.
 */
class ReadmeIT extends LabTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern PASSWORD = Pattern.compile("Log in as admin with password (\\S+)");
    private static final Pattern FINGERPRINT = Pattern.compile("([0-9A-F]{2}(?::[0-9A-F]{2}){31})");

    private VireoProcess allInOne;
    private Path home;

    @AfterEach
    void stopTheAllInOne() throws Exception {
        if (allInOne != null) {
            allInOne.close();
        }
        if (home != null) {
            Path pgdata = home.resolve("data/postgres/pgdata");
            if (Files.exists(pgdata.resolve("postmaster.pid"))) {
                new ProcessBuilder("runuser", "-u", "postgres", "--", "/usr/bin/env", "sh", "-c",
                        "for b in /usr/lib/postgresql/*/bin; do $b/pg_ctl -D " + pgdata + " -m immediate stop; break; done")
                        .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
            }
            new ProcessBuilder("rm", "-rf", home.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void theTourRunsAsWritten() throws Exception {
        Path repository = Path.of(System.getProperty("vireo.cli.jar")).toAbsolutePath().getParent().getParent().getParent();
        String readme = Files.readString(repository.resolve("README.md"));
        List<String> tour = commands(shBlockAfter(readme, "## A five-minute tour with the CLI"));
        String policy = commands(shBlockAfter(readme, "Live migration, scheduling and maintenance")).stream()
                .filter(command -> command.startsWith("vireo cluster set-policy")).findFirst().orElseThrow();
        assertThat(tour).as("the tour as read from the README").anyMatch(command -> command.startsWith("vireo login"))
                .anyMatch(command -> command.startsWith("vireo vm start"));

        LabHost host = lab.lab().host("h2");
        home = lab.lab().baseDir().resolve("readme");
        new ProcessBuilder("rm", "-rf", home.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        Files.createDirectories(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path data = Files.createDirectories(home.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Map<String, String> environment = Map.of("HOME", home.toString(), "JAVA_HOME", System.getProperty("java.home"));

        // install.sh ends with bin/vireo all-in-one; here its data stays in the lab's directory
        List<String> start = new ArrayList<>(host.inHost().command());
        // and the host's certificate files too: the lab host's QEMU keeps the lab's own (its qemu.conf names them)
        start.addAll(List.of(repository.resolve("bin/vireo").toString(), "all-in-one", "--data-dir", data.toString(),
                "--libvirt-pki-dir", home.resolve("libvirt-pki").toString()));
        allInOne = VireoProcess.startCommand("all-in-one", start, repository, home.resolve("all-in-one.log"), environment);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!allInOne.isAlive()) {
                throw new IllegalStateException("the all-in-one exited:\n" + allInOne.logText());
            }
            return allInOne.logText().contains("vireo login --url");
        });
        String welcome = allInOne.logText();
        Matcher password = PASSWORD.matcher(welcome);
        assertThat(password.find()).as("the generated admin password is printed once:\n" + welcome).isTrue();
        Matcher fingerprint = FINGERPRINT.matcher(welcome);
        assertThat(fingerprint.find()).as("the CA's fingerprint is printed:\n" + welcome).isTrue();
        assertThat(welcome).contains("https://");

        // a home of its own: the session goes there, not into this machine's root account (Java takes the account's
        // home, not $HOME, so the session file is named)
        Map<String, String> user = Map.of("HOME", home.toString(), "JAVA_HOME", System.getProperty("java.home"),
                "VIREO_PASSWORD", password.group(1), "VIREO_SESSION_FILE", home.resolve(".config/vireo/session.json").toString());
        List<String> exports = tour.stream().filter(command -> command.startsWith("export ")).toList();
        // the tour says host local is Up: a new user reads the welcome and, in a few seconds, it is (looked at
        // with a session of its own, so that the tour's login is a first one and asks about the CA)
        Map<String, String> looking = new java.util.HashMap<>(user);
        looking.put("VIREO_SESSION_FILE", home.resolve("waiting-session.json").toString());
        String[] seen = {""};
        try {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                seen[0] = run(host, repository, exports, "vireo login --url https://127.0.0.1:8080 --user admin "
                        + "--ca-fingerprint " + fingerprint.group(1) + " && vireo host list", looking).output();
                return seen[0].contains("UP");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("host local did not come Up; the CLI said:\n" + seen[0] + "\nthe all-in-one's log:\n"
                    + allInOne.logText(), e);
        }

        List<String> commands = new ArrayList<>(tour.stream().filter(command -> !command.startsWith("export ")).toList());
        commands.add(commands.indexOf("vireo vm start web1") + 1, policy);
        for (String command : commands) {
            Result result = run(host, repository, exports, command, user);
            assertThat(result.exitCode()).as("README command `%s` failed:\n%s", command, result.output()).isZero();
            assertThat(result.output()).as(command).doesNotContain("error:");
            if (command.startsWith("vireo login")) {
                assertThat(home.resolve(".config/vireo/session.json")).as("the session, kept in the new user's home").exists();
                assertThat(result.output()).as(command).contains(fingerprint.group(1), "Logged in to https://127.0.0.1:8080");
            } else if (command.equals("vireo host list")) {
                assertThat(result.output()).as(command).contains("local", "UP");
            } else if (command.equals("vireo cluster list")) {
                assertThat(result.output()).as(command).contains("Default");
            } else if (command.startsWith("vireo vm list")) {
                assertThat(result.output()).as(command).contains("web1", "UP");
            } else if (command.startsWith("vireo cluster set-policy")) {
                assertThat(result.output()).as(command).contains("\"autoConverge\" : true");
            } else if (command.equals("vireo events")) {
                assertThat(result.output()).as(command).contains("web1");
            } else if (command.equals("vireo jobs")) {
                assertThat(result.output()).as(command).contains("START_VM");
            }
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** One README command in a shell inside the lab host, in the repository, with "yes" on its standard input. */
    private static Result run(LabHost host, Path repository, List<String> exports, String command, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<String> shell = new ArrayList<>(host.inHost().command());
        // entering the host's mount namespace starts at its root: go to the repository, as after install.sh
        List<String> lines = new ArrayList<>(List.of("cd '" + repository + "'"));
        lines.addAll(exports);
        lines.add(command);
        shell.addAll(List.of("bash", "-c", String.join("; ", lines)));
        ProcessBuilder builder = new ProcessBuilder(shell).directory(repository.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        try (var stdin = process.getOutputStream()) {
            stdin.write("yes\n".getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, output + "\n(timed out)");
        }
        return new Result(process.exitValue(), output);
    }

    /** The first ```sh block after a heading or sentence of the README. */
    static String shBlockAfter(String readme, String marker) {
        int at = readme.indexOf(marker);
        assertThat(at).as("the README has '" + marker + "'").isNotNegative();
        int open = readme.indexOf("```sh\n", at);
        int close = readme.indexOf("```", open + 6);
        return readme.substring(open + 6, close);
    }

    /** The commands of a block: its lines, without comments, split at semicolons (quotes respected). */
    static List<String> commands(String block) {
        List<String> commands = new ArrayList<>();
        for (String line : block.lines().toList()) {
            StringBuilder current = new StringBuilder();
            char quote = 0;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                    break;
                } else if (c == ';') {
                    add(commands, current);
                    current.setLength(0);
                    continue;
                }
                current.append(c);
            }
            add(commands, current);
        }
        return commands;
    }

    private static void add(List<String> commands, StringBuilder command) {
        String text = command.toString().strip();
        if (!text.isEmpty()) {
            commands.add(text);
        }
    }
}
