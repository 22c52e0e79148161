package io.vireo.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SHA-256 fingerprint of a certificate, written as {@code openssl x509 -fingerprint -sha256}
 * writes it (upper-case hex pairs joined by colons). What a person compares by eye, and what
 * {@code vireo host add}, the engine's start and {@code vireo login} show of the engine's CA.
 */
public final class CertificateFingerprint {
    private CertificateFingerprint() {
    }

    public static String of(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot compute a certificate's fingerprint", e);
        }
    }

    /**
     * A fingerprint as a person may type or paste it (colons or not, any case, with or without a
     * leading "sha256:" or "SHA256 Fingerprint="), in the form {@link #of} writes.
     *
     * @throws IllegalArgumentException it is not 32 bytes of hex
     */
    public static String normalize(String text) {
        String hex = text.strip();
        int equals = hex.lastIndexOf('=');
        if (equals >= 0) {
            hex = hex.substring(equals + 1);
        }
        if (hex.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
            hex = hex.substring("sha256:".length());
        }
        hex = hex.replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("'" + text + "' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
    }

    public static boolean matches(X509Certificate certificate, String fingerprint) {
        return of(certificate).equals(normalize(fingerprint));
    }
}
