package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The params of disk.ensureCreated, in one of two shapes: a new image (sizeBytes and format), or a
 * thin qcow2 overlay of backingPath, whose format the engine recorded when it made that image
 * (qemu-img must never guess a format from an image's content: a guest writes that content);
 * {@code fresh} replaces an existing overlay with an empty one. Fields of the other shape stay off the wire.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DiskCreateParams(String path, Long sizeBytes, String format, String backingPath, String backingFormat, Boolean fresh) {
    public static DiskCreateParams image(String path, long sizeBytes, String format) {
        return new DiskCreateParams(path, sizeBytes, format, null, null, null);
    }

    public static DiskCreateParams overlay(String path, String backingPath, String backingFormat, boolean fresh) {
        return new DiskCreateParams(path, null, null, backingPath, backingFormat, fresh);
    }
}
