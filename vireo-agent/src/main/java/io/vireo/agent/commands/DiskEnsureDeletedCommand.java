package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.DiskImages;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.DiskDeleteResult;
import io.vireo.model.rpc.PathParams;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** Removes a disk image; nothing to do if it is gone already. */
public final class DiskEnsureDeletedCommand implements AgentCommand<PathParams, DiskDeleteResult> {
    private final DiskImages images;

    public DiskEnsureDeletedCommand(DiskImages images) {
        this.images = requireNonNull(images, "images");
    }

    @Override
    public AgentMethod<PathParams, DiskDeleteResult> method() {
        return AgentMethod.DISK_ENSURE_DELETED;
    }

    @Override
    public DiskDeleteResult execute(PathParams params) {
        return new DiskDeleteResult(images.ensureDeleted(Path.of(Params.text("path", params.path()))));
    }
}
