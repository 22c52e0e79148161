package io.vireo.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code vireo logout} against a fake engine (an HTTP server that records what it is sent and
 * answers as the engine's revocation endpoint does): it revokes the saved token, then forgets the
 * session; when the engine cannot be reached it still forgets it, and says so. The real endpoint is
 * tested in the engine (AuthResourceTest) and end to end in RbacMatrixIT.
 */
class LogoutCommandTest {
    private final List<String> revoked = new CopyOnWriteArrayList<>();
    private String savedHome;
    private Path session;
    private HttpServer fakeEngine;

    @BeforeEach
    void home(@TempDir Path home) throws IOException {
        assumeThat(System.getenv("VIREO_SESSION_FILE")).as("the session file is not set from outside").isNull();
        savedHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        session = home.resolve(".config/vireo/session.json");
        fakeEngine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeEngine.createContext("/sso/oauth/revoke", exchange -> {
            revoked.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        fakeEngine.start();
    }

    @AfterEach
    void restore() {
        fakeEngine.stop(0);
        System.setProperty("user.home", savedHome);
    }

    @Test
    void logoutRevokesTheSavedTokenAndForgetsTheSession() throws IOException {
        String url = "http://127.0.0.1:" + fakeEngine.getAddress().getPort();
        new Session(url, "the-saved/token+1", java.util.Optional.empty()).save();
        assertThat(session).exists();

        Run run = logout();
        assertThat(run.exitCode()).isZero();
        assertThat(revoked).containsExactly("POST application/x-www-form-urlencoded token=the-saved%2Ftoken%2B1");
        assertThat(session).doesNotExist();
        assertThat(run.out()).contains("Logged out of " + url);

        // once more: nothing to do
        Run again = logout();
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("Not logged in");
        assertThat(revoked).hasSize(1);
    }

    @Test
    void anEngineThatCannotBeReachedLeavesTheTokenButTheSessionIsForgotten() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort;
        new Session(url, "a-token", java.util.Optional.empty()).save();

        Run run = logout();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("forgot the session, but " + url + " could not revoke its token", "stays valid until it expires");
        assertThat(session).doesNotExist();
        assertThat(Files.exists(session.getParent())).isTrue();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run logout() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute("logout");
        return new Run(exitCode, out.toString(), err.toString());
    }
}
