package io.vireo.it;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of an RFB (VNC) client to prove a console works end to end: version, VNC password
 * authentication (DES of the challenge), and the server's first message with the framebuffer size,
 * the way noVNC starts. It speaks through the engine's WebSocket proxy, or straight to a VM's
 * display on its host (to try a password without a new ticket, which would replace it), which
 * takes TLS only ({@link #handshakeOverTls}).
 */
final class RfbClient implements AutoCloseable {
    /** Where the bytes go: the WebSocket or the display's TCP socket. */
    private interface Transport {
        void send(byte[] bytes) throws Exception;

        void close();
    }

    private final Transport transport;
    private final BlockingQueue<byte[]> incoming;
    private byte[] pending = new byte[0];

    private final CompletableFuture<Void> ended;

    private RfbClient(Transport transport, BlockingQueue<byte[]> incoming, CompletableFuture<Void> ended) {
        this.ended = ended;
        this.transport = transport;
        this.incoming = incoming;
    }

    /** Opens the engine's console proxy (wss://) trusting what the API client trusts. */
    static RfbClient connect(Api api, URI uri) throws Exception {
        return connect(uri, api.sslContext());
    }

    static RfbClient connect(URI uri, javax.net.ssl.SSLContext ssl) throws Exception {
        BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        WebSocket socket = HttpClient.newBuilder().sslContext(ssl).build().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        partial.writeBytes(bytes);
                        if (last) {
                            queue.add(partial.toByteArray());
                            partial.reset();
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        ended.complete(null);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        ended.complete(null);
                    }
                }).get(15, TimeUnit.SECONDS);
        return new RfbClient(new Transport() {
            @Override
            public void send(byte[] bytes) throws Exception {
                socket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
            }

            @Override
            public void close() {
                socket.abort();
            }
        }, queue, ended);
    }

    /** Straight to a VM's VNC display, without the engine. */
    static RfbClient connectDirectly(String address, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(address, port), 10_000);
        BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Thread.ofVirtual().name("rfb-reader").start(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = socket.getInputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    queue.add(java.util.Arrays.copyOf(buffer, read));
                }
            } catch (IOException e) {
                // closed: the reader of the queue finds no more data
            }
            ended.complete(null);
        });
        return new RfbClient(new Transport() {
            @Override
            public void send(byte[] bytes) throws Exception {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            }

            @Override
            public void close() {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }, queue, ended);
    }

    private byte[] next() throws InterruptedException {
        byte[] chunk = incoming.poll(20, TimeUnit.SECONDS);
        if (chunk == null) {
            throw new IllegalStateException("no data from the VNC server within 20 s");
        }
        return chunk;
    }

    byte[] read(int count) throws InterruptedException {
        while (pending.length < count) {
            byte[] chunk = next();
            byte[] joined = new byte[pending.length + chunk.length];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(chunk, 0, joined, pending.length, chunk.length);
            pending = joined;
        }
        byte[] result = new byte[count];
        System.arraycopy(pending, 0, result, 0, count);
        byte[] rest = new byte[pending.length - count];
        System.arraycopy(pending, count, rest, 0, rest.length);
        pending = rest;
        return result;
    }

    void write(byte[] bytes) throws Exception {
        transport.send(bytes);
    }

    /** Runs the handshake with the password; answers the framebuffer's width and height, or -1,-1 if refused. */
    int[] handshake(String password) throws Exception {
        String version = new String(read(12), StandardCharsets.US_ASCII);
        if (!version.startsWith("RFB ")) {
            throw new IllegalStateException("not an RFB server: " + version);
        }
        write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        int count = read(1)[0] & 0xff;
        byte[] types = read(count);
        boolean vncAuth = false;
        for (byte type : types) {
            vncAuth |= type == 2;
        }
        if (!vncAuth) {
            throw new IllegalStateException("the VNC server does not ask for a password");
        }
        write(new byte[]{2});
        byte[] challenge = read(16);
        write(des(password, challenge));
        int result = java.nio.ByteBuffer.wrap(read(4)).getInt();
        if (result != 0) {
            return new int[]{-1, -1};
        }
        write(new byte[]{1});
        byte[] init = read(4);
        return new int[]{((init[0] & 0xff) << 8) | (init[1] & 0xff), ((init[2] & 0xff) << 8) | (init[3] & 0xff)};
    }

    /** Whether the other side ends the connection within the timeout (the proxy or the server closes it). */
    boolean endsWithin(Duration timeout) {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /**
     * Straight to a VM's display, which takes TLS only (vnc_tls): RFB 3.8, VeNCrypt 0.2 with subtype X509Vnc,
     * TLS with {@code tls} (a client certificate of the engine's CA, which QEMU requires, and the engine's CA
     * as the only trust, checked against the host's address), then VNC authentication inside. Answers the
     * framebuffer's width and height, or -1,-1 if the password is refused.
     */
    static int[] handshakeOverTls(String address, int port, String password, javax.net.ssl.SSLContext tls) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 10_000);
            socket.setSoTimeout(20_000);
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            java.io.OutputStream out = socket.getOutputStream();
            in.readFully(new byte[12]);
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            byte[] types = new byte[in.readUnsignedByte()];
            in.readFully(types);
            if (!java.util.Arrays.equals(types, new byte[]{19})) {
                throw new IllegalStateException("the display offers security types " + java.util.Arrays.toString(types)
                        + ", not VeNCrypt (19) alone");
            }
            out.write(19);
            in.readFully(new byte[2]);
            out.write(new byte[]{0, 2});
            if (in.readUnsignedByte() != 0) {
                throw new IllegalStateException("VeNCrypt 0.2 refused");
            }
            int[] subtypes = new int[in.readUnsignedByte()];
            for (int i = 0; i < subtypes.length; i++) {
                subtypes[i] = in.readInt();
            }
            if (!java.util.Arrays.equals(subtypes, new int[]{261})) {
                throw new IllegalStateException("VeNCrypt subtypes " + java.util.Arrays.toString(subtypes) + ", not X509Vnc alone");
            }
            out.write(ByteBuffer.allocate(4).putInt(261).array());
            if (in.readUnsignedByte() != 1) {
                throw new IllegalStateException("X509Vnc refused");
            }
            javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(socket, address, port, false);
            javax.net.ssl.SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            java.io.DataInputStream tlsIn = new java.io.DataInputStream(secure.getInputStream());
            byte[] challenge = new byte[16];
            tlsIn.readFully(challenge);
            secure.getOutputStream().write(des(password, challenge));
            if (tlsIn.readInt() != 0) {
                return new int[]{-1, -1};
            }
            secure.getOutputStream().write(1);
            return new int[]{tlsIn.readUnsignedShort(), tlsIn.readUnsignedShort()};
        }
    }

    /** VNC authentication: DES over the challenge, keyed by the password with each byte's bits reversed. */
    static byte[] des(String password, byte[] challenge) throws Exception {
        byte[] key = new byte[8];
        byte[] bytes = password.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 8 && i < bytes.length; i++) {
            key[i] = (byte) (Integer.reverse(bytes[i] & 0xff) >>> 24);
        }
        Cipher cipher = Cipher.getInstance("DES/ECB/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
        return cipher.doFinal(challenge);
    }

    @Override
    public void close() {
        transport.close();
    }
}
