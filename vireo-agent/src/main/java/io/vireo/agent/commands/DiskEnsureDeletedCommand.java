package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.DiskImages;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import java.nio.file.Path;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Removes a disk image; nothing to do if it is gone already. */
public final class DiskEnsureDeletedCommand implements AgentCommand {
    private final DiskImages images;

    public DiskEnsureDeletedCommand(DiskImages images) {
        this.images = requireNonNull(images, "images");
    }

    @Override
    public String method() {
        return AgentMethods.DISK_ENSURE_DELETED;
    }

    @Override
    public Object execute(JsonNode params) {
        return Map.of("deleted", images.ensureDeleted(Path.of(Params.text(params, "path"))));
    }
}
