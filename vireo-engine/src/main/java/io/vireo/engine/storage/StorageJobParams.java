package io.vireo.engine.storage;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** The parameters of a job on disk images: a connected Up host of this data center does the work. */
public record StorageJobParams(UUID dataCenterId) {
    public StorageJobParams {
        requireNonNull(dataCenterId, "dataCenterId");
    }
}
