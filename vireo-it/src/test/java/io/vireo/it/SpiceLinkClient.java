package io.vireo.it;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Just enough of the SPICE link protocol to prove that a SPICE server takes or refuses a password:
 * the link message for the main channel, the server's reply with its RSA key, the password sealed
 * with RSA-OAEP, and the server's link result. All numbers are little-endian. The server takes TLS
 * only (spice_tls, defaultMode='secure'): the link starts after the TLS handshake on its TLS port.
 */
final class SpiceLinkClient {
    static final int OK = 0;
    static final int PERMISSION_DENIED = 7;

    private static final int MAGIC = 0x51444552; // "REDQ" read as a little-endian int
    private static final int MAJOR = 2;
    private static final int MINOR = 2;
    private static final int MAIN_CHANNEL = 1;
    private static final int PUBLIC_KEY_BYTES = 162;
    // common capabilities: auth selection (bit 0) and SPICE ticket auth (bit 1)
    private static final int CAP_AUTH_SELECTION = 1;
    private static final int CAP_AUTH_SPICE = 1 << 1;
    private static final int AUTH_MECHANISM_SPICE = 1;

    private SpiceLinkClient() {
    }

    /**
     * Links to the main channel with the password over TLS, trusting {@code tls}'s CAs and checking that the
     * server's certificate names {@code host}; answers the server's link result (0 OK, 7 permission denied).
     */
    static int link(String host, int port, String password, SSLContext tls) throws Exception {
        try (Socket socket = open(host, port, tls)) {
            return link(socket, password);
        }
    }

    /** Links as {@link #link(String, int, String, SSLContext)} does and keeps the main channel open; fails unless linked. */
    static Socket linked(String host, int port, String password, SSLContext tls) throws Exception {
        Socket socket = open(host, port, tls);
        int result = link(socket, password);
        if (result != OK) {
            socket.close();
            throw new IOException("the SPICE server refused the link: " + result);
        }
        return socket;
    }

    /** Whether the server ends the connection within the timeout; what it sends meanwhile is read and dropped. */
    static boolean closedWithin(Socket socket, java.time.Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[4096];
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing yet: still open
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    private static int link(Socket socket, String password) throws Exception {
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());

        ByteBuffer message = little(18 + 4);
        message.putInt(0);                  // connection id: a new session
        message.put((byte) MAIN_CHANNEL);
        message.put((byte) 0);              // channel id
        message.putInt(1);                  // number of common capabilities (words)
        message.putInt(0);                  // number of channel capabilities
        message.putInt(18);                 // offset of the capabilities from the message start
        message.putInt(CAP_AUTH_SELECTION | CAP_AUTH_SPICE);
        out.write(header(message.capacity()).array());
        out.write(message.array());
        out.flush();

        ByteBuffer replyHeader = read(in, 16);
        if (replyHeader.getInt() != MAGIC) {
            throw new IOException("not a SPICE server: wrong magic in its reply");
        }
        int major = replyHeader.getInt();
        replyHeader.getInt();
        int size = replyHeader.getInt();
        if (major != MAJOR) {
            throw new IOException("SPICE server speaks major version " + major);
        }
        ByteBuffer reply = read(in, size);
        int error = reply.getInt();
        if (error != OK) {
            return error;
        }
        byte[] key = new byte[PUBLIC_KEY_BYTES];
        reply.get(key);

        ByteBuffer mechanism = little(4).putInt(AUTH_MECHANISM_SPICE);
        out.write(mechanism.array());
        out.write(seal(key, password));
        out.flush();
        return read(in, 4).getInt();
    }

    /** The subject of the certificate the SPICE server at host:port shows, after checking it as {@link #link} does. */
    static String serverSubject(String host, int port, SSLContext tls) throws Exception {
        try (SSLSocket socket = open(host, port, tls)) {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    private static SSLSocket open(String host, int port, SSLContext tls) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), 10_000);
            plain.setSoTimeout(30_000);
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    private static byte[] seal(byte[] subjectPublicKeyInfo, String password) throws Exception {
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
                PSource.PSpecified.DEFAULT));
        byte[] text = password.getBytes(StandardCharsets.UTF_8);
        return cipher.doFinal(Arrays.copyOf(text, text.length + 1)); // the server reads a NUL-terminated string
    }

    private static ByteBuffer header(int size) {
        return little(16).putInt(MAGIC).putInt(MAJOR).putInt(MINOR).putInt(size);
    }

    private static ByteBuffer little(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer read(InputStream in, int size) throws IOException {
        byte[] bytes = new byte[size];
        new DataInputStream(in).readFully(bytes);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
