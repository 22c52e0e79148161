package io.vireo.agent.enrollment;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.CertificateFingerprint;
import io.vireo.model.Host;
import io.vireo.model.Json;
import io.vireo.model.Pem;
import io.vireo.model.TlsTrust;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The agent's identity: a key made on the host (it never leaves it), the certificate the engine's
 * CA signed for it at enrollment, the CA certificate, and the endpoint to dial.
 */
public final class AgentIdentity {
    private static final ObjectMapper MAPPER = Json.lenientMapper();

    private final String hostId;
    private final String endpoint;
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final List<X509Certificate> caCertificates;

    AgentIdentity(String hostId, String endpoint, KeyPair keyPair, X509Certificate certificate,
                  List<X509Certificate> caCertificates) {
        this.hostId = requireNonNull(hostId, "hostId");
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.keyPair = requireNonNull(keyPair, "keyPair");
        this.certificate = requireNonNull(certificate, "certificate");
        this.caCertificates = List.copyOf(caCertificates);
        if (this.caCertificates.isEmpty()) {
            throw new IllegalArgumentException("an agent trusts at least one CA");
        }
    }

    /** The certificate this agent presents to the engine. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The engine CAs this agent trusts: the current one first, then the one before it while a rotation lasts. */
    public List<X509Certificate> caCertificates() {
        return caCertificates;
    }

    public String hostId() {
        return hostId;
    }

    public String endpoint() {
        return endpoint;
    }

    /**
     * Enrolls with the engine: makes a key, sends a certificate request with the one-time token,
     * and keeps what the engine answers in the state directory. The engine's CA must have the
     * SHA-256 fingerprint that came with the token ({@code vireo host add} prints both): over
     * HTTPS the engine's certificate must chain to that CA (or to one this machine trusts), and the
     * CA the engine answers, which the agent will trust from then on, must be that one.
     */
    public static AgentIdentity enroll(String engineUrl, String token, String caFingerprint, Path stateDirectory)
            throws IOException, InterruptedException {
        String expected;
        try {
            expected = CertificateFingerprint.normalize(caFingerprint);
        } catch (IllegalArgumentException e) {
            throw new IOException("The CA fingerprint given is not usable: " + e.getMessage());
        }
        KeyPair keyPair = newKeyPair();
        String csr = certificateRequest(keyPair);
        String body = MAPPER.writeValueAsString(new Host.EnrollRequest(token, csr));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .sslContext(TlsTrust.pinned(expected)).build();
        String base = engineUrl.replaceAll("/+$", "");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/hostlink/enroll"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (SSLException e) {
            throw new IOException("Refused to enroll with " + base + ": its TLS certificate is not one the engine's CA with "
                    + "SHA-256 fingerprint " + expected + " signed (" + rootMessage(e) + "). Check the address and the "
                    + "fingerprint 'vireo host add' printed.", e);
        }
        if (response.statusCode() != 200) {
            String message = MAPPER.readTree(response.body()).path("message").asText(response.body());
            throw new IOException("The engine refused the enrollment (HTTP " + response.statusCode() + "): " + message);
        }
        Host.Enrollment enrollment = MAPPER.readValue(response.body(), Host.Enrollment.class);
        String answered = CertificateFingerprint.of(Pem.readCertificate(enrollment.caCertificatePem()));
        if (!answered.equals(expected)) {
            throw new IOException("Refused to enroll with " + base + ": it answered a CA with SHA-256 fingerprint " + answered
                    + ", not " + expected + " as given; nothing was kept. Check the fingerprint 'vireo host add' printed.");
        }
        Files.createDirectories(stateDirectory);
        Pem.writePrivateKey(stateDirectory.resolve("agent.key"), keyPair.getPrivate());
        Files.writeString(stateDirectory.resolve("agent.crt"), enrollment.certificatePem());
        Files.writeString(stateDirectory.resolve("ca.crt"), enrollment.caCertificatePem());
        MAPPER.writeValue(stateDirectory.resolve("enrollment.json").toFile(), enrollment);
        return load(stateDirectory);
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }

    public static boolean isEnrolled(Path stateDirectory) {
        return Files.exists(stateDirectory.resolve("enrollment.json")) && Files.exists(stateDirectory.resolve("agent.key"));
    }

    public static AgentIdentity load(Path stateDirectory) throws IOException {
        if (!isEnrolled(stateDirectory)) {
            throw new IOException("This agent is not enrolled (no " + stateDirectory.resolve("enrollment.json")
                    + "): run 'vireo agent enroll --engine URL --token T --ca-fingerprint F' first");
        }
        CertificateRenewal.finishInterruptedInstall(stateDirectory);
        Host.Enrollment enrollment = MAPPER.readValue(stateDirectory.resolve("enrollment.json").toFile(), Host.Enrollment.class);
        X509Certificate certificate = Pem.readCertificate(Files.readString(stateDirectory.resolve("agent.crt")));
        return new AgentIdentity(enrollment.hostId(), enrollment.agentEndpoint(),
                new KeyPair(certificate.getPublicKey(),
                        Pem.readPrivateKey(Files.readString(stateDirectory.resolve("agent.key")), "agent.key")),
                certificate, readCertificates(stateDirectory.resolve("ca.crt")));
    }

    /** Every certificate of a PEM file, in order. */
    static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot read the certificates in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The same agent with another key and certificate, trusting these CAs. */
    AgentIdentity with(KeyPair newKeys, X509Certificate newCertificate, List<X509Certificate> newCaCertificates) {
        return new AgentIdentity(hostId, endpoint, newKeys, newCertificate, newCaCertificates);
    }

    KeyPair keyPair() {
        return keyPair;
    }

    /** TLS that presents this host's certificate and trusts only the engine's CAs. */
    public SSLContext sslContext() {
        try {
            char[] password = "agent".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("agent", keyPair.getPrivate(), password, new Certificate[]{certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < caCertificates.size(); i++) {
                trust.setCertificateEntry("vireo-ca-" + i, caCertificates.get(i));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot set up TLS with the agent's certificate", e);
        }
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String certificateRequest(KeyPair keyPair) {
        try {
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=vireo-agent"),
                    keyPair.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate()));
            return Pem.write(request);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot make a certificate request", e);
        }
    }
}
