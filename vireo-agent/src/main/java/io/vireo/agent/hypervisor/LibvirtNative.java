package io.vireo.agent.hypervisor;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few C functions of libvirt that libvirt-java 0.5.2 does not wrap, declared for JNA against the
 * same libvirt.so.0. Pointers are plain {@link Pointer}s (virConnectPtr from {@link NativeConnect},
 * virDomainPtr from {@link #virDomainLookupByUUIDString}); unsigned C types map to their signed Java
 * twins of the same width. An error is read with {@link #virGetLastErrorMessage} on the failing
 * thread: libvirt keeps the last error per thread.
 */
interface LibvirtNative extends Library {
    LibvirtNative INSTANCE = Native.load("virt", LibvirtNative.class);

    int VIR_ERR_NO_DOMAIN = 42;
    int VIR_ERR_OPERATION_INVALID = 55;

    /** virDomainGetJobStats flags: the last completed job instead of the current one, and keep it for the next reader. */
    int VIR_DOMAIN_JOB_STATS_COMPLETED = 1;
    int VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED = 2;

    Pointer virDomainLookupByUUIDString(Pointer connection, String uuid);

    int virDomainFree(Pointer domain);

    /** int virDomainGetJobStats(virDomainPtr, int *type, virTypedParameterPtr *params, int *nparams, unsigned int flags) */
    int virDomainGetJobStats(Pointer domain, IntByReference type, PointerByReference params, IntByReference nparams, int flags);

    /** Answers 1 when found, 0 when absent, -1 on error (e.g. the parameter has another type). */
    int virTypedParamsGetULLong(Pointer params, int nparams, String name, LongByReference value);

    int virTypedParamsGetInt(Pointer params, int nparams, String name, IntByReference value);

    /** Frees the array virDomainGetJobStats allocated, with any strings in it. */
    void virTypedParamsFree(Pointer params, int nparams);

    int virDomainMigrateStartPostCopy(Pointer domain, int flags);

    int virDomainMigrateGetMaxDowntime(Pointer domain, LongByReference downtimeMs, int flags);

    /** The calling thread's last error message ("no error" when there is none); libvirt owns the string. */
    String virGetLastErrorMessage();

    int virGetLastErrorCode();
}
