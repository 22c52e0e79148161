package io.vireo.model;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Whom a client of the engine trusts over TLS (the agent at enrollment, the CLI): the engine's CA
 * it was given, or, at enrollment, a CA known by its fingerprint. Host names are still checked
 * (Java's HTTP client asks the trust managers made here to check them).
 */
public final class TlsTrust {
    private TlsTrust() {
    }

    /** Trusts the chains this CA signed, and nothing else. */
    public static SSLContext trusting(X509Certificate ca) {
        return context(managerFor(ca));
    }

    /**
     * Trusts what this machine trusts (an engine behind a certificate an administrator bought),
     * or a chain that holds the CA with this SHA-256 fingerprint and that this CA signed: what
     * an agent enrolling with a fingerprint from {@code vireo host add} trusts.
     */
    public static SSLContext pinned(String caFingerprint) {
        return context(new PinnedTrustManager(CertificateFingerprint.normalize(caFingerprint), systemManager()));
    }

    /**
     * The certificates a TLS server presents, first its own, without trusting them: to show a
     * person the CA's fingerprint, or to say why a connection was refused. Nothing is sent
     * beyond the TLS handshake.
     */
    public static List<X509Certificate> presentedChain(String host, int port, Duration timeout) throws IOException {
        X509Certificate[][] seen = new X509Certificate[1][];
        X509TrustManager recorder = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain.clone();
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = context(recorder);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            int millis = (int) timeout.toMillis();
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            if (!host.matches("[0-9.]+") && !host.contains(":")) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(host)));
                socket.setSSLParameters(parameters);
            }
            socket.startHandshake();
        }
        if (seen[0] == null || seen[0].length == 0) {
            throw new IOException("the server at " + host + ":" + port + " presented no certificate");
        }
        return List.of(seen[0]);
    }

    /** The CA of a presented chain: its last certificate (the engine sends its CA after its own certificate). */
    public static X509Certificate authorityOf(List<X509Certificate> chain) {
        return chain.getLast();
    }

    /** Whether this machine's own trust store (the JDK's) trusts the chain, whatever host it is for. */
    public static boolean trustedBySystem(List<X509Certificate> chain) {
        try {
            systemManager().checkServerTrusted(chain.toArray(X509Certificate[]::new), "UNKNOWN");
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    /** The certificate in the chain with this fingerprint, if any. */
    public static Optional<X509Certificate> withFingerprint(List<X509Certificate> chain, String fingerprint) {
        String expected = CertificateFingerprint.normalize(fingerprint);
        return chain.stream().filter(certificate -> CertificateFingerprint.of(certificate).equals(expected)).findFirst();
    }

    private static SSLContext context(TrustManager manager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{manager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS", e);
        }
    }

    static X509ExtendedTrustManager managerFor(X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            return managerOf(store);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot trust the certificate " + ca.getSubjectX500Principal(), e);
        }
    }

    private static X509ExtendedTrustManager systemManager() {
        try {
            return managerOf(null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read this machine's trusted certificates", e);
        }
    }

    private static X509ExtendedTrustManager managerOf(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Arrays.stream(factory.getTrustManagers()).filter(X509ExtendedTrustManager.class::isInstance)
                .map(X509ExtendedTrustManager.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no X.509 trust manager"));
    }

    /** System trust first; else the pinned CA, which must be in the presented chain and must have signed it. */
    private static final class PinnedTrustManager extends X509ExtendedTrustManager {
        private final String fingerprint;
        private final X509ExtendedTrustManager system;

        PinnedTrustManager(String fingerprint, X509ExtendedTrustManager system) {
            this.fingerprint = fingerprint;
            this.system = system;
        }

        private X509ExtendedTrustManager pinned(X509Certificate[] chain) throws CertificateException {
            return withFingerprint(List.of(chain), fingerprint).map(TlsTrust::managerFor).orElseThrow(() ->
                    new CertificateException("the engine's certificate authority is not the expected one: it has SHA-256 "
                            + "fingerprint " + CertificateFingerprint.of(chain[chain.length - 1]) + ", expected "
                            + fingerprint));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                system.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException notSystem) {
                pinned(chain).checkServerTrusted(chain, authType, socket);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                system.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException notSystem) {
                pinned(chain).checkServerTrusted(chain, authType, engine);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                system.checkServerTrusted(chain, authType);
            } catch (CertificateException notSystem) {
                pinned(chain).checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("this trust is for servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("this trust is for servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust is for servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
