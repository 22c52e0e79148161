package io.vireo.cli;

import io.vireo.engine.hostlink.CertificateAuthority;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

/**
 * A test fixture: a TLS server on 127.0.0.1 with a certificate a real engine CA signed for the
 * given names, answering every request 401 with an empty JSON body, or (plain) the same without TLS.
 */
final class TestTlsServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread loop;

    private TestTlsServer(ServerSocket socket) {
        this.socket = socket;
        this.loop = Thread.ofVirtual().start(this::serve);
    }

    static TestTlsServer tls(CertificateAuthority authority, List<String> dnsNames, List<String> ipAddresses) throws Exception {
        char[] password = "test".toCharArray();
        KeyStore keys = authority.serverKeyStore(dnsNames, ipAddresses, password);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new TestTlsServer(server);
    }

    static TestTlsServer plain() throws IOException {
        return new TestTlsServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    static CertificateAuthority authority(Path directory) {
        return CertificateAuthority.loadOrCreate(directory);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(5000);
                if (client instanceof SSLSocket tls) {
                    tls.startHandshake();
                }
                byte[] request = new byte[4096];
                if (client.getInputStream().read(request) > 0) {
                    client.getOutputStream().write(("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // a refused handshake or a client that went away: the next one
            }
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        loop.join();
    }
}
