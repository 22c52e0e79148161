package io.vireo.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * One simulated hypervisor host: a network namespace with eth0 on the lab switch, and inside it,
 * in a private mount and UTS namespace, its own virtlogd and libvirtd with private /run,
 * /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt, /etc/libvirt and /etc/pki (all under
 * {@link #dir()}).
 */
public final class LabHost
{
    private static final Logger log = LoggerFactory.getLogger(LabHost.class);

    /**
     * Subdirectories of dir() that the host sees as /run, /var/lib/libvirt, /var/cache/libvirt,
     * /var/log/libvirt, /etc/libvirt and /etc/pki.
     */
    private static final List<String> PRIVATE_DIRS = List.of("run", "lib", "cache", "log", "etc", "etc-pki");

    /**
     * Runs as the first process of the host's mount namespace and stays, as sleep, to hold it:
     * {@link #restartLibvirtd()} enters the namespace through this process.
     */
    private static final String HOLDER_SCRIPT = """
            set -e
            dir="$1"
            echo "$2" > /proc/sys/kernel/hostname
            mount --bind "$dir/run" /run
            mount --bind "$dir/lib" /var/lib/libvirt
            mount --bind "$dir/cache" /var/cache/libvirt
            mount --bind "$dir/log" /var/log/libvirt
            mount --bind "$dir/etc" /etc/libvirt
            mkdir -p /etc/pki
            mount --bind "$dir/etc-pki" /etc/pki
            virtlogd -d
            libvirtd -d --listen
            echo "daemons of $2 started"
            exec sleep infinity
            """;

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final String address;
    private final Path dir;
    private volatile Process holder;

    LabHost(String name, String address, Path dir)
    {
        this.name = requireNonNull(name, "name is null");
        this.address = requireNonNull(address, "address is null");
        this.dir = requireNonNull(dir, "dir is null");
    }

    /** "h1", "h2", ... */
    public String name()
    {
        return name;
    }

    /** The address of eth0 in the host's namespace: 10.231.0.N for hN. */
    public String address()
    {
        return address;
    }

    public String netns()
    {
        return LabNetwork.NAMESPACE_PREFIX + name;
    }

    /** Root of the host's private directories, visible from every namespace at this path. */
    public Path dir()
    {
        return dir;
    }

    /** Where libvirtd.log, virtlogd's and the per-domain QEMU logs (qemu/NAME.log) are. */
    public Path logDir()
    {
        return dir.resolve("log");
    }

    /** Out-of-band access from the root namespace, which works even while the network is cut. */
    public String libvirtUri()
    {
        return "qemu:///system?socket=" + dir.resolve("run/libvirt/libvirt-sock");
    }

    /**
     * Where this host's agent writes the host's certificate for libvirtd and QEMU (its
     * {@code --libvirt-pki-dir}), which this host's libvirtd.conf and qemu.conf name: cacert.pem,
     * servercert.pem, serverkey.pem, clientcert.pem, clientkey.pem and qemu/ (docs/libvirt-tls.md).
     */
    public Path pkiDir()
    {
        return dir.resolve("pki");
    }

    /**
     * Access over the lab network, with TLS once {@link #listenTls()} has turned it on: the client
     * presents the certificate in {@code clientPkiDir} (cacert.pem, clientcert.pem, clientkey.pem).
     */
    public String tlsUri(Path clientPkiDir)
    {
        return "qemu+tls://" + address + "/system?pkipath=" + clientPkiDir;
    }

    /** Whether anything accepts a TCP connection on this host's address at this port, from the root namespace's leg. */
    public boolean accepts(int port)
    {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 3000);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    /**
     * Turns libvirtd's TLS listener (port 16514) on, once the files in {@link #pkiDir()} are there:
     * restarts libvirtd (running guests stay and are re-attached).
     */
    public void listenTls()
    {
        Path conf = dir.resolve("etc/libvirtd.conf");
        try {
            String text = Files.readString(conf, UTF_8);
            if (!text.contains("\nlisten_tls = 0\n")) {
                throw new IllegalStateException("libvirtd.conf of " + name + " does not say listen_tls = 0: " + conf);
            }
            Files.writeString(conf, text.replace("\nlisten_tls = 0\n", "\nlisten_tls = 1\n"), UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stopLibvirtd();
        restartLibvirtd();
    }

    /** SIGTERMs libvirtd and waits until it has gone; its guests keep running. */
    public void stopLibvirtd()
    {
        Optional<Long> pid = libvirtdPid().filter(LabCleanup::isRunning);
        if (pid.isEmpty()) {
            return;
        }
        Commands.check("kill", "-TERM", String.valueOf(pid.get()));
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (LabCleanup.isRunning(pid.get())) {
            if (System.nanoTime() > deadline) {
                LabCleanup.killProcesses(List.of(pid.get()));
                break;
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** A process builder that runs the command in the host's network namespace. */
    public ProcessBuilder inNetns(String... command)
    {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", netns()));
        wrapped.addAll(List.of(command));
        return new ProcessBuilder(wrapped);
    }

    /**
     * A process builder that runs the command inside the host as its libvirtd sees it: network,
     * mount and UTS namespaces, so hostname says hN and plain {@code qemu:///system} is this host's
     * libvirtd. Use it for an agent that should not know it lives in a lab.
     */
    public ProcessBuilder inHost(String... command)
    {
        List<String> wrapped = new ArrayList<>(List.of("nsenter", "--target", String.valueOf(holderPid()), "--mount", "--uts", "--net", "--"));
        wrapped.addAll(List.of(command));
        return new ProcessBuilder(wrapped);
    }

    /** Runs a command inside the host (see {@link #inHost}) and returns its output; fails with its message. */
    public String runInHost(String... command)
    {
        return Commands.run(inHost(command), Commands.DEFAULT_TIMEOUT).orThrow().stdout();
    }

    /** Runs virsh against this host's libvirtd and returns its output; fails with virsh's message. */
    public String virsh(String... arguments)
    {
        return virsh(Commands.DEFAULT_TIMEOUT, arguments);
    }

    /** As {@link #virsh(String...)}, bounded by timeout: a stopped libvirtd makes virsh hang. */
    public String virsh(Duration timeout, String... arguments)
    {
        return Commands.run(new ProcessBuilder(virshCommand(arguments)), timeout).orThrow().stdout();
    }

    /** Takes the host's cable out of the switch: its guests keep running, nobody reaches it. */
    public void cutNetwork()
    {
        LabNetwork.setHostCable(name, false);
    }

    public void restoreNetwork()
    {
        LabNetwork.setHostCable(name, true);
    }

    /** SIGKILLs libvirtd; its guests keep running, as after a crash of the daemon. */
    public void killLibvirtd()
    {
        libvirtdPid().filter(LabCleanup::isRunning).ifPresent(pid -> LabCleanup.killProcesses(List.of(pid)));
    }

    /** SIGSTOPs libvirtd: calls to it hang, keepalive included, until {@link #resumeLibvirtd()}. */
    public void freezeLibvirtd()
    {
        signalLibvirtd("STOP");
    }

    public void resumeLibvirtd()
    {
        signalLibvirtd("CONT");
    }

    /** Starts libvirtd again in the host's namespaces (it re-attaches running guests) and waits for it. */
    public void restartLibvirtd()
    {
        if (libvirtdPid().filter(LabCleanup::isRunning).isPresent()) {
            throw new IllegalStateException("libvirtd of " + name + " is still running");
        }
        Commands.run(inHost("libvirtd", "-d", "--listen"), Commands.DEFAULT_TIMEOUT).orThrow();
        awaitLibvirt(Duration.ofSeconds(60));
    }

    @Override
    public String toString()
    {
        return name + " " + address + " " + libvirtUri();
    }

    void prepare()
            throws IOException
    {
        for (String privateDir : PRIVATE_DIRS) {
            Files.createDirectories(dir.resolve(privateDir));
        }
        // qemu.conf names pki/qemu, which must exist for libvirtd to start; the agent fills it
        Files.createDirectories(pkiDir().resolve("qemu"));
        // libvirtd.conf names the files in pki/ explicitly, but virt-admin server-update-tls (libvirt 9)
        // reloads libvirt's default paths whatever it says: those link to the same files, as
        // docs/libvirt-tls.md tells an operator to do
        Path etcPki = dir.resolve("etc-pki");
        for (String[] link : new String[][] {{"CA/cacert.pem", "cacert.pem"}, {"libvirt/servercert.pem", "servercert.pem"},
                {"libvirt/private/serverkey.pem", "serverkey.pem"}}) {
            Path at = etcPki.resolve(link[0]);
            Files.createDirectories(at.getParent());
            Files.deleteIfExists(at);
            Files.createSymbolicLink(at, pkiDir().resolve(link[1]));
        }
        LibvirtHostConfig.write(dir.resolve("etc"), name, address, pkiDir());
    }

    Path capabilitiesCache()
    {
        return dir.resolve("cache/qemu/capabilities");
    }

    void startDaemons()
            throws IOException
    {
        File holderLog = dir.resolve("holder.log").toFile();
        holder = new ProcessBuilder("ip", "netns", "exec", netns(), "unshare", "--mount", "--uts", "--propagation", "private",
                "sh", "-c", HOLDER_SCRIPT, "lab-host", dir.toString(), name)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(holderLog))
                .start();
    }

    /** Polls until libvirtd answers; the first start of a host probes QEMU (8-16 s). */
    void awaitLibvirt(Duration timeout)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "not tried";
        while (System.nanoTime() < deadline) {
            if (holder != null && !holder.isAlive()) {
                throw new IllegalStateException("host %s failed to start its daemons: %s".formatted(name, read(dir.resolve("holder.log"))));
            }
            try {
                Commands.Result result = Commands.run(new ProcessBuilder(virshCommand("version")), PROBE_TIMEOUT);
                if (result.succeeded()) {
                    return;
                }
                lastProblem = result.stderr().strip();
            }
            catch (CommandFailedException e) {
                lastProblem = e.getMessage();
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("libvirtd of %s did not answer within %s: %s; its log: %s"
                .formatted(name, timeout, lastProblem, tail(logDir().resolve("libvirtd.log"))));
    }

    /**
     * Destroys the host's running domains through libvirt, all at once: libvirt takes over a
     * second per domain. The caller then kills what is left in the namespace.
     */
    void destroyDomains()
    {
        if (holder == null) {
            return;
        }
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String domain : virsh(STOP_TIMEOUT, "list", "--name").lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
                executor.submit(() -> Commands.run(Duration.ofSeconds(30), virshCommand("destroy", domain).toArray(String[]::new)));
            }
        }
        catch (RuntimeException e) {
            log.warn("cannot destroy the domains of {} through libvirt; they will be killed: {}", name, e.getMessage());
        }
        holder = null;
    }

    private List<String> virshCommand(String... arguments)
    {
        List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", libvirtUri()));
        command.addAll(List.of(arguments));
        return command;
    }

    private void signalLibvirtd(String signal)
    {
        long pid = libvirtdPid().filter(LabCleanup::isRunning)
                .orElseThrow(() -> new IllegalStateException("libvirtd of " + name + " is not running"));
        Commands.check("kill", "-" + signal, String.valueOf(pid));
    }

    private long holderPid()
    {
        Process current = holder;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException("host " + name + " is not running");
        }
        return current.pid();
    }

    private Optional<Long> libvirtdPid()
    {
        try {
            Path pidFile = dir.resolve("run/libvirtd.pid");
            return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).strip())) : Optional.empty();
        }
        catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String read(Path file)
    {
        try {
            return Files.exists(file) ? Files.readString(file, UTF_8).strip() : "(no " + file + ")";
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path file)
    {
        List<String> lines = read(file).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
