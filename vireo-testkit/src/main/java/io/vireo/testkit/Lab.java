package io.vireo.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

/**
 * Several simulated hypervisor hosts on this one machine (see LAB.md): a switch namespace
 * {@code vlab-net} with bridge br0 (10.231.0.254/24) and the guests' bridge br1 (each host's eth1,
 * no address on the hosts; see {@link #startDhcp}), hosts {@code vlab-h1..N} at 10.231.0.N
 * each running its own libvirtd, and a leg {@code vlab-root} (10.231.0.250) from the root
 * namespace. Start it, use it, close it; a lab that a killed JVM left behind is removed by the
 * next {@link #start}. One lab per machine at a time: a file lock serializes JVMs.
 */
public final class Lab
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Lab.class);
    private static final AtomicBoolean OPEN_IN_THIS_JVM = new AtomicBoolean();
    /** Generous: with a cold capability cache and two busy cores, probing QEMU can pass 30 s. */
    private static final Duration LIBVIRT_START_TIMEOUT = Duration.ofMinutes(3);

    private final Path baseDir;
    private final List<LabHost> hosts;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "lab-shutdown");

    private Lab(Path baseDir, int hostCount, FileChannel lockChannel, FileLock lock)
    {
        this.baseDir = requireNonNull(baseDir, "baseDir is null");
        this.lockChannel = requireNonNull(lockChannel, "lockChannel is null");
        this.lock = requireNonNull(lock, "lock is null");
        this.hosts = IntStream.rangeClosed(1, hostCount)
                .mapToObj(index -> new LabHost("h" + index, LabNetwork.SUBNET_PREFIX + index, baseDir.resolve("hosts/h" + index)))
                .toList();
    }

    /** Outside every directory a lab host mounts privately, so that all namespaces see the same files. */
    public static Path defaultBaseDir()
    {
        return Path.of("/var/lib/vireo-lab");
    }

    public static Lab start(int hostCount)
    {
        return start(hostCount, defaultBaseDir());
    }

    /** Builds the lab and returns once every host's libvirtd answers. Needs root. */
    public static Lab start(int hostCount, Path baseDir)
    {
        if (hostCount < 1 || hostCount > LabNetwork.MAX_HOSTS) {
            throw new IllegalArgumentException("hostCount must be between 1 and %d: %d".formatted(LabNetwork.MAX_HOSTS, hostCount));
        }
        Path absoluteBaseDir = requireNonNull(baseDir, "baseDir is null").toAbsolutePath().normalize();
        Prerequisites.requireLab();
        if (!OPEN_IN_THIS_JVM.compareAndSet(false, true)) {
            throw new IllegalStateException("a lab is already open in this JVM: close it before starting another");
        }
        Lab lab;
        try {
            Files.createDirectories(absoluteBaseDir);
            FileChannel channel = FileChannel.open(absoluteBaseDir.resolve(".lock"), CREATE, WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                log.info("another process holds the lab ({}/.lock); waiting for it to close", absoluteBaseDir);
                lock = channel.lock();
            }
            lab = new Lab(absoluteBaseDir, hostCount, channel, lock);
        }
        catch (IOException | RuntimeException e) {
            OPEN_IN_THIS_JVM.set(false);
            throw e instanceof IOException io ? new UncheckedIOException("cannot lock the lab in " + absoluteBaseDir, io) : (RuntimeException) e;
        }
        try {
            lab.build();
            return lab;
        }
        catch (IOException | RuntimeException e) {
            try {
                lab.close();
            }
            catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e instanceof IOException io ? new UncheckedIOException("cannot start the lab", io) : (RuntimeException) e;
        }
    }

    /** Removes what an earlier lab left behind (namespaces, daemons, guests, the root leg). */
    public static void cleanupLeftovers()
    {
        cleanupLeftovers(defaultBaseDir());
    }

    public static void cleanupLeftovers(Path baseDir)
    {
        LabCleanup.cleanupLeftovers(baseDir.toAbsolutePath().normalize());
    }

    public List<LabHost> hosts()
    {
        return hosts;
    }

    public LabHost host(String name)
    {
        return hosts.stream().filter(host -> host.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no lab host " + name));
    }

    /** The root namespace's address on the lab switch: where an engine listens for agents. */
    public String rootAddress()
    {
        return LabNetwork.ROOT_ADDRESS;
    }

    public String switchAddress()
    {
        return LabNetwork.SWITCH_ADDRESS;
    }

    /**
     * Starts a DHCP server for the guests on the lab's second switch (br1, which every host's eth1 is a
     * port of); close it when done. {@code fixed} maps MACs to the addresses they always get.
     */
    public LabDhcp startDhcp(java.util.Map<String, String> fixed)
    {
        return LabDhcp.start(baseDir.resolve("dhcp"), fixed);
    }

    /** The interface of every lab host on the guests' switch: no address, for bridging VM networks on. */
    public String guestInterface()
    {
        return LabNetwork.GUEST_INTERFACE;
    }

    public Path baseDir()
    {
        return baseDir;
    }

    /** Shared storage: the same directory at the same path for every host. Emptied by each start. */
    public Path storageDir()
    {
        return baseDir.resolve("storage");
    }

    /** For guests' serial console files, readable from every namespace. Emptied by each start. */
    public Path consoleDir()
    {
        return baseDir.resolve("console");
    }

    public Path consoleLog(String domainName)
    {
        return consoleDir().resolve(domainName + ".log");
    }

    /** Destroys every guest, stops the hosts' daemons and removes the namespaces; the host directories stay for post-mortems. */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        try {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                hosts.forEach(host -> executor.submit(host::destroyDomains));
            }
            log.info("destroyed the lab's domains in {} ms", (System.nanoTime() - start) / 1_000_000);
            // The daemons are not asked to stop: libvirtd takes 2 s to honour SIGTERM, and the
            // hosts are thrown away anyway.
            LabCleanup.cleanupLeftovers(baseDir);
            log.info("lab closed in {} ms", (System.nanoTime() - start) / 1_000_000);
        }
        finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
            catch (IllegalStateException | IllegalArgumentException ignored) {
                // the JVM is shutting down (this may be the hook), or the hook was never added
            }
            release();
        }
    }

    private void build()
            throws IOException
    {
        long start = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        LabCleanup.cleanupLeftovers(baseDir);
        for (Path dir : List.of(baseDir.resolve("hosts"), storageDir(), consoleDir())) {
            GuestImage.deleteTree(dir);
            Files.createDirectories(dir);
        }
        LabNetwork.createSwitch();
        for (LabHost host : hosts) {
            LabNetwork.addHost(host.name(), host.netns(), host.address());
            host.prepare();
        }
        LabNetwork.addRootLeg();

        LabHost first = hosts.getFirst();
        List<LabHost> waiting = hosts;
        if (!seedCapabilities()) {
            // Let one host probe QEMU (8-16 s), then give its findings to the others.
            first.startDaemons();
            first.awaitLibvirt(LIBVIRT_START_TIMEOUT);
            saveCapabilities(first);
            seedCapabilities();
            waiting = hosts.subList(1, hosts.size());
        }
        for (LabHost host : waiting) {
            host.startDaemons();
        }
        for (LabHost host : waiting) {
            host.awaitLibvirt(LIBVIRT_START_TIMEOUT);
        }
        // Keeps the cache current after an upgrade of libvirt or QEMU made the hosts probe again.
        saveCapabilities(first);
        log.info("lab up in {} ms: {} host(s) under {}", (System.nanoTime() - start) / 1_000_000, hosts.size(), baseDir);
    }

    private Path capabilitiesCache()
    {
        return baseDir.resolve("capabilities-cache");
    }

    /**
     * Copies the QEMU capabilities probed by an earlier host or run into every host that has none.
     * libvirt checks each cached entry against the QEMU and libvirt binaries and probes again if
     * stale, so a cache from an older installation costs time, never correctness.
     */
    private boolean seedCapabilities()
            throws IOException
    {
        List<Path> cached = xmlFiles(capabilitiesCache());
        if (cached.isEmpty()) {
            return false;
        }
        for (LabHost host : hosts) {
            Files.createDirectories(host.capabilitiesCache());
            for (Path file : cached) {
                Path target = host.capabilitiesCache().resolve(file.getFileName());
                if (!Files.exists(target)) {
                    Files.copy(file, target);
                }
            }
        }
        return true;
    }

    private void saveCapabilities(LabHost host)
            throws IOException
    {
        Files.createDirectories(capabilitiesCache());
        for (Path file : xmlFiles(host.capabilitiesCache())) {
            Path temporary = capabilitiesCache().resolve(file.getFileName() + ".tmp");
            Files.copy(file, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, capabilitiesCache().resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<Path> xmlFiles(Path dir)
            throws IOException
    {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".xml")).toList();
        }
    }

    private void release()
    {
        try {
            lock.release();
            lockChannel.close();
        }
        catch (IOException e) {
            log.warn("cannot release the lab lock: {}", e.getMessage());
        }
        finally {
            OPEN_IN_THIS_JVM.set(false);
        }
    }
}
