package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.EnsureRunningResult;
import io.vireo.model.rpc.VmObservation;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.UUID;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.vireo.agent.hypervisor.LibvirtConnection.isNoSuchDomain;
import static io.vireo.agent.hypervisor.LibvirtConnection.isNotRunning;

/**
 * The libvirt calls behind each Hypervisor operation, on a connection the caller holds. A domain
 * can vanish between any two calls (the guest powers off, someone runs virsh destroy), so "no
 * such domain" and "domain is not running" mean absent here, never failure.
 */
final class LibvirtDomains {
    private static final Logger log = LoggerFactory.getLogger(LibvirtDomains.class);

    private LibvirtDomains() {
    }

    @FunctionalInterface
    interface DomainAction {
        void apply(Domain domain) throws LibvirtException;
    }

    static List<VmObservation> listActive(Connect c) throws LibvirtException {
        List<VmObservation> vms = new ArrayList<>();
        for (int id : c.listDomains()) {
            try {
                Domain domain = c.domainLookupByID(id);
                try {
                    vms.add(DomainObservations.observe(domain));
                }
                finally {
                    free(domain);
                }
            }
            catch (LibvirtException e) {
                if (!isNoSuchDomain(e) && !isNotRunning(e)) {
                    throw e;
                }
            }
        }
        return vms;
    }

    static Optional<VmObservation> activeObservation(Connect c, UUID vmId) throws LibvirtException {
        Optional<Domain> found = lookup(c, vmId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Domain domain = found.get();
        try {
            return domain.isActive() == 0 ? Optional.empty() : Optional.of(DomainObservations.observe(domain));
        }
        catch (LibvirtException e) {
            if (isNoSuchDomain(e) || isNotRunning(e)) {
                return Optional.empty();
            }
            throw e;
        }
        finally {
            free(domain);
        }
    }

    static EnsureRunningResult create(Connect c, UUID vmId, String xml) throws LibvirtException {
        Domain domain;
        try {
            domain = c.domainCreateXML(xml, 0);
        }
        catch (LibvirtException e) {
            // A retry racing its own first attempt: the domain runs, which is what was asked.
            Optional<VmObservation> running = activeObservation(c, vmId);
            if (running.isPresent()) {
                return new EnsureRunningResult(running.get(), true);
            }
            throw e;
        }
        try {
            return new EnsureRunningResult(DomainObservations.observe(domain), false);
        }
        finally {
            free(domain);
        }
    }

    /** Applies the action to the VM's domain if it is active; answers whether it was. */
    static boolean onActive(Connect c, UUID vmId, DomainAction action) throws LibvirtException {
        Optional<Domain> found = lookup(c, vmId);
        if (found.isEmpty()) {
            return false;
        }
        Domain domain = found.get();
        try {
            if (domain.isActive() == 0) {
                return false;
            }
            action.apply(domain);
            return true;
        }
        catch (LibvirtException e) {
            if (isNoSuchDomain(e) || isNotRunning(e)) {
                return false;
            }
            throw e;
        }
        finally {
            free(domain);
        }
    }

    /** Pauses or resumes unless the domain is that way already; answers how it is afterwards. */
    static VmObservation changeRunState(Connect c, UUID vmId, boolean pause) throws LibvirtException {
        Domain domain = lookup(c, vmId).orElseThrow(() -> HypervisorException.noSuchVm(vmId));
        try {
            if (domain.isActive() == 0) {
                throw HypervisorException.noSuchVm(vmId);
            }
            DomainState state = domain.getInfo().state;
            boolean running = state == DomainState.VIR_DOMAIN_RUNNING || state == DomainState.VIR_DOMAIN_BLOCKED;
            if (pause && running) {
                domain.suspend();
            }
            else if (!pause && state == DomainState.VIR_DOMAIN_PAUSED) {
                domain.resume();
            }
            return DomainObservations.observe(domain);
        }
        catch (LibvirtException e) {
            if (isNoSuchDomain(e) || isNotRunning(e)) {
                throw HypervisorException.noSuchVm(vmId);
            }
            throw e;
        }
        finally {
            free(domain);
        }
    }

    static Optional<Domain> lookup(Connect c, UUID vmId) throws LibvirtException {
        try {
            return Optional.of(c.domainLookupByUUIDString(vmId.toString()));
        }
        catch (LibvirtException e) {
            if (isNoSuchDomain(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Handles are freed at once rather than by libvirt-java's finalizers, which may never run. */
    static void free(Domain domain) {
        try {
            domain.free();
        }
        catch (LibvirtException e) {
            log.debug("freeing a domain handle failed: {}", e.getMessage());
        }
    }
}
