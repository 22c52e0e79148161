package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.DiskImages;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Makes a disk image with qemu-img unless one of that size is there already; with "backingPath", a
 * thin qcow2 overlay of that image ("fresh": true replaces an existing overlay with an empty one).
 */
public final class DiskEnsureCreatedCommand implements AgentCommand {
    private final DiskImages images;

    public DiskEnsureCreatedCommand(DiskImages images) {
        this.images = requireNonNull(images, "images");
    }

    @Override
    public String method() {
        return AgentMethods.DISK_ENSURE_CREATED;
    }

    @Override
    public Object execute(JsonNode params) {
        if (params.hasNonNull("backingPath")) {
            return images.ensureOverlay(Path.of(Params.text(params, "path")), Path.of(Params.text(params, "backingPath")),
                    params.path("fresh").asBoolean(false));
        }
        long size = params.path("sizeBytes").asLong(-1);
        if (size <= 0) {
            throw new IllegalArgumentException("sizeBytes must be positive");
        }
        return images.ensureCreated(Path.of(Params.text(params, "path")), size, Params.text(params, "format"));
    }
}
