package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;

/** The answer to vm.list: every VM the host holds. On the wire it is the bare array, as it always was. */
public record VmListResult(List<VmObservation> vms) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public VmListResult {
        vms = vms == null ? List.of() : List.copyOf(vms);
    }

    @JsonValue
    @Override
    public List<VmObservation> vms() {
        return vms;
    }
}
