package io.vireo.engine.console;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The start of a console connection through the engine's proxy, where the VNC server (QEMU with
 * {@code vnc_tls=1}) speaks only TLS and the browser (noVNC) only plain RFB over the engine's own
 * HTTPS WebSocket.
 *
 * <p>Towards QEMU the proxy is an RFB 3.8 client: it picks security type VeNCrypt (19), VeNCrypt
 * version 0.2 and subtype X509Vnc (261), then does TLS with the engine's client certificate and
 * checks QEMU's certificate against the engine's CA and the host's address. Inside the TLS
 * connection QEMU sends its VNC-authentication challenge. Towards the browser the proxy is an RFB
 * 3.8 server offering only VNC authentication (2): it passes QEMU's challenge to the browser and the
 * browser's answer (made from the ticket's password, which the proxy never sees) to QEMU. From
 * there, starting with QEMU's SecurityResult, the proxy relays bytes both ways over the TLS socket.
 *
 * <p>Every read has a bound (the step timeout); a failure ends in a {@link Refused} whose message
 * says which step failed, and, when the browser is still listening, an RFB failure with a short
 * reason that noVNC shows.
 */
final class VncTlsHandshake {
    static final int SECURITY_VNC_AUTH = 2;
    static final int SECURITY_VENCRYPT = 19;
    static final int VENCRYPT_X509_VNC = 261;
    private static final byte[] RFB_3_8 = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
    private static final String BROWSER_REASON = "The engine could not open a secure connection to this VM's display";

    private VncTlsHandshake() {
    }

    /** A step of the handshake that failed: what the proxy logs; the connection is over. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The browser's end of the proxy: the WebSocket's messages as bytes. */
    interface Browser {
        /**
         * Reads up to {@code length} bytes, waiting at most {@code timeout}: answers how many, or -1 when the
         * browser is gone; throws an {@link InterruptedIOException} when none came in time.
         */
        int read(byte[] into, int offset, int length, Duration timeout) throws IOException;

        void send(byte[] bytes) throws IOException;
    }

    /**
     * Where the display is and how to trust it.
     *
     * @param peerName the host's address as the engine knows it (its certificate must name it)
     * @param stepTimeout the bound on each read from either side during the handshake
     */
    record Peer(String peerName, SSLContext tls, Duration stepTimeout) {
        Peer {
            requireNonNull(peerName, "peerName");
            requireNonNull(tls, "tls");
            requireNonNull(stepTimeout, "stepTimeout");
        }
    }

    /**
     * Runs both handshakes on a connected display socket; answers the TLS socket to relay over, positioned
     * right after the browser's VNC-authentication response was passed on (QEMU's SecurityResult comes next).
     * On failure the display socket is closed.
     */
    static SSLSocket open(Socket display, Peer peer, Browser browser) throws IOException {
        int timeout = Math.toIntExact(peer.stepTimeout().toMillis());
        // the browser waits for the server's version first; it costs nothing to send it now
        browser.send(RFB_3_8);
        SSLSocket tls;
        byte[] challenge;
        try {
            display.setSoTimeout(timeout);
            tls = toDisplay(display, peer, timeout);
            challenge = readFully(tls.getInputStream(), 16, "the VNC authentication challenge");
        } catch (IOException e) {
            closeQuietly(display);
            try {
                refuseBrowser(browser, peer.stepTimeout());
            } catch (IOException ignored) {
                // the browser is gone as well; the display's failure is the one to tell
            }
            throw e instanceof Refused ? e : new Refused(describe(e), e);
        }
        try {
            byte[] version = readFully(browser, RFB_3_8.length, "the browser's RFB version", peer.stepTimeout());
            if (!Arrays.equals(version, RFB_3_8)) {
                throw new Refused("the browser asked for " + printable(version) + "; the proxy speaks RFB 003.008 only");
            }
            browser.send(new byte[]{1, SECURITY_VNC_AUTH});
            int chosen = readFully(browser, 1, "the browser's security type", peer.stepTimeout())[0];
            if (chosen != SECURITY_VNC_AUTH) {
                throw new Refused("the browser chose security type " + chosen + ", not VNC authentication");
            }
            browser.send(challenge);
            byte[] response = readFully(browser, 16, "the browser's VNC authentication response", peer.stepTimeout());
            OutputStream out = tls.getOutputStream();
            out.write(response);
            out.flush();
            tls.setSoTimeout(0);
            return tls;
        } catch (IOException e) {
            closeQuietly(tls);
            throw e instanceof Refused ? e : new Refused(describe(e), e);
        }
    }

