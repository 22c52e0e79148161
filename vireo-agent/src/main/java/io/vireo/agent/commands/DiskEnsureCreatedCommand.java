package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.DiskImages;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.DiskCreateParams;
import io.vireo.model.rpc.DiskCreateResult;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Makes a disk image with qemu-img unless one of that size is there already; with "backingPath", a
 * thin qcow2 overlay of that image in its recorded "backingFormat" ("fresh": true replaces an existing
 * overlay with an empty one).
 */
public final class DiskEnsureCreatedCommand implements AgentCommand<DiskCreateParams, DiskCreateResult> {
    private final DiskImages images;

    public DiskEnsureCreatedCommand(DiskImages images) {
        this.images = requireNonNull(images, "images");
    }

    @Override
    public AgentMethod<DiskCreateParams, DiskCreateResult> method() {
        return AgentMethod.DISK_ENSURE_CREATED;
    }

    @Override
    public DiskCreateResult execute(DiskCreateParams params) {
        Path path = Path.of(Params.text("path", params.path()));
        if (params.backingPath() != null) {
            return images.ensureOverlay(path, Path.of(Params.text("backingPath", params.backingPath())),
                    Params.text("backingFormat", params.backingFormat()), Boolean.TRUE.equals(params.fresh()));
        }
        if (params.sizeBytes() == null || params.sizeBytes() <= 0) {
            throw new IllegalArgumentException("sizeBytes must be positive");
        }
        return images.ensureCreated(path, params.sizeBytes(), Params.text("format", params.format()));
    }
}
