package io.vireo.engine.console;

import io.vireo.engine.auth.Secrets;
import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.UnavailableException;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.engine.hosts.DisplayAccess;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.store.Batches;
import io.vireo.engine.vms.VmService;
import io.vireo.model.ConsoleTicket;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.ConsolePasswordParams;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/** Issues one-time console tickets (VNC and SPICE) and redeems VNC ones at the WebSocket proxy. */
public final class ConsoleTickets {
    private static final Logger log = LoggerFactory.getLogger(ConsoleTickets.class);
    public static final int DEFAULT_EXPIRY_SECONDS = 120;

    private final Jdbi jdbi;
    private final VmService vms;
    private final HostService hosts;
    private final AgentGateway gateway;
    private final EventLog events;
    private final ConsoleTicketRepository repository = new ConsoleTicketRepository();

    public ConsoleTickets(Jdbi jdbi, VmService vms, HostService hosts, AgentGateway gateway, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.vms = requireNonNull(vms, "vms");
        this.hosts = requireNonNull(hosts, "hosts");
        this.gateway = requireNonNull(gateway, "gateway");
        this.events = requireNonNull(events, "events");
    }

    /** Removes the tickets that expired longer than {@code grace} ago, used or not, in batches; answers how many. */
    public long pruneExpired(Instant now, Duration grace) {
        Instant cutoff = now.minus(grace);
        return Batches.deleteAll(jdbi, (h, limit) -> repository.deleteExpiredBefore(h, cutoff, limit));
    }

    /** How long a ticket asked for lives: the default when not given, else 1 s to an hour. */
    public static int expirySeconds(ConsoleTicket.Request request) {
        return request == null || request.expirySeconds() == null ? DEFAULT_EXPIRY_SECONDS
                : Fields.range("expirySeconds", request.expirySeconds(), 1, 3600);
    }

    public ConsoleTicket issue(UUID vmId, ConsoleTicket.Request request, Principal user) {
        int expiry = expirySeconds(request);
        Vm vm = vms.vm(vmId);
        if (vm.status() != VmStatus.UP && vm.status() != VmStatus.PAUSED || vm.hostId() == null) {
            throw new ConflictException(ErrorCode.VM_NOT_UP, "VM " + vm.name() + " is " + vm.status() + "; a console needs a running VM");
        }
        if (vm.graphics().equals("none")) {
            throw new ConflictException(ErrorCode.CONSOLE_UNAVAILABLE, "VM " + vm.name() + " has no display (graphics none)");
        }
        if (displayPort(vm) == null) {
            throw new ConflictException(ErrorCode.CONSOLE_UNAVAILABLE, "The display of VM " + vm.name()
                    + " has no " + (vm.graphics().equals("spice") ? "TLS " : "") + "port reported by its host yet; try again "
                    + "in a moment");
        }
        UUID host = UUID.fromString(vm.hostId());
        displayAddress(vm, hosts.host(host));
        String token = Secrets.randomToken();
        boolean spice = vm.graphics().equals("spice");
        // VNC authentication reads 8 characters at most; SPICE takes up to 59 and gets more
        String password = Secrets.randomPassword(spice ? 20 : 8);
        Instant expires = Instant.now().plus(Duration.ofSeconds(expiry));
        try {
            gateway.call(host, AgentMethod.VM_SET_CONSOLE_PASSWORD, new ConsolePasswordParams(UUID.fromString(vm.id()), password, expires),
                    Duration.ofSeconds(30));
        } catch (AgentException e) {
            throw new UnavailableException(e.code(), "Cannot open the console of VM " + vm.name() + ": " + e.getMessage());
        }
        jdbi.useTransaction(h -> {
            repository.insert(h, Secrets.sha256(token), vmId, host, expires, user.id(), user.name());
            events.write(h, EventLog.Entry.info("CONSOLE_TICKET_ISSUED", "User " + user.name() + " got a console ticket for VM "
                    + vm.name() + ", valid " + expiry + " s").vm(vmId));
        });
        return new ConsoleTicket(vm.id(), vm.graphics(), password, expires, spice ? null : "/console/vnc?token=" + token);
    }