    private static SSLSocket toDisplay(Socket display, Peer peer, int timeout) throws IOException {
        DataInputStream in = new DataInputStream(display.getInputStream());
        OutputStream out = display.getOutputStream();
        byte[] version = readFully(in, RFB_3_8.length, "the display's RFB version");
        if (!Arrays.equals(version, RFB_3_8)) {
            throw new Refused("the display speaks " + printable(version) + ", not RFB 003.008");
        }
        out.write(RFB_3_8);
        out.flush();
        int count = readFully(in, 1, "the display's security types")[0] & 0xff;
        if (count == 0) {
            throw new Refused("the display refused the connection: " + reason(in));
        }
        List<Integer> types = new ArrayList<>();
        for (byte type : readFully(in, count, "the display's security types")) {
            types.add(type & 0xff);
        }
        if (!types.contains(SECURITY_VENCRYPT)) {
            throw new Refused("the display offers no TLS (security types " + types + ", no VeNCrypt 19); its host's "
                    + "qemu.conf needs vnc_tls = 1");
        }
        out.write(SECURITY_VENCRYPT);
        out.flush();
        byte[] vencrypt = readFully(in, 2, "the display's VeNCrypt version");
        if (vencrypt[0] != 0 || vencrypt[1] < 2) {
            throw new Refused("the display offers VeNCrypt " + vencrypt[0] + "." + vencrypt[1] + ", not 0.2");
        }
        out.write(new byte[]{0, 2});
        out.flush();
        if (readFully(in, 1, "the display's VeNCrypt version answer")[0] != 0) {
            throw new Refused("the display refused VeNCrypt 0.2");
        }
        int subtypeCount = readFully(in, 1, "the display's VeNCrypt subtypes")[0] & 0xff;
        ByteBuffer subtypeBytes = ByteBuffer.wrap(readFully(in, 4 * subtypeCount, "the display's VeNCrypt subtypes"));
        List<Integer> subtypes = new ArrayList<>();
        for (int i = 0; i < subtypeCount; i++) {
            subtypes.add(subtypeBytes.getInt());
        }
        if (!subtypes.contains(VENCRYPT_X509_VNC)) {
            throw new Refused("the display offers VeNCrypt subtypes " + subtypes + ", not X509Vnc (261): it needs x509 "
                    + "certificates and a password");
        }
        out.write(ByteBuffer.allocate(4).putInt(VENCRYPT_X509_VNC).array());
        out.flush();
        if (readFully(in, 1, "the display's VeNCrypt subtype answer")[0] != 1) {
            throw new Refused("the display refused VeNCrypt subtype X509Vnc");
        }
        SSLSocket tls = (SSLSocket) peer.tls().getSocketFactory().createSocket(display, peer.peerName(), display.getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        // the host's certificate must name the address the engine knows the host by
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.setUseClientMode(true);
        tls.setSoTimeout(timeout);
        try {
            tls.startHandshake();
        } catch (SSLException e) {
            throw new Refused("TLS with the display of host " + peer.peerName() + " failed: " + e.getMessage(), e);
        }
        return tls;
    }

    /** After the first bytes: tells noVNC, in RFB's own way, that there is no console, if it is still there. */
    private static void refuseBrowser(Browser browser, Duration timeout) throws IOException {
        readFully(browser, RFB_3_8.length, "the browser's RFB version", timeout);
        byte[] reason = BROWSER_REASON.getBytes(StandardCharsets.UTF_8);
        browser.send(ByteBuffer.allocate(1 + 4 + reason.length).put((byte) 0).putInt(reason.length).put(reason).array());
    }

    private static String reason(InputStream in) throws IOException {
        int length = ByteBuffer.wrap(readFully(in, 4, "the display's reason")).getInt();
        if (length < 0 || length > 4096) {
            return "(a reason of " + length + " bytes)";
        }
        return printable(readFully(in, length, "the display's reason"));
    }

    private static byte[] readFully(Browser browser, int length, String what, Duration timeout) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        try {
            while (done < length) {
                int read = browser.read(bytes, done, length - done, timeout);
                if (read < 0) {
                    throw new Refused("the browser left while the proxy waited for " + what);
                }
                done += read;
            }
        } catch (InterruptedIOException e) {
            throw new Refused("no answer in time while waiting for " + what, e);
        }
        return bytes;
    }

    private static byte[] readFully(InputStream in, int length, String what) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        try {
            while (done < length) {
                int read = in.read(bytes, done, length - done);
                if (read < 0) {
                    throw new Refused("the connection ended while waiting for " + what);
                }
                done += read;
            }
        } catch (InterruptedIOException e) {
            throw new Refused("no answer in time while waiting for " + what, e);
        }
        return bytes;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String printable(byte[] bytes) {
        return "\"" + new String(bytes, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }
}
