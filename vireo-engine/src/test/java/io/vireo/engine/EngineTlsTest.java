package io.vireo.engine;

import io.vireo.engine.auth.LoginLimits;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.Pem;
import io.vireo.model.TlsTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API is HTTPS unless the administrator asks for plain HTTP, with the engine CA's certificate or the administrator's. */
class EngineTlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void servesHttpsByDefaultForEveryNameAndRefusesPlainHttp(@TempDir Path data) throws Exception {
        try (Engine engine = start(data, new EngineConfig.Tls(false, Optional.empty(), Optional.empty(),
                List.of("vireo.example.org", "192.0.2.10")))) {
            int port = engine.apiPort();
            X509Certificate ca = Pem.readCertificate(Files.readString(data.resolve("pki/ca.crt")));
            HttpClient https = HttpClient.newBuilder().sslContext(TlsTrust.trusting(ca)).connectTimeout(TIMEOUT).build();
            assertThat(status(https, "https://127.0.0.1:" + port + "/api")).isEqualTo(401);
            // OpenStack clients follow the identity API's self link: the first public name
            assertThat(body(https, "https://127.0.0.1:" + port + "/identity/v3"))
                    .contains("\"href\":\"https://vireo.example.org:" + port + "/identity/v3/\"");

            List<X509Certificate> chain = TlsTrust.presentedChain("127.0.0.1", port, TIMEOUT);
            assertThat(chain.getLast()).isEqualTo(ca);
            assertThat(chain.getFirst().getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                    .contains("localhost", "127.0.0.1", "vireo.example.org", "192.0.2.10");

            HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            assertThatThrownBy(() -> status(plain, "http://127.0.0.1:" + port + "/api"))
                    .as("plain HTTP on the HTTPS port gets no answer").isInstanceOf(IOException.class);
            // and a client that does not know the engine's CA refuses the engine
            assertThatThrownBy(() -> status(HttpClient.newBuilder().connectTimeout(TIMEOUT).build(),
                    "https://127.0.0.1:" + port + "/api")).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
    }

    @Test
    void servesPlainHttpOnlyWhenAsked(@TempDir Path data) throws Exception {
        try (Engine engine = start(data, new EngineConfig.Tls(true, Optional.empty(), Optional.empty(), List.of()))) {
            assertThat(engine.apiUrl()).startsWith("http://");
            HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            assertThat(status(plain, "http://127.0.0.1:" + engine.apiPort() + "/api")).isEqualTo(401);
            // no public name: the advertised address
            assertThat(body(plain, "http://127.0.0.1:" + engine.apiPort() + "/identity/v3"))
                    .contains("\"href\":\"http://127.0.0.1:" + engine.apiPort() + "/identity/v3/\"");
        }
    }

    @Test
    void servesTheAdministratorsCertificateWhenGiven(@TempDir Path data, @TempDir Path other) throws Exception {
        CertificateAuthority theirs = CertificateAuthority.loadOrCreate(other.resolve("pki"));
        KeyStore store = theirs.serverKeyStore(List.of("localhost"), List.of("127.0.0.1"), "pw".toCharArray());
        Path certificateFile = other.resolve("server.crt");
        Path keyFile = other.resolve("server.key");
        StringBuilder chainPem = new StringBuilder();
        for (Certificate certificate : store.getCertificateChain("engine")) {
            chainPem.append(Pem.write(certificate));
        }
        Files.writeString(certificateFile, chainPem);
        Files.writeString(keyFile, Pem.privateKey((PrivateKey) store.getKey("engine", "pw".toCharArray())));

        try (Engine engine = start(data, new EngineConfig.Tls(false, Optional.of(certificateFile), Optional.of(keyFile),
                List.of()))) {
            HttpClient https = HttpClient.newBuilder().sslContext(TlsTrust.trusting(theirs.certificate()))
                    .connectTimeout(TIMEOUT).build();
            assertThat(status(https, "https://127.0.0.1:" + engine.apiPort() + "/api")).isEqualTo(401);
            assertThat(TlsTrust.presentedChain("127.0.0.1", engine.apiPort(), TIMEOUT).getFirst())
                    .isEqualTo(store.getCertificate("engine"));
        }
    }

    @Test
    void refusesAKeyThatIsNotTheCertificates(@TempDir Path data, @TempDir Path other) throws Exception {
        CertificateAuthority theirs = CertificateAuthority.loadOrCreate(other.resolve("pki"));
        KeyStore first = theirs.serverKeyStore(List.of("localhost"), List.of(), "pw".toCharArray());
        KeyStore second = theirs.serverKeyStore(List.of("localhost"), List.of(), "pw".toCharArray());
        Path certificateFile = Files.writeString(other.resolve("server.crt"), Pem.write(first.getCertificate("engine")));
        Path keyFile = Files.writeString(other.resolve("server.key"),
                Pem.privateKey((PrivateKey) second.getKey("engine", "pw".toCharArray())));
        assertThatThrownBy(() -> ServerCertificates.fromPemFiles(certificateFile, keyFile, "x".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not the key of the certificate");
    }

    private static Engine start(Path data, EngineConfig.Tls tls) {
        TestDatabase.External database = TestDatabase.freshExternal();
        Engine engine = new Engine(new EngineConfig(data, Optional.of(database.url()), Optional.of(database.user()),
                Optional.of(database.password()), "127.0.0.1", 0, 0, Optional.of("127.0.0.1"), Optional.of("s3cret-admin"),
                Duration.ofSeconds(30), Duration.ofMinutes(1), Optional.empty(), LoginLimits.DEFAULTS,
                EngineConfig.Pruning.defaults(), EngineConfig.Metrics.defaults(), io.vireo.engine.hosts.DisplayAccess.defaults(),
                tls));
        engine.start();
        return engine;
    }

    private static String body(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int status(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
