package io.vireo.cli;

import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.model.CertificateFingerprint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the CLI says when it cannot reach or trust the engine: where, why, and what to do. */
class EngineConnectionTest {
    @Test
    void aRefusedConnectionNamesTheEngineAndSaysToStartIt() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        String url = "https://127.0.0.1:" + port;
        assertThatThrownBy(() -> new ApiClient(url, "t", Optional.empty()).get("/api/vms"))
                .isInstanceOf(EngineConnection.UnreachableException.class)
                .hasMessageStartingWith("Cannot reach the engine at " + url + ": the connection was refused")
                .hasMessageContaining("nothing listens on 127.0.0.1:" + port).hasMessageContaining("vireo login --url");
    }

    @Test
    void anEngineThatDoesNotAnswerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            ApiClient client = new ApiClient(url, "t", Optional.empty(), Duration.ofSeconds(5), Duration.ofMillis(500));
            assertThatThrownBy(() -> client.get("/api/vms")).isInstanceOf(EngineConnection.UnreachableException.class)
                    .hasMessageStartingWith("Cannot reach the engine at " + url).hasMessageContaining("timed out");
        }
    }

    @Test
    void aNameThatDoesNotResolveIsSaid() {
        String url = "https://no-such-engine.invalid:8080";
        assertThatThrownBy(() -> new ApiClient(url, "t", Optional.empty()).get("/api/vms"))
                .isInstanceOf(EngineConnection.UnreachableException.class)
                .hasMessageContaining("the name no-such-engine.invalid does not resolve");
    }

    @Test
    void anEngineWhoseCaChangedIsRefusedWithBothFingerprints(@TempDir Path directory) throws Exception {
        CertificateAuthority accepted = TestTlsServer.authority(directory.resolve("accepted"));
        CertificateAuthority other = TestTlsServer.authority(directory.resolve("other"));
        try (TestTlsServer server = TestTlsServer.tls(other, List.of("localhost"), List.of("127.0.0.1"))) {
            String url = "https://127.0.0.1:" + server.port();
            assertThatThrownBy(() -> new ApiClient(url, "t", Optional.of(accepted.certificate())).get("/api/vms"))
                    .isInstanceOf(EngineConnection.UnreachableException.class)
                    .hasMessageStartingWith("Cannot reach the engine at " + url)
                    .hasMessageContaining("untrusted certificate")
                    .hasMessageContaining(accepted.fingerprint()).hasMessageContaining(other.fingerprint())
                    .hasMessageContaining("vireo login --url " + url + " --ca-fingerprint " + other.fingerprint());
            // the CA it was shown at login: trusted
            assertThat(new ApiClient(url, null, Optional.of(other.certificate())).get("/api/vms").isObject()).isFalse();
        } catch (ApiClient.ApiError expected) {
            assertThat(expected.status()).isEqualTo(401);
        }
    }

    @Test
    void aCertificateForAnotherNameIsSaid(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = TestTlsServer.authority(directory);
        try (TestTlsServer server = TestTlsServer.tls(authority, List.of("localhost"), List.of())) {
            String url = "https://127.0.0.1:" + server.port();
            assertThatThrownBy(() -> new ApiClient(url, "t", Optional.of(authority.certificate())).get("/api/vms"))
                    .isInstanceOf(EngineConnection.UnreachableException.class)
                    .hasMessageContaining("does not name 127.0.0.1").hasMessageContaining("--public-name 127.0.0.1");
        }
    }

    @Test
    void plainHttpAgainstHttpsAndTheOtherWayRoundAreSaid(@TempDir Path directory) throws Exception {
        try (TestTlsServer server = TestTlsServer.tls(TestTlsServer.authority(directory), List.of(), List.of("127.0.0.1"))) {
            String url = "http://127.0.0.1:" + server.port();
            assertThatThrownBy(() -> new ApiClient(url, "t", Optional.empty()).get("/api/vms"))
                    .isInstanceOf(EngineConnection.UnreachableException.class)
                    .hasMessageContaining("without an HTTP answer").hasMessageContaining("https://127.0.0.1:" + server.port());
        }
        try (TestTlsServer plain = TestTlsServer.plain()) {
            String url = "https://127.0.0.1:" + plain.port();
            assertThatThrownBy(() -> new ApiClient(url, "t", Optional.empty()).get("/api/vms"))
                    .isInstanceOf(EngineConnection.UnreachableException.class)
                    .hasMessageContaining("answers plain HTTP, not HTTPS");
        }
    }

    @Test
    void anUntrustedEngineWithoutASavedCaIsToldToLogInAgain(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = TestTlsServer.authority(directory);
        try (TestTlsServer server = TestTlsServer.tls(authority, List.of(), List.of("127.0.0.1"))) {
            String url = "https://127.0.0.1:" + server.port();
            assertThatThrownBy(() -> new ApiClient(url, "t", Optional.empty()).get("/api/vms"))
                    .hasMessageContaining("not trusted here").hasMessageContaining(CertificateFingerprint.of(authority.certificate()))
                    .hasMessageContaining("vireo login --url " + url);
        }
    }

    @Test
    void theCliNeverPrintsErrorNull() {
        java.io.StringWriter err = new java.io.StringWriter();
        var commandLine = Main.commandLine();
        commandLine.setErr(new java.io.PrintWriter(err));
        // a verb whose failure has no message of its own (here: a login to a port nothing listens on) still says what
        int exit = commandLine.execute("login", "--url", "https://127.0.0.1:1", "--ca-fingerprint", "AA".repeat(32),
                "--password-file", "/nonexistent");
        assertThat(exit).isNotZero();
        assertThat(err.toString()).startsWith("error: ").doesNotContain("error: null")
                .contains("Cannot reach the engine at https://127.0.0.1:1");
    }
}
