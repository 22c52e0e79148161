package io.vireo.cli;

import io.vireo.model.CertificateFingerprint;
import io.vireo.model.TlsTrust;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why the CLI could not talk to an engine, in a sentence that names the engine, the reason
 * (refused, timed out, a name that does not resolve, a certificate it cannot trust, HTTP against
 * HTTPS) and what to do about it.
 */
final class EngineConnection {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private EngineConnection() {
    }

    /** Thrown when the engine could not be reached or trusted; its message is meant for the person at the terminal. */
    static final class UnreachableException extends IOException {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static UnreachableException explain(String baseUrl, Optional<X509Certificate> trustedCa, IOException failure) {
        if (failure instanceof UnreachableException already) {
            return already;
        }
        URI uri = URI.create(baseUrl);
        String host = uri.getHost();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String where = "the engine at " + baseUrl;
        String relogin = "vireo login --url " + (https ? "https" : "http") + "://ENGINE:8080";
        List<Throwable> causes = causes(failure);
        String reason;
        if (has(causes, UnresolvedAddressException.class) || has(causes, UnknownHostException.class)) {
            reason = "the name " + host + " does not resolve to an address. Check the URL, or log in to the right engine: "
                    + relogin;
        } else if (has(causes, HttpConnectTimeoutException.class)) {
            reason = "no connection within " + ApiClient.CONNECT_TIMEOUT.toSeconds() + " s (timed out): the address may be "
                    + "wrong or a firewall drops the packets. Check that " + host + ":" + port + " is the engine and is "
                    + "reachable from here";
        } else if (has(causes, HttpTimeoutException.class)) {
            reason = "it accepted the connection but did not answer in time (timed out): the engine may be overloaded or "
                    + "stuck, or something else listens on " + host + ":" + port + ". Try again, and look at the engine's log";
        } else if (has(causes, ConnectException.class)) {
            reason = "the connection was refused: nothing listens on " + host + ":" + port + ". Start the engine "
                    + "(vireo engine, or bin/vireo all-in-one) or, if it runs elsewhere, log in there: " + relogin;
        } else if (https && has(causes, SSLException.class)) {
            reason = tlsReason(host, port, trustedCa, causes);
        } else if (!https && (has(causes, EOFException.class) || has(causes, ProtocolException.class)
                || messageMentions(causes, "header parser received no bytes") || messageMentions(causes, "closed"))) {
            reason = "it closed the connection without an HTTP answer, or answered something else: engines serve HTTPS "
                    + "unless started with --insecure-http. Log in with https:// instead: vireo login --url https://" + host + ":" + port;
        } else {
            reason = "the connection failed (" + describe(failure) + "). Check that the engine runs and the URL is right";
        }
        return new UnreachableException("Cannot reach " + where + ": " + reason, failure);
    }

    private static String tlsReason(String host, int port, Optional<X509Certificate> trustedCa, List<Throwable> causes) {
        if (messageMentions(causes, "Unsupported or unrecognized SSL message")
                || messageMentions(causes, "plaintext connection")) {
            return "it answers plain HTTP, not HTTPS (an engine started with --insecure-http). If that is meant (a TLS proxy "
                    + "in front of it), log in through the proxy's https:// address, or with http://" + host + ":" + port;
        }
        List<X509Certificate> chain;
        try {
            chain = TlsTrust.presentedChain(host, port, PROBE_TIMEOUT);
        } catch (IOException probeFailure) {
            return "the TLS handshake failed (" + describe(causes.getLast()) + ")";
        }
        X509Certificate presentedCa = TlsTrust.authorityOf(chain);
        String presented = CertificateFingerprint.of(presentedCa);
        if (trustedCa.isPresent() && !trustedCa.get().equals(presentedCa)
                && chain.stream().noneMatch(certificate -> certificate.equals(trustedCa.get()))) {
            return "its certificate comes from a certificate authority you did not accept (TLS, untrusted certificate). "
                    + "At login you accepted the CA with SHA-256 fingerprint " + CertificateFingerprint.of(trustedCa.get())
                    + "; the engine now shows " + presentedCa.getSubjectX500Principal().getName() + " with fingerprint "
                    + presented + ". If its administrator replaced the engine's CA, check the new fingerprint with them and "
                    + "log in again with: vireo login --url https://" + host + ":" + port + " --ca-fingerprint " + presented
                    + ". Otherwise do not: someone may be intercepting the connection";
        }
        if (has(causes, CertificateExpiredException.class) || messageMentions(causes, "validity check failed")
                || messageMentions(causes, "expired")) {
            return "its certificate has expired (TLS). Its administrator must renew the engine's certificate";
        }
        if (messageMentions(causes, "No subject alternative") || messageMentions(causes, "No name matching")) {
            return "its certificate does not name " + host + " (TLS). Reach it by a name or address the certificate holds, "
                    + "or start the engine with --public-name " + host;
        }
        if (trustedCa.isEmpty()) {
            return "its certificate is not trusted here (TLS, untrusted certificate): it comes from "
                    + presentedCa.getSubjectX500Principal().getName() + ", SHA-256 fingerprint " + presented
                    + ". Log in again to see and accept the engine's CA: vireo login --url https://" + host + ":" + port;
        }
        return "the TLS handshake failed (" + describe(causes.getLast()) + ")";
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
            for (Throwable suppressed : cause.getSuppressed()) {
                chain.add(suppressed);
            }
        }
        return chain;
    }

    private static boolean has(List<Throwable> causes, Class<? extends Throwable> type) {
        return causes.stream().anyMatch(type::isInstance);
    }

    private static boolean messageMentions(List<Throwable> causes, String text) {
        return causes.stream().anyMatch(cause -> cause.getMessage() != null && cause.getMessage().contains(text));
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
