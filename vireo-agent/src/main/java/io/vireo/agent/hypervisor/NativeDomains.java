package io.vireo.agent.hypervisor;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.UUID;

import java.util.Optional;

import static io.vireo.agent.hypervisor.LibvirtNative.INSTANCE;

/**
 * The domain calls made through {@link LibvirtNative}. Each looks the domain up by its UUID (the
 * Vireo VM id), makes its call and frees the handle, all on the calling thread, where libvirt also
 * keeps the error to report.
 */
final class NativeDomains {
    private NativeDomains() {
    }

    @FunctionalInterface
    private interface DomainCall<T> {
        T apply(Pointer domain);
    }

    /** The current job (flags 0) or the last completed one; empty when the domain does not exist. */
    static Optional<JobStats> jobStats(NativeConnect c, UUID vmId, int flags) {
        return onDomain(c, vmId, domain -> {
            IntByReference type = new IntByReference();
            PointerByReference params = new PointerByReference();
            IntByReference count = new IntByReference();
            check(INSTANCE.virDomainGetJobStats(domain, type, params, count, flags), "reading the job statistics of VM " + vmId);
            Pointer array = params.getValue();
            int n = count.getValue();
            try {
                return new JobStats(type.getValue(), intParam(array, n, "operation"), longParam(array, n, "time_elapsed"),
                        longParam(array, n, "downtime"), longParam(array, n, "data_total"), longParam(array, n, "data_processed"),
                        longParam(array, n, "data_remaining"));
            }
            finally {
                if (array != null) {
                    INSTANCE.virTypedParamsFree(array, n);
                }
            }
        });
    }

    /** Switches a migration started with VIR_MIGRATE_POSTCOPY over to post-copy. */
    static void startPostCopy(NativeConnect c, UUID vmId) {
        boolean found = onDomain(c, vmId, domain -> {
            check(INSTANCE.virDomainMigrateStartPostCopy(domain, 0), "switching the migration of VM " + vmId + " to post-copy");
            return true;
        }).orElse(false);
        if (!found) {
            throw HypervisorException.noSuchVm(vmId);
        }
    }

    static Optional<Long> maxDowntimeMs(NativeConnect c, UUID vmId) {
        return onDomain(c, vmId, domain -> {
            LongByReference downtime = new LongByReference();
            check(INSTANCE.virDomainMigrateGetMaxDowntime(domain, downtime, 0), "reading the maximum downtime of VM " + vmId);
            return downtime.getValue();
        });
    }

    private static <T> Optional<T> onDomain(NativeConnect c, UUID vmId, DomainCall<T> call) {
        Pointer domain = INSTANCE.virDomainLookupByUUIDString(c.pointer(), vmId.toString());
        if (domain == null) {
            if (INSTANCE.virGetLastErrorCode() == LibvirtNative.VIR_ERR_NO_DOMAIN) {
                return Optional.empty();
            }
            throw failure("looking up VM " + vmId);
        }
        try {
            return Optional.of(call.apply(domain));
        }
        finally {
            INSTANCE.virDomainFree(domain);
        }
    }

    private static long longParam(Pointer params, int count, String name) {
        LongByReference value = new LongByReference();
        return params != null && INSTANCE.virTypedParamsGetULLong(params, count, name, value) == 1 ? value.getValue() : -1;
    }

    private static int intParam(Pointer params, int count, String name) {
        IntByReference value = new IntByReference();
        return params != null && INSTANCE.virTypedParamsGetInt(params, count, name, value) == 1 ? value.getValue() : -1;
    }

    private static void check(int result, String what) {
        if (result < 0) {
            throw failure(what);
        }
    }

    private static HypervisorException failure(String what) {
        int code = INSTANCE.virGetLastErrorCode();
        return new HypervisorException(what + " failed: " + INSTANCE.virGetLastErrorMessage(), null, code == LibvirtNative.VIR_ERR_NO_DOMAIN);
    }
}
