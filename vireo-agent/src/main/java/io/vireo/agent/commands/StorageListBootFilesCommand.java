package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.BootFiles;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.BootFilesResult;
import io.vireo.model.rpc.PathParams;

import java.nio.file.Path;

/** Lists a storage domain's boot files (regular files only, valid names) for the engine's scan. */
public final class StorageListBootFilesCommand implements AgentCommand<PathParams, BootFilesResult> {
    @Override
    public AgentMethod<PathParams, BootFilesResult> method() {
        return AgentMethod.STORAGE_LIST_BOOT_FILES;
    }

    @Override
    public BootFilesResult execute(PathParams params) {
        return BootFiles.list(Path.of(Params.text("path", params.path())));
    }
}
