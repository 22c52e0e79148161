package io.vireo.agent.hypervisor;

import com.sun.jna.Pointer;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A libvirt-java connection that lends its C handle to {@link LibvirtNative}, for the calls
 * libvirt-java 0.5.2 lacks (job statistics, post-copy). libvirt-java keeps the handle in a
 * protected field, so a subclass reaches it without reflection.
 */
final class NativeConnect extends Connect {
    NativeConnect(String uri, boolean readOnly) throws LibvirtException {
        super(uri, readOnly);
    }

    /** The virConnectPtr; valid until this connection is closed. */
    Pointer pointer() {
        return vcp.getPointer();
    }
}
