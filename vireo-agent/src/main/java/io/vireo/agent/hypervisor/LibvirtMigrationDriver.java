package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.MigrationPolicy;
import org.libvirt.Domain;
import org.libvirt.DomainJobInfo;
import org.libvirt.LibvirtException;
import java.util.UUID;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;

import static io.vireo.agent.hypervisor.LibvirtConnection.isNoSuchDomain;
import static io.vireo.agent.hypervisor.LibvirtConnection.isNotRunning;
import static java.util.Objects.requireNonNull;

/**
 * Live migration through libvirt: peer to peer (this host's libvirtd talks to the destination's
 * itself, so the migration does not depend on the agent's connection), the domain staying
 * transient on the destination with the same UUID, which is the Vireo VM id.
 */
final class LibvirtMigrationDriver implements MigrationDriver, AutoCloseable {
    static final long VIR_MIGRATE_LIVE = 1;
    static final long VIR_MIGRATE_PEER2PEER = 1 << 1;
    /**
     * Disks on a shared directory look unsafe to libvirt, which cannot tell that the directory is
     * shared; the engine places disks only on storage domains an administrator declared shared.
     */
    static final long VIR_MIGRATE_UNSAFE = 1 << 9;
    static final long VIR_MIGRATE_AUTO_CONVERGE = 1 << 13;
    /** Allows a switch to post-copy later on; the migration still starts as pre-copy. */
    static final long VIR_MIGRATE_POSTCOPY = 1 << 15;
    /**
     * The guest's memory and state go between the QEMUs over TLS, with the certificates in qemu.conf's
     * default_tls_x509_cert_dir (the host's own, from the engine's CA: docs/libvirt-tls.md); without
     * it only libvirtd's control connection would be encrypted, not the data stream.
     */
    static final long VIR_MIGRATE_TLS = 1 << 16;

    private final LibvirtConnection connection;
    /** Calls to other hosts' libvirtds, under the same timeout as local calls: a cut host makes connects hang. */
    private final BoundedCalls remoteCalls;

    LibvirtMigrationDriver(LibvirtConnection connection, Duration callTimeout) {
        this.connection = requireNonNull(connection, "connection");
        this.remoteCalls = new BoundedCalls("libvirt-remote-call", callTimeout);
    }

    static long flags(MigrationPolicy policy) {
        long flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_UNSAFE | VIR_MIGRATE_TLS;
        if (policy.autoConverge()) {
            flags |= VIR_MIGRATE_AUTO_CONVERGE;
        }
        if (policy.postCopy()) {
            flags |= VIR_MIGRATE_POSTCOPY;
        }
        return flags;
    }

    @Override
    public Future<?> start(UUID vmId, String destinationUri, MigrationPolicy policy) {
        long flags = flags(policy);
        return connection.startLong("migrating VM " + vmId + " to " + destinationUri, c -> {
            Domain domain = LibvirtDomains.lookup(c, vmId).orElseThrow(() -> HypervisorException.noSuchVm(vmId));
            try {
                // No destination XML and no new name: the destination gets the very domain, still transient.
                return domain.migrateToURI(destinationUri, null, null, flags, null, policy.bandwidthMiBps());
            }
            finally {
                LibvirtDomains.free(domain);
            }
        });
    }

    @Override
    public Optional<JobProgress> jobProgress(UUID vmId) {
        return connection.call("reading the job of VM " + vmId, c -> {
            Optional<Domain> found = LibvirtDomains.lookup(c, vmId);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            try {
                DomainJobInfo info = found.get().getJobInfo();
                return info.getType() == JobStats.TYPE_NONE ? Optional.empty()
                        : Optional.of(new JobProgress(info.getDataTotal(), info.getDataProcessed(), info.getDataRemaining()));
            }
            catch (LibvirtException e) {
                if (isNoSuchDomain(e) || isNotRunning(e)) {
                    return Optional.empty();
                }
                throw e;
            }
            finally {
                LibvirtDomains.free(found.get());
            }
        });
    }

    @Override
    public Optional<JobStats> currentJob(UUID vmId) {
        return connection.call("reading the job statistics of VM " + vmId, c -> NativeDomains.jobStats(c, vmId, 0));
    }

    @Override
    public void setMaxDowntime(UUID vmId, int downtimeMs) {
        boolean active = connection.call("setting the maximum migration downtime of VM " + vmId,
                c -> LibvirtDomains.onActive(c, vmId, domain -> domain.migrateSetMaxDowntime(downtimeMs)));
        if (!active) {
            throw HypervisorException.noSuchVm(vmId);
        }
    }

    @Override
    public Optional<Integer> maxDowntimeMs(UUID vmId) {
        return connection.call("reading the maximum migration downtime of VM " + vmId,
                c -> NativeDomains.maxDowntimeMs(c, vmId).map(Long::intValue));
    }

    @Override
    public void startPostCopy(UUID vmId) {
        connection.call("switching the migration of VM " + vmId + " to post-copy", c -> {
            NativeDomains.startPostCopy(c, vmId);
            return null;
        });
    }

    @Override
    public boolean abortJob(UUID vmId) {
        // "No job is active" comes as operation-invalid, which onActive takes for absent: false.
        return connection.call("aborting the job of VM " + vmId, c -> LibvirtDomains.onActive(c, vmId, Domain::abortJob));
    }

    @Override
    public boolean runsHere(UUID vmId) {
        return connection.call("looking up VM " + vmId, c -> LibvirtDomains.activeObservation(c, vmId)).isPresent();
    }

    @Override
    public boolean runsOn(String destinationUri, UUID vmId) {
        return onRemote(destinationUri, "looking up VM " + vmId + " on " + destinationUri,
                c -> LibvirtDomains.activeObservation(c, vmId).isPresent());
    }

    @Override
    public Optional<JobStats> completedJobOn(String destinationUri, UUID vmId) {
        // The source's domain is gone with the migration; the destination's holds the statistics,
        // which libvirt carried over from the source (downtime, time elapsed, data).
        int flags = LibvirtNative.VIR_DOMAIN_JOB_STATS_COMPLETED | LibvirtNative.VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED;
        return onRemote(destinationUri, "reading the completed job of VM " + vmId + " on " + destinationUri,
                c -> NativeDomains.jobStats(c, vmId, flags).filter(stats -> stats.type() == JobStats.TYPE_COMPLETED));
    }

    /** On a read-only connection of its own, opened and closed for the call. */
    private <T> T onRemote(String uri, String what, LibvirtConnection.Work<T> work) {
        return remoteCalls.run(what, () -> {
            NativeConnect remote = LibvirtConnection.openConnect(uri, true);
            try {
                return work.apply(remote);
            }
            catch (LibvirtException e) {
                throw LibvirtConnection.failure(what, e);
            }
            finally {
                LibvirtConnection.closeQuietly(remote);
            }
        });
    }

    @Override
    public void close() {
        remoteCalls.close();
    }
}