    /**
     * The address of the VM's display, resolved once (a proxy connects to the very address checked); refused
     * when the engine may not connect there: a port outside the display range, a host address of a refused kind.
     */
    private InetAddress displayAddress(Vm vm, Host host) {
        DisplayAccess displays = hosts.displays();
        if (!displays.portAllowed(displayPort(vm))) {
            throw new ConflictException(ErrorCode.CONSOLE_UNAVAILABLE, "The display of VM " + vm.name() + " is on port "
                    + displayPort(vm) + ", outside the display ports the engine connects to (" + displays.firstPort() + "-"
                    + displays.lastPort() + ")");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host.address());
        } catch (UnknownHostException e) {
            throw new ConflictException(ErrorCode.CONSOLE_UNAVAILABLE, "The address " + host.address() + " of host " + host.name()
                    + ", where VM " + vm.name() + " runs, does not resolve");
        }
        displays.refusal(address).ifPresent(refusal -> {
            throw new ConflictException(ErrorCode.CONSOLE_UNAVAILABLE, "The display of VM " + vm.name() + " is on host "
                    + host.name() + ", whose address " + host.address() + " is " + refusal + "; the engine does not connect there");
        });
        return address;
    }

    /** The VNC display to connect to, if the token is good: known, unused, unexpired; it is used up by this call. */
    public Optional<Target> redeem(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return jdbi.inTransaction(h -> repository.redeem(h, Secrets.sha256(token)))
                .flatMap(ticket -> target(ticket.vmId(), ticket.hostId(), ticket.userId()));
    }

    /**
     * Takes console access away from the users who lost it: each user who got a ticket for a VM since
     * {@code since} and may no longer open its console ({@code allowed} says no) loses those tickets, so an
     * unused one opens nothing, and the VM's display gets a new password that expired already and drops the
     * SPICE clients connected now (QEMU keeps VNC clients; the engine's proxy closes those itself). Several
     * engine instances may call this at once: the one whose delete removed the tickets calls the host.
     * Answers the users and VMs handled.
     */
    List<ConsoleTicketRepository.Holder> revokeLost(Instant since, Predicate<ConsoleTicketRepository.Holder> allowed) {
        List<ConsoleTicketRepository.Holder> lost = jdbi.withHandle(h -> repository.holdersSince(h, since)).stream()
                .filter(holder -> !allowed.test(holder)).toList();
        List<ConsoleTicketRepository.Holder> handled = new ArrayList<>();
        for (ConsoleTicketRepository.Holder holder : lost) {
            if (jdbi.inTransaction(h -> repository.deleteOf(h, holder)) == 0) {
                continue;
            }
            handled.add(holder);
            vms.find(holder.vmId()).filter(vm -> vm.hostId() != null && !vm.graphics().equals("none")).ifPresent(vm -> {
                try {
                    gateway.call(UUID.fromString(vm.hostId()), AgentMethod.VM_SET_CONSOLE_PASSWORD, new ConsolePasswordParams(
                            holder.vmId(), Secrets.randomPassword(20), Instant.EPOCH.plusSeconds(1), true), Duration.ofSeconds(30));
                } catch (AgentException e) {
                    log.warn("Cannot lock the display of VM {} after user {} lost access to it: {}", vm.name(), holder.userId(),
                            e.getMessage());
                }
            });
        }
        return handled;
    }

    private Optional<Target> target(UUID vmId, UUID hostId, UUID userId) {
        Optional<Vm> vm = vms.find(vmId);
        Optional<Host> host = hosts.find(hostId);
        // the WebSocket proxy speaks to VNC displays only; a SPICE ticket's token opens nothing here
        if (vm.isEmpty() || host.isEmpty() || vm.get().vncPort() == null || !hostId.toString().equals(vm.get().hostId())
                || !vm.get().graphics().equals("vnc")) {
            return Optional.empty();
        }
        InetAddress address;
        try {
            address = displayAddress(vm.get(), host.get());
        } catch (ConflictException e) {
            log.warn("Refused to connect to a display: {}", e.getMessage());
            return Optional.empty();
        }
        return Optional.of(new Target(vmId, vm.get().name(), userId, address.getHostAddress(), vm.get().vncPort(),
                host.get().address()));
    }

    /**
     * remote-viewer files are for SPICE displays: a VNC display takes TLS only with a client certificate of the
     * engine's CA, which only the engine's own proxy (the browser console) has.
     */
    public void refuseVncViewerFile(UUID vmId) {
        Vm vm = vms.vm(vmId);
        if (vm.graphics().equals("vnc")) {
            throw new ConflictException(ErrorCode.CONSOLE_UNAVAILABLE, "The VNC display of VM " + vm.name() + " takes TLS "
                    + "with the engine's own certificate only, which remote-viewer does not have: open its console in the "
                    + "browser (/console/?vm=" + vm.id() + ")");
        }
    }

    /**
     * Where the display of a running VM listens now: its host's address and the port the agent
     * reported; refused like a ticket is when the VM has none.
     */
    public Display display(UUID vmId) {
        Vm vm = vms.vm(vmId);
        if (vm.hostId() == null || displayPort(vm) == null || vm.graphics().equals("none")) {
            throw new ConflictException(ErrorCode.CONSOLE_UNAVAILABLE, "VM " + vm.name() + " has no display to connect to now");
        }
        Host host = hosts.find(UUID.fromString(vm.hostId())).orElseThrow(() -> new ConflictException(
                ErrorCode.CONSOLE_UNAVAILABLE, "The host of VM " + vm.name() + " is gone"));
        displayAddress(vm, host);
        boolean spice = vm.graphics().equals("spice");
        return new Display(vm.name(), vm.graphics(), host.address(), displayPort(vm),
                spice ? Optional.of(CertificateAuthority.hostSubject(host.id())) : Optional.empty());
    }

    /**
     * The one port a console connects to: VNC's (TLS is negotiated on it), SPICE's TLS port (its displays
     * take TLS only); null while the host has reported none.
     */
    private static Integer displayPort(Vm vm) {
        return vm.graphics().equals("spice") ? vm.displayTlsPort() : vm.vncPort();
    }

    /**
     * A display a redeemed ticket opens: the VM, the user the ticket was issued to, where to connect (the
     * address resolved and checked once), and the host's address as registered, which the host's
     * certificate must name.
     */
    public record Target(UUID vmId, String vmName, UUID userId, String address, int port, String hostAddress) {
        public Target {
            requireNonNull(vmId, "vmId");
            requireNonNull(userId, "userId");
            requireNonNull(hostAddress, "hostAddress");
        }
    }

    /**
     * A VM's display: protocol "vnc" or "spice", the host address it listens on, and its port; for a TLS port
     * (SPICE), the subject of the host's certificate, which a viewer checks.
     */
    public record Display(String vmName, String protocol, String address, int port, Optional<String> tlsHostSubject) {
        public Display {
            java.util.Objects.requireNonNull(tlsHostSubject, "tlsHostSubject");
        }
    }
}
