package io.vireo.engine.console;

import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.model.Pem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The console proxy's VNC handshake against a real QEMU with {@code vnc_tls} and x509 client
 * verification, with certificates of the engine's CA classes; the browser is played by this test
 * over a loopback socket (RFB 3.8, VNC authentication with the display's password).
 */
class VncTlsHandshakeTest {
    private static final char[] KEY_PASSWORD = "test".toCharArray();
    private static final String PASSWORD = "tIcKeT42";
    private static final Duration STEP = Duration.ofSeconds(10);

    @TempDir
    Path work;
    private CertificateAuthority authority;
    private Socket browserSide;
    private Socket proxySide;

    @BeforeEach
    void caAndBrowser() throws IOException {
        authority = CertificateAuthority.loadOrCreate(work.resolve("engine-pki"));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            browserSide = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            proxySide = server.accept();
        }
        browserSide.setSoTimeout(20_000);
    }

    @AfterEach
    void close() throws IOException {
        browserSide.close();
        proxySide.close();
    }

    @Test
    void relaysVncAuthenticationOverTlsWithTheEnginesClientCertificate() throws Exception {
        try (QemuVncDisplay qemu = QemuVncDisplay.start(Optional.of(hostPki(authority, "127.0.0.1")), PASSWORD, work)) {
            CompletableFuture<Integer> browser = CompletableFuture.supplyAsync(this::browserAuthenticates);
            long started = System.nanoTime();
            SSLSocket tls = VncTlsHandshake.open(new Socket("127.0.0.1", qemu.port()), peer("127.0.0.1", engineTls()),
                    browser());
            long handshakeMillis = (System.nanoTime() - started) / 1_000_000;

            // what follows is relayed: QEMU's SecurityResult for the browser's response, then the RFB session
            DataInputStream fromQemu = new DataInputStream(tls.getInputStream());
            assertThat(fromQemu.readInt()).as("SecurityResult: 0 is OK").isZero();
            tls.getOutputStream().write(1); // ClientInit, shared
            int width = fromQemu.readUnsignedShort();
            int height = fromQemu.readUnsignedShort();
            assertThat(width).isPositive();
            assertThat(height).isPositive();
            assertThat(tls.getSession().getPeerCertificates()[0]).isInstanceOf(X509Certificate.class);
            assertThat(browser.get(20, TimeUnit.SECONDS)).isEqualTo(VncTlsHandshake.SECURITY_VNC_AUTH);
            System.out.println("VNC TLS handshake with QEMU took " + handshakeMillis + " ms");
            tls.close();
        }
    }

    @Test
    void qemuRefusesAClientCertificateOfAnotherCa() throws Exception {
        CertificateAuthority other = CertificateAuthority.loadOrCreate(work.resolve("other-pki"));
        SSLContext foreign = DisplayTls.context(other.clientKeyStore("vireo-engine", KEY_PASSWORD), KEY_PASSWORD,
                authority.trustStore());
        try (QemuVncDisplay qemu = QemuVncDisplay.start(Optional.of(hostPki(authority, "127.0.0.1")), PASSWORD, work)) {
            CompletableFuture<String> browser = CompletableFuture.supplyAsync(this::browserIsRefused);

            assertThatThrownBy(() -> VncTlsHandshake.open(new Socket("127.0.0.1", qemu.port()), peer("127.0.0.1", foreign),
                    browser()))
                    .isInstanceOf(VncTlsHandshake.Refused.class);
            assertThat(browser.get(20, TimeUnit.SECONDS)).contains("could not open a secure connection");
        }
    }

    @Test
    void refusesADisplayWhoseCertificateAnotherCaSigned() throws Exception {
        CertificateAuthority other = CertificateAuthority.loadOrCreate(work.resolve("other-pki"));
        try (QemuVncDisplay qemu = QemuVncDisplay.start(Optional.of(hostPki(other, "127.0.0.1")), PASSWORD, work)) {
            CompletableFuture<String> browser = CompletableFuture.supplyAsync(this::browserIsRefused);

            assertThatThrownBy(() -> VncTlsHandshake.open(new Socket("127.0.0.1", qemu.port()), peer("127.0.0.1", engineTls()),
                    browser()))
                    .isInstanceOf(VncTlsHandshake.Refused.class)
                    .hasMessageContaining("TLS with the display of host 127.0.0.1 failed");
            assertThat(browser.get(20, TimeUnit.SECONDS)).contains("could not open a secure connection");
        }
    }

    @Test
    void refusesADisplayWhoseCertificateNamesAnotherHost() throws Exception {
        try (QemuVncDisplay qemu = QemuVncDisplay.start(Optional.of(hostPki(authority, "10.231.0.9")), PASSWORD, work)) {
            CompletableFuture<String> browser = CompletableFuture.supplyAsync(this::browserIsRefused);

            assertThatThrownBy(() -> VncTlsHandshake.open(new Socket("127.0.0.1", qemu.port()), peer("127.0.0.1", engineTls()),
                    browser()))
                    .isInstanceOf(VncTlsHandshake.Refused.class)
                    .hasMessageContaining("TLS with the display of host 127.0.0.1 failed");
            assertThat(browser.get(20, TimeUnit.SECONDS)).contains("could not open a secure connection");
        }
    }

    @Test
    void refusesADisplayWithoutTls() throws Exception {
        try (QemuVncDisplay qemu = QemuVncDisplay.start(Optional.empty(), PASSWORD, work)) {
            CompletableFuture<String> browser = CompletableFuture.supplyAsync(this::browserIsRefused);

            assertThatThrownBy(() -> VncTlsHandshake.open(new Socket("127.0.0.1", qemu.port()), peer("127.0.0.1", engineTls()),
                    browser()))
                    .isInstanceOf(VncTlsHandshake.Refused.class)
                    .hasMessageContaining("offers no TLS (security types [2]");
            assertThat(browser.get(20, TimeUnit.SECONDS)).contains("could not open a secure connection");
        }
    }

    @Test
    void aBrowserThatDoesNotAnswerEndsTheHandshakeWithinTheStepTimeout() throws Exception {
        try (QemuVncDisplay qemu = QemuVncDisplay.start(Optional.of(hostPki(authority, "127.0.0.1")), PASSWORD, work)) {
            Socket display = new Socket("127.0.0.1", qemu.port());
            long started = System.nanoTime();

            assertThatThrownBy(() -> VncTlsHandshake.open(display, new VncTlsHandshake.Peer("127.0.0.1", engineTls(),
                    Duration.ofMillis(500)), browser()))
                    .isInstanceOf(VncTlsHandshake.Refused.class)
                    .hasMessageContaining("no answer in time while waiting for the browser's RFB version");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            assertThat(display.isClosed()).isTrue();
        }
    }

    /** The proxy's end of the loopback socket as the handshake's browser. */
    private VncTlsHandshake.Browser browser() {
        return new VncTlsHandshake.Browser() {
            @Override
            public int read(byte[] into, int offset, int length, Duration timeout) throws IOException {
                proxySide.setSoTimeout(Math.toIntExact(timeout.toMillis()));
                return proxySide.getInputStream().read(into, offset, length);
            }

            @Override
            public void send(byte[] bytes) throws IOException {
                proxySide.getOutputStream().write(bytes);
            }
        };
    }

    private SSLContext engineTls() {
        return DisplayTls.context(authority.clientKeyStore("vireo-engine", KEY_PASSWORD), KEY_PASSWORD, authority.trustStore());
    }

    private static VncTlsHandshake.Peer peer(String name, SSLContext tls) {
        return new VncTlsHandshake.Peer(name, tls, STEP);
    }

    /** QEMU's x509 directory for a host at {@code address}, its certificate signed by {@code ca}. */
    private Path hostPki(CertificateAuthority ca, String address) throws Exception {
        Path directory = Files.createDirectories(work.resolve("qemu-pki-" + System.nanoTime()));
        KeyStore store = ca.serverKeyStore(List.of(), List.of(address), KEY_PASSWORD);
        Files.writeString(directory.resolve("ca-cert.pem"), ca.certificatePem());
        Files.writeString(directory.resolve("server-cert.pem"), Pem.write(store.getCertificate("engine")));
        Files.writeString(directory.resolve("server-key.pem"), Pem.privateKey((PrivateKey) store.getKey("engine", KEY_PASSWORD)));
        return directory;
    }

    /** noVNC's part: RFB 3.8, security type 2, the DES answer to the challenge; answers the type it chose. */
    private int browserAuthenticates() {
        try {
            DataInputStream in = new DataInputStream(browserSide.getInputStream());
            OutputStream out = browserSide.getOutputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            int count = in.readUnsignedByte();
            byte[] types = in.readNBytes(count);
            assertThat(types).containsExactly(VncTlsHandshake.SECURITY_VNC_AUTH);
            out.write(types[0]);
            out.write(vncResponse(in.readNBytes(16), PASSWORD));
            return types[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** noVNC's part when there is no console: the version, then no security types and a reason. */
    private String browserIsRefused() {
        try {
            DataInputStream in = new DataInputStream(browserSide.getInputStream());
            OutputStream out = browserSide.getOutputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readUnsignedByte()).as("number of security types").isZero();
            return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** VNC authentication: the challenge DES-encrypted with the password, each key byte's bits reversed. */
    private static byte[] vncResponse(byte[] challenge, String password) throws Exception {
        byte[] key = new byte[8];
        byte[] bytes = password.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            key[i] = (byte) (Integer.reverse(bytes[i] & 0xff) >>> 24);
        }
        Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
        des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
        return des.doFinal(challenge);
    }
}
