package io.vireo.engine.vms;

import io.vireo.model.Vm;
import io.vireo.model.rpc.VmObservation;

/**
 * Where a running VM's display listens on its host, as its agent last reported it.
 *
 * @param port the plain port (VNC, whose TLS is negotiated on it; SPICE only when it allows plain channels)
 * @param tlsPort SPICE's TLS port
 */
public record DisplayPorts(Integer port, Integer tlsPort) {
    public static final DisplayPorts NONE = new DisplayPorts(null, null);

    public static DisplayPorts of(Vm vm) {
        return new DisplayPorts(vm.vncPort(), vm.displayTlsPort());
    }

    /** An agent reports -1 for none; one that predates TLS ports leaves the TLS port out (0). */
    public static DisplayPorts of(VmObservation observation) {
        return new DisplayPorts(observation.vncPort() > 0 ? observation.vncPort() : null,
                observation.displayTlsPort() > 0 ? observation.displayTlsPort() : null);
    }
}
