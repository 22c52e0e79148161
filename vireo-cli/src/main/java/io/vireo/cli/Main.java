package io.vireo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vireo} command: the engine, the agent, all-in-one, and the client verbs. */
@Command(name = "vireo", mixinStandardHelpOptions = true, version = "vireo 0.1.0",
        description = "Vireo virtualization manager",
        subcommands = {
                EngineCommand.class,
                AgentCommands.class,
                AllInOneCommand.class,
                CaCommands.class,
                LoginCommand.class,
                LogoutCommand.class,
                ClientCommands.DataCenters.class,
                ClientCommands.Clusters.class,
                ClientCommands.StorageDomains.class,
                ClientCommands.BootFiles.class,
                ClientCommands.Disks.class,
                ClientCommands.Hosts.class,
                VmCommands.class,
                PoolCommands.class,
                NetworkCommands.class,
                ClientCommands.Events.class,
                ClientCommands.Jobs.class,
                AccessCommands.Users.class,
                AccessCommands.Groups.class,
                AccessCommands.Roles.class,
                AccessCommands.Permissions.class,
                BenchCommand.class,
        })
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            if (exception instanceof ApiClient.ApiError error) {
                command.getErr().println("error: " + error.getMessage() + " [" + error.code() + "]");
                return 2;
            }
            // never "error: null": a failure without a message is named by its kind
            command.getErr().println("error: " + (exception.getMessage() == null ? exception.toString() : exception.getMessage()));
            return 1;
        });
        return commandLine;
    }
}
