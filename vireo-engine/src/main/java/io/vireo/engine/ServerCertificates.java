package io.vireo.engine;

import io.vireo.engine.hostlink.CertificateAuthority;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The engine's server certificates: the one its CA signs at each start for every name and address
 * clients and agents reach it at, and the administrator's own (PEM files) for the API when given.
 */
final class ServerCertificates {
    private ServerCertificates() {
    }

    /** The names a server certificate must cover: this machine's, the advertised address, the listen address, the public names. */
    record Names(List<String> dnsNames, List<String> ipAddresses) {
    }

    static Names names(EngineConfig config, String advertisedAddress) {
        Set<String> dns = new LinkedHashSet<>(NetworkAddresses.dnsNames());
        Set<String> ips = new LinkedHashSet<>(NetworkAddresses.ipAddresses(advertisedAddress));
        ips.add("::1");
        List<String> more = new ArrayList<>(config.tls().publicNames());
        more.add(advertisedAddress);
        if (!config.listenAddress().equals("0.0.0.0") && !config.listenAddress().equals("::")) {
            more.add(config.listenAddress());
        }
        for (String name : more) {
            (isIpAddress(name) ? ips : dns).add(name);
        }
        return new Names(List.copyOf(dns), List.copyOf(ips));
    }

    /** The server's own certificate in a key store made here or by {@link #fromPemFiles}. */
    static X509Certificate leaf(KeyStore store) {
        try {
            return (X509Certificate) store.getCertificate("engine");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isIpAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    /**
     * A key store of a CA-signed server certificate for these names, with the CA after it (for
     * agents after a rotation, the cross certificate that agents trusting the previous CA follow).
     */
    static KeyStore signed(CertificateAuthority authority, Names names, char[] password, boolean forAgents) {
        return authority.serverKeyStore(names.dnsNames(), names.ipAddresses(), password, forAgents);
    }

    /**
     * The administrator's certificate (the server's first, then any intermediates) and its private
     * key (PKCS#8, or a traditional RSA or EC key), as a key store.
     */
    static KeyStore fromPemFiles(Path certificateFile, Path keyFile, char[] password) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            try (InputStream in = Files.newInputStream(certificateFile)) {
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    chain.add((X509Certificate) certificate);
                }
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(certificateFile + " holds no PEM certificate");
            }
            PrivateKey key = privateKey(keyFile);
            if (!matches(chain.getFirst(), key)) {
                throw new IllegalArgumentException("the key in " + keyFile + " is not the key of the certificate in "
                        + certificateFile);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("engine", key, password, chain.toArray(Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot use the TLS certificate " + certificateFile + " and key " + keyFile
                    + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException {
        try (Reader reader = Files.newBufferedReader(keyFile); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return switch (object) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case null, default -> throw new IllegalArgumentException(keyFile
                        + " holds no unencrypted PEM private key (PKCS#8, RSA or EC)");
            };
        }
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
        byte[] probe = "vireo".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        return verifier.verify(signature);
    }
}
