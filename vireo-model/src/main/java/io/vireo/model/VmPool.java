package io.vireo.model;

import java.time.Instant;

/**
 * A desktop pool: {@code size} desktops, each a VM whose disks are thin overlays of the template
 * VM's disks. AUTOMATIC pools are stateless: a desktop goes back to the pool, reset to the
 * template, when its user shuts it down. MANUAL pools keep a desktop its user's.
 *
 * @param desktops  desktops that exist now (the pool monitor makes or removes them to reach size)
 * @param free      desktops a user could take now (not given to anyone, not being made or reset)
 * @param assigned  desktops given to users
 * @param running   desktops running (Up or on their way)
 */
public record VmPool(
        String id,
        String name,
        String description,
        String clusterId,
        String templateVmId,
        String type,
        int size,
        int prestarted,
        int maxDesktopsPerUser,
        VmPoolStatus status,
        int desktops,
        int free,
        int assigned,
        int running,
        Instant createdAt) {

    /** Body of POST /api/vmpools. clusterId defaults to the template's cluster. */
    public record Create(String name, String description, String clusterId, String templateVmId, String type,
                         Integer size, Integer prestarted, Integer maxDesktopsPerUser) {
    }

    /** Body of PUT /api/vmpools/{id}: fields left out keep their value. */
    public record Update(String description, Integer size, Integer prestarted, Integer maxDesktopsPerUser) {
    }

    /** Answer of POST /api/vmpools/{id}/allocatevm: the desktop given, and the job starting it if it was Down. */
    public record Allocation(Vm vm, String jobId) {
    }
}
