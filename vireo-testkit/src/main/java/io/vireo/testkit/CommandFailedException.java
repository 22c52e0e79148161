package io.vireo.testkit;

import java.util.List;

/** An external command of the lab (virsh, ip, qemu-img, ...) failed or did not finish in time. */
public final class CommandFailedException
        extends RuntimeException
{
    private final List<String> command;
    private final int exitCode;
    private final String stderr;

    CommandFailedException(Commands.Result result)
    {
        super("command '%s' exited with %d: %s".formatted(
                String.join(" ", result.command()), result.exitCode(), describeOutput(result)));
        this.command = result.command();
        this.exitCode = result.exitCode();
        this.stderr = result.stderr();
    }

    CommandFailedException(List<String> command, String problem)
    {
        super("command '%s' %s".formatted(String.join(" ", command), problem));
        this.command = List.copyOf(command);
        this.exitCode = -1;
        this.stderr = "";
    }

    public List<String> command()
    {
        return command;
    }

    /** The exit code, or -1 when the command timed out or could not run. */
    public int exitCode()
    {
        return exitCode;
    }

    public String stderr()
    {
        return stderr;
    }

    private static String describeOutput(Commands.Result result)
    {
        String stderr = result.stderr().strip();
        return stderr.isEmpty() ? result.stdout().strip() : stderr;
    }
}
