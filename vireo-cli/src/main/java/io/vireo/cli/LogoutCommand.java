package io.vireo.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Revoke the saved session's token at the engine and forget the session")
public final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Optional<Session> session = Session.saved();
        if (session.isEmpty()) {
            spec.commandLine().getOut().println("Not logged in: there is no saved session in " + Session.file());
            return 0;
        }
        String url = session.get().url();
        try {
            new ApiClient(url, null, session.get().ca()).revoke(session.get().token());
        } catch (IOException | RuntimeException e) {
            // the session is forgotten all the same: the token is of no use to this machine any more
            Session.forget();
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            spec.commandLine().getErr().println("error: forgot the session, but " + url + " could not revoke its token ("
                    + why + "); it stays valid until it expires");
            return 1;
        }
        Session.forget();
        spec.commandLine().getOut().println("Logged out of " + url + ": the token is revoked and the session forgotten");
        return 0;
    }
}
