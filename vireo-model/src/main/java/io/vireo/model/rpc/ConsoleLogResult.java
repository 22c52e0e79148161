package io.vireo.model.rpc;

/** A piece of a guest's serial log, and the offset to read the next piece from. */
public record ConsoleLogResult(String text, long nextOffset) {
}
