package io.vireo.engine.console;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * How the console proxy speaks TLS to the VMs' displays: it shows the engine's client certificate
 * (which QEMU, with {@code vnc_tls_x509_verify = 1}, requires from the engine's CA) and trusts only
 * the hosts' certificates the engine's CA signed.
 */
public final class DisplayTls {
    private DisplayTls() {
    }

    /**
     * @param clientKeys the engine's client key and certificate chain
     * @param password the key's password in {@code clientKeys}
     * @param trusted the CA certificates a display's certificate must chain to
     */
    public static SSLContext context(KeyStore clientKeys, char[] password, KeyStore trusted) {
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
