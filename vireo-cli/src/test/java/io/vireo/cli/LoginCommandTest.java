package io.vireo.cli;

import io.vireo.engine.hostlink.CertificateAuthority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** At login the CLI trusts the engine's CA only once a person accepted it, and never a changed one silently. */
class LoginCommandTest {
    private final InputStream standardInput = System.in;

    @AfterEach
    void restoreStandardInput() {
        System.setIn(standardInput);
    }

    @Test
    void aChangedCaIsRefusedWithBothFingerprints(@TempDir Path directory) throws Exception {
        CertificateAuthority before = TestTlsServer.authority(directory.resolve("before"));
        CertificateAuthority now = TestTlsServer.authority(directory.resolve("now"));
        try (TestTlsServer server = TestTlsServer.tls(now, List.of(), List.of("127.0.0.1"))) {
            String url = "https://127.0.0.1:" + server.port();
            answer("yes\n");
            assertThatThrownBy(() -> login().authority(url, Optional.of(before.certificate())))
                    .hasMessageContaining("now shows a different certificate authority")
                    .hasMessageContaining(now.fingerprint()).hasMessageContaining(before.fingerprint())
                    .hasMessageContaining("--ca-fingerprint " + now.fingerprint());
            // the same CA as before: trusted without a question
            assertThat(login().authority(url, Optional.of(now.certificate()))).isEqualTo(now.certificate());
            // a new CA given explicitly, by its fingerprint: trusted
            LoginCommand explicit = login();
            explicit.caFingerprint = now.fingerprint().replace(":", "").toLowerCase();
            assertThat(explicit.authority(url, Optional.of(before.certificate()))).isEqualTo(now.certificate());
        }
    }

    @Test
    void aNewCaIsTrustedOnlyWhenThePersonSaysYes(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = TestTlsServer.authority(directory);
        try (TestTlsServer server = TestTlsServer.tls(authority, List.of(), List.of("127.0.0.1"))) {
            String url = "https://127.0.0.1:" + server.port();
            answer("yes\n");
            assertThat(login().authority(url, Optional.empty())).isEqualTo(authority.certificate());
            answer("no\n");
            assertThatThrownBy(() -> login().authority(url, Optional.empty())).hasMessageContaining("not accepted");
            answer("");
            assertThatThrownBy(() -> login().authority(url, Optional.empty()))
                    .hasMessageContaining("--ca-fingerprint " + authority.fingerprint());
        }
    }

    @Test
    void aWrongFingerprintIsRefused(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = TestTlsServer.authority(directory);
        try (TestTlsServer server = TestTlsServer.tls(authority, List.of(), List.of("127.0.0.1"))) {
            LoginCommand login = login();
            login.caFingerprint = "AB".repeat(32);
            assertThatThrownBy(() -> login.authority("https://127.0.0.1:" + server.port(), Optional.empty()))
                    .hasMessageContaining("not logged in").hasMessageContaining(authority.fingerprint());
        }
    }

    private static LoginCommand login() {
        LoginCommand login = new LoginCommand();
        login.user = "admin";
        return login;
    }

    private static void answer(String text) {
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
