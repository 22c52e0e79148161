package io.vireo.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A DHCP server on the lab's guest switch (br1): dnsmasq in the switch namespace, with
 * {@link #SERVER_ADDRESS} on br1, leasing {@link #RANGE_START}-{@link #RANGE_END} (and fixed
 * addresses for the MACs a test names), without DNS and without a router: the guests' network stays
 * closed. Close it to stop the server and take the address off br1.
 */
public final class LabDhcp
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(LabDhcp.class);
    public static final String SUBNET_PREFIX = "10.231.128.";
    public static final String SERVER_ADDRESS = SUBNET_PREFIX + "254";
    public static final int PREFIX_LENGTH = 24;
    public static final String RANGE_START = SUBNET_PREFIX + "10";
    public static final String RANGE_END = SUBNET_PREFIX + "100";

    private final Process process;
    private final Path dir;

    private LabDhcp(Process process, Path dir)
    {
        this.process = process;
        this.dir = dir;
    }

    /**
     * Starts dnsmasq on br1 and returns once it listens.
     *
     * @param fixed addresses by MAC (lower case, colons) that the server always gives those MACs
     */
    static LabDhcp start(Path dir, Map<String, String> fixed)
    {
        requireNonNull(fixed, "fixed is null");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve("leases"));
            LabNetwork.ip(LabNetwork.SWITCH_NAMESPACE, "addr", "replace", SERVER_ADDRESS + "/" + PREFIX_LENGTH, "dev", LabNetwork.GUEST_SWITCH);
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", LabNetwork.SWITCH_NAMESPACE, "dnsmasq",
                    "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--interface=" + LabNetwork.GUEST_SWITCH,
                    "--bind-interfaces", "--except-interface=lo", "--dhcp-authoritative", "--user=root", "--group=root",
                    "--dhcp-range=" + RANGE_START + "," + RANGE_END + ",255.255.255.0,1h", "--dhcp-option=3",
                    "--dhcp-leasefile=" + dir.resolve("leases"), "--pid-file=" + dir.resolve("dnsmasq.pid"), "--log-dhcp",
                    "--log-facility=" + dir.resolve("dnsmasq.log")));
            fixed.forEach((mac, address) -> command.add("--dhcp-host=" + mac + "," + address));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dnsmasq.out").toFile())).start();
            // dnsmasq writes its pid file once it has bound its sockets
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(dir.resolve("dnsmasq.pid")) || Files.size(dir.resolve("dnsmasq.pid")) == 0) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("dnsmasq exited at once: " + Files.readString(dir.resolve("dnsmasq.out")));
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("dnsmasq did not start within 10 s");
                }
                LabHost.sleep(java.time.Duration.ofMillis(50));
            }
            log.info("DHCP server on {} at {} ({} fixed address(es))", LabNetwork.GUEST_SWITCH, SERVER_ADDRESS, fixed.size());
            return new LabDhcp(process, dir);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start dnsmasq", e);
        }
    }

    /** The server's log of requests and leases. */
    public String log()
    {
        try {
            Path file = dir.resolve("dnsmasq.log");
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close()
    {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the lab may be gone already
        Commands.run("ip", "-n", LabNetwork.SWITCH_NAMESPACE, "addr", "del", SERVER_ADDRESS + "/" + PREFIX_LENGTH, "dev",
                LabNetwork.GUEST_SWITCH);
    }
}
