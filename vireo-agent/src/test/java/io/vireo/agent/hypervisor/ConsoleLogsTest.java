package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.ConsoleLogResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.UUID;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleLogsTest {
    private static final UUID ID = UUID.fromString("0b8f1c9e-7d7a-4a3e-9a4f-1e2d3c4b5a69");

    @TempDir
    Path directory;

    @Test
    void readsFromAnOffsetAndFollows() throws IOException {
        ConsoleLogs logs = new ConsoleLogs(directory.resolve("console"));
        Path path = logs.prepareFreshBoot(ID);
        Files.writeString(path, "GUEST-BOOTED\n");

        ConsoleLogResult first = logs.read(ID, 0);
        Files.writeString(path, "TICK 1\n", StandardOpenOption.APPEND);
        ConsoleLogResult second = logs.read(ID, first.nextOffset());
        ConsoleLogResult nothingNew = logs.read(ID, second.nextOffset());

        assertThat(first).isEqualTo(new ConsoleLogResult("GUEST-BOOTED\n", 13));
        assertThat(second).isEqualTo(new ConsoleLogResult("TICK 1\n", 20));
        assertThat(nothingNew).isEqualTo(new ConsoleLogResult("", 20));
    }

    @Test
    void aFreshBootEmptiesTheLogAndReadersStartOver() throws IOException {
        ConsoleLogs logs = new ConsoleLogs(directory);
        Path path = logs.prepareFreshBoot(ID);
        Files.writeString(path, "first boot, a long line of text\n");
        long offsetOfOldReader = logs.read(ID, 0).nextOffset();

        logs.prepareFreshBoot(ID);
        Files.writeString(path, "second\n");

        assertThat(logs.read(ID, offsetOfOldReader)).isEqualTo(new ConsoleLogResult("second\n", 7));
    }

    @Test
    void readsAtMostOneChunkAtATime() throws IOException {
        ConsoleLogs logs = new ConsoleLogs(directory);
        Path path = logs.prepareFreshBoot(ID);
        Files.writeString(path, "x".repeat(ConsoleLogs.MAX_CHUNK_BYTES + 10));

        ConsoleLogResult first = logs.read(ID, 0);
        ConsoleLogResult rest = logs.read(ID, first.nextOffset());

        assertThat(first.nextOffset()).isEqualTo(ConsoleLogs.MAX_CHUNK_BYTES);
        assertThat(rest.text()).hasSize(10);
    }

    @Test
    void neverSplitsACharacter() throws IOException {
        ConsoleLogs logs = new ConsoleLogs(directory);
        Path path = logs.prepareFreshBoot(ID);
        String text = "x".repeat(ConsoleLogs.MAX_CHUNK_BYTES - 1) + "\u00e9tat \u20ac";
        Files.writeString(path, text);

        ConsoleLogResult first = logs.read(ID, 0);
        ConsoleLogResult rest = logs.read(ID, first.nextOffset());

        assertThat(first.nextOffset()).isEqualTo(ConsoleLogs.MAX_CHUNK_BYTES - 1);
        assertThat(first.text() + rest.text()).isEqualTo(text);
        assertThat(rest.nextOffset()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void completeUtf8Length() {
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);

        assertThat(ConsoleLogs.completeUtf8Length(euro, 3)).isEqualTo(3);
        assertThat(ConsoleLogs.completeUtf8Length(euro, 2)).isZero();
        assertThat(ConsoleLogs.completeUtf8Length(euro, 1)).isZero();
        assertThat(ConsoleLogs.completeUtf8Length("ab".getBytes(StandardCharsets.UTF_8), 2)).isEqualTo(2);
    }

    @Test
    void aVmThatNeverBootedHasAnEmptyLog() {
        assertThat(new ConsoleLogs(directory).read(ID, 0)).isEqualTo(new ConsoleLogResult("", 0));
    }
}
