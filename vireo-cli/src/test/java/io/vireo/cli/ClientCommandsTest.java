package io.vireo.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The verbs parse what the README shows. */
class ClientCommandsTest {
    @Test
    void setPolicyTakesTrueOrFalseForItsSwitches() {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs("cluster", "set-policy", "Default", "--scheduling",
                "evenly_distributed", "--max-downtime-ms", "100", "--auto-converge", "true", "--post-copy", "false");
        CommandLine.ParseResult setPolicy = parsed.subcommand().subcommand();
        assertThat(setPolicy.matchedOptionValue("--auto-converge", (Boolean) null)).isTrue();
        assertThat(setPolicy.matchedOptionValue("--post-copy", (Boolean) null)).isFalse();
        assertThat(setPolicy.matchedPositionals()).hasSize(1);
    }

    @Test
    void eventsShowTheNewestByDefault() {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs("events");
        assertThat(parsed.subcommand().matchedOptionValue("--last", 20)).isEqualTo(20);
        CommandLine.ParseResult following = Main.commandLine().parseArgs("events", "-n", "5", "--follow");
        assertThat(following.subcommand().matchedOptionValue("--follow", false)).isTrue();
        assertThat(following.subcommand().matchedOptionValue("--last", 0)).isEqualTo(5);
    }
}
