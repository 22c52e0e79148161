package io.vireo.engine.console;

import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.model.Pem;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.UUID;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * TLS towards the VMs' displays, whose QEMU serves them with the host's certificate from the engine's
 * CA: the console proxy's side of VNC (it shows the engine's client certificate, which QEMU with
 * {@code vnc_tls_x509_verify = 1} requires, and trusts only what the CA signed), and the CA that
 * remote-viewer files carry for SPICE.
 *
 * @param context the proxy's TLS: the engine's client certificate, the engine's CAs as the only trust
 * @param caPem the CAs a host's certificate may chain to (the current one, and the previous one after a
 *     rotation), in PEM
 */
public record DisplayTls(SSLContext context, String caPem) {
    public DisplayTls {
        requireNonNull(context, "context");
        requireNonNull(caPem, "caPem");
    }

    /** The engine's: a client certificate its CA signs now (like its server certificates, at each start). */
    public static DisplayTls of(CertificateAuthority authority) {
        char[] password = UUID.randomUUID().toString().toCharArray();
        return new DisplayTls(context(authority.clientKeyStore("vireo-engine", password), password, authority.trustStore()),
                authority.trusted().stream().map(Pem::write).collect(Collectors.joining()));
    }

    /**
     * @param clientKeys the engine's client key and certificate chain
     * @param password the key's password in {@code clientKeys}
     * @param trusted the CA certificates a display's certificate must chain to
     */
    static SSLContext context(KeyStore clientKeys, char[] password, KeyStore trusted) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(clientKeys, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS towards the VMs' displays", e);
        }
    }
}
