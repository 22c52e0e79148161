package io.vireo.agent.network;

import java.util.List;
import java.util.Optional;

/**
 * How the overlay code acts on the host: tools run without a shell ({@code ip}, {@code bridge}, {@code nft},
 * {@code iptables-restore}, {@code dnsmasq}, {@code kill}), split into those that only read and those that
 * change something, so a test can tell a convergence that changed nothing. The real one is
 * {@link ProcessHostCommands}; unit tests use a fake.
 */
public interface HostCommands {
    /** Runs a command that changes nothing and answers its standard output; NetworkException when it fails. */
    String read(List<String> command);

    /** Runs a command that changes the host, with {@code input} (may be null) on its standard input; NetworkException when it fails. */
    void change(List<String> command, String input);

    default void change(String... command) {
        change(List.of(command), null);
    }

    default String read(String... command) {
        return read(List.of(command));
    }

    /** The command line of a running process (its arguments joined by spaces); empty when it runs no more. */
    Optional<String> commandLine(long pid);
}
