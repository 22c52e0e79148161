package io.vireo.agent.enrollment;

import io.vireo.model.Pem;
import io.vireo.model.rpc.CertificateRequest;
import io.vireo.model.rpc.InstallCertificateParams;
import io.vireo.model.rpc.InstallCertificateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Keeps the agent's certificate alive: once two thirds of its life has passed (or the engine asks,
 * after rotating its CA) the agent makes a new key and sends a certificate request over its link;
 * the engine answers with host.installCertificate, which is kept on disk and presented from the
 * next connection on. The key never leaves the host; a request unanswered for a while is made anew.
 */
public final class CertificateRenewal {
    private static final Logger log = LoggerFactory.getLogger(CertificateRenewal.class);
    private static final Duration MIN_RETRY = Duration.ofSeconds(5);
    private static final Duration MAX_RETRY = Duration.ofHours(1);

    private final Path stateDirectory;
    private final Clock clock;
    private final AtomicReference<AgentIdentity> identity;
    private final Consumer<AgentIdentity> installed;
    private KeyPair pending;
    private Instant requestedAt;

    public CertificateRenewal(AgentIdentity identity, Path stateDirectory, Clock clock) {
        this(identity, stateDirectory, clock, renewed -> { });
    }

    /** @param installed told of each new identity once it is kept (the agent writes libvirt's copy of it) */
    public CertificateRenewal(AgentIdentity identity, Path stateDirectory, Clock clock, Consumer<AgentIdentity> installed) {
        this.identity = new AtomicReference<>(requireNonNull(identity, "identity"));
        this.stateDirectory = requireNonNull(stateDirectory, "stateDirectory");
        this.clock = requireNonNull(clock, "clock");
        this.installed = requireNonNull(installed, "installed");
    }

    /** The identity to present on the next connection. */
    public AgentIdentity identity() {
        return identity.get();
    }

    /** Two thirds into the certificate's life. */
    static Instant renewalTime(X509Certificate certificate) {
        Instant from = certificate.getNotBefore().toInstant();
        Duration life = Duration.between(from, certificate.getNotAfter().toInstant());
        return from.plus(life.multipliedBy(2).dividedBy(3));
    }

    /** How long to wait for the engine's answer before asking again with a new key. */
    static Duration retryAfter(X509Certificate certificate) {
        Duration twentieth = Duration.between(certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant()).dividedBy(20);
        return twentieth.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : twentieth.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : twentieth;
    }

    /** A request to send now, if the certificate is due and none is waiting for its answer. */
    public synchronized java.util.Optional<CertificateRequest> requestIfDue() {
        X509Certificate certificate = identity.get().certificate();
        Instant now = clock.instant();
        if (now.isBefore(renewalTime(certificate))) {
            return java.util.Optional.empty();
        }
        if (pending != null && now.isBefore(requestedAt.plus(retryAfter(certificate)))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(request());
    }

    /** A request to send now, whatever the certificate's age (the engine asked); empty when one is waiting already. */
    public synchronized java.util.Optional<CertificateRequest> requestNow() {
        if (pending != null && clock.instant().isBefore(requestedAt.plus(MIN_RETRY))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(request());
    }

    private CertificateRequest request() {
        pending = AgentIdentity.newKeyPair();
        requestedAt = clock.instant();
        log.info("Asking the engine for a new certificate (the current one, serial {}, is valid until {})",
                identity.get().certificate().getSerialNumber().toString(16), identity.get().certificate().getNotAfter().toInstant());
        return new CertificateRequest(AgentIdentity.certificateRequest(pending));
    }

    /**
     * Keeps the engine's answer: the certificate must be for the key of the request waiting, name this
     * host and be signed by one of the CAs sent with it, which the agent trusts from now on.
     */
    public synchronized InstallCertificateResult install(InstallCertificateParams params) throws IOException {
        if (pending == null) {
            throw new IllegalArgumentException("no certificate request is waiting for an answer");
        }
        X509Certificate certificate = Pem.readCertificate(requireNonNull(params.certificatePem(), "certificatePem"));
        List<X509Certificate> authorities = new ArrayList<>();
        for (String pem : params.caCertificatesPem()) {
            authorities.add(Pem.readCertificate(pem));
        }
        if (!certificate.getPublicKey().equals(pending.getPublic())) {
            throw new IllegalArgumentException("the certificate is not for the key of the latest request");
        }
        AgentIdentity current = identity.get();
        if (!certificate.getSubjectX500Principal().equals(new X500Principal("CN=" + current.hostId()))) {
            throw new IllegalArgumentException("the certificate names " + certificate.getSubjectX500Principal()
                    + ", not this host");
        }
        if (authorities.stream().noneMatch(authority -> signs(authority, certificate))) {
            throw new IllegalArgumentException("none of the CAs sent signed the certificate");
        }
        write(stateDirectory, pending.getPrivate(), params.certificatePem(), params.caCertificatesPem());
        AgentIdentity renewed = current.with(pending, certificate, authorities);
        identity.set(renewed);
        pending = null;
        String serial = certificate.getSerialNumber().toString(16);
        log.info("Installed a new certificate, serial {}, valid until {}; it is presented from the next connection on",
                serial, certificate.getNotAfter().toInstant());
        try {
            installed.accept(renewed);
        } catch (RuntimeException e) {
            log.warn("The new certificate is kept, but could not be handed on: {}", e.getMessage(), e);
        }
        return new InstallCertificateResult(serial);
    }

    private static boolean signs(X509Certificate authority, X509Certificate certificate) {
        try {
            certificate.verify(authority.getPublicKey());
            return certificate.getIssuerX500Principal().equals(authority.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Writes the new key and certificate beside the old ones, then moves them into place: the key
     * first, so that a crash in between leaves a certificate.next that {@link #finishInterruptedInstall}
     * moves on the next start.
     */
    private static void write(Path directory, PrivateKey key, String certificatePem, List<String> caCertificatesPem)
            throws IOException {
        Path nextKey = directory.resolve("agent.key.next");
        Path nextCertificate = directory.resolve("agent.crt.next");
        Path nextAuthorities = directory.resolve("ca.crt.next");
        Pem.writePrivateKey(nextKey, key);
        Files.writeString(nextCertificate, certificatePem);
        Files.writeString(nextAuthorities, String.join("", caCertificatesPem));
        Files.move(nextAuthorities, directory.resolve("ca.crt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(nextKey, directory.resolve("agent.key"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(nextCertificate, directory.resolve("agent.crt"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Completes an install that a crash cut between moving the key and moving the certificate, or drops a half-written one. */
    static void finishInterruptedInstall(Path directory) throws IOException {
        Path nextCertificate = directory.resolve("agent.crt.next");
        if (Files.exists(nextCertificate) && !Files.exists(directory.resolve("agent.key.next"))) {
            Files.move(nextCertificate, directory.resolve("agent.crt"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(directory.resolve("agent.key.next"));
        Files.deleteIfExists(directory.resolve("agent.crt.next"));
        Files.deleteIfExists(directory.resolve("ca.crt.next"));
    }
}
