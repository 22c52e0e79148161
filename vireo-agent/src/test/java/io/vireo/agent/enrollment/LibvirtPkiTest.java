package io.vireo.agent.enrollment;

import io.vireo.model.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The host's certificate lands where libvirtd (libvirt's names) and QEMU (its x509 directory) read it. */
class LibvirtPkiTest {
    private final HostCertificates ca = new HostCertificates("CN=test CA");
    private final HostCertificates previousCa = new HostCertificates("CN=previous CA");

    @Test
    void writesBothLayoutsWithPrivateKeysAndRewritesOnlyWhatChanged(@TempDir Path directory) throws Exception {
        LibvirtPki pki = new LibvirtPki(directory.resolve("pki"), Optional.empty());
        HostCertificates.Issued first = ca.issue("10.231.0.1");

        assertThat(pki.write(first.keys().getPrivate(), first.certificate(), List.of(ca.certificate(), previousCa.certificate())))
                .isTrue();

        Path dir = directory.resolve("pki");
        for (String certificate : List.of("servercert.pem", "clientcert.pem", "qemu/server-cert.pem", "qemu/client-cert.pem")) {
            assertThat(read(dir.resolve(certificate))).as(certificate).isEqualTo(first.certificate());
            assertThat(permissions(dir.resolve(certificate))).as(certificate).isEqualTo("rw-r--r--");
        }
        for (String key : List.of("serverkey.pem", "clientkey.pem", "qemu/server-key.pem", "qemu/client-key.pem")) {
            assertThat(Files.readString(dir.resolve(key))).as(key).isEqualTo(Pem.privateKey(first.keys().getPrivate()));
            assertThat(permissions(dir.resolve(key))).as(key).isEqualTo("rw-------");
        }
        for (String authorities : List.of("cacert.pem", "qemu/ca-cert.pem")) {
            assertThat(Files.readString(dir.resolve(authorities))).as("every CA trusted, the current first")
                    .isEqualTo(Pem.write(ca.certificate()) + Pem.write(previousCa.certificate()));
        }
        assertThat(pki.qemuDirectory()).isEqualTo(dir.resolve("qemu"));
        assertThat(pki.pkipathParameter()).isEqualTo("pkipath=" + dir);

        assertThat(pki.write(first.keys().getPrivate(), first.certificate(), List.of(ca.certificate(), previousCa.certificate())))
                .as("nothing changed, nothing to reload").isFalse();

        HostCertificates.Issued renewed = ca.issue("10.231.0.1");
        assertThat(pki.write(renewed.keys().getPrivate(), renewed.certificate(), List.of(ca.certificate()))).isTrue();
        assertThat(read(dir.resolve("qemu/client-cert.pem"))).isEqualTo(renewed.certificate());
        assertThat(Files.readString(dir.resolve("serverkey.pem"))).isEqualTo(Pem.privateKey(renewed.keys().getPrivate()));
        assertThat(Files.readString(dir.resolve("cacert.pem"))).isEqualTo(Pem.write(ca.certificate()));
        try (var files = Files.walk(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).as("no file left half-way").noneMatch(name -> name.endsWith(".next"));
        }
    }

    @Test
    void theAdminSocketIsFoundBesideTheSocketTheAgentUses() {
        assertThat(LibvirtPki.adminUri("qemu:///system")).isEqualTo("libvirtd:///system");
        assertThat(LibvirtPki.adminUri("qemu:///system?socket=/var/lib/vireo-lab/hosts/h1/run/libvirt/libvirt-sock"))
                .isEqualTo("libvirtd:///system?socket=/var/lib/vireo-lab/hosts/h1/run/libvirt/libvirt-admin-sock");
        assertThat(LibvirtPki.adminUri("qemu:///session")).isEqualTo("libvirtd:///session");
    }

    @Test
    void aTlsDestinationGetsThisHostsCertificateAndNothingElseChanges() {
        LibvirtPki pki = new LibvirtPki(Path.of("/etc/pki/vireo-libvirt"), Optional.empty());
        assertThat(pki.clientUri("qemu+tls://10.231.0.2/system")).isEqualTo("qemu+tls://10.231.0.2/system?pkipath=/etc/pki/vireo-libvirt");
        assertThat(pki.clientUri("qemu+tls://[fd00::2]/system?no_verify=0"))
                .isEqualTo("qemu+tls://[fd00::2]/system?no_verify=0&pkipath=/etc/pki/vireo-libvirt");
        assertThat(pki.clientUri("qemu+tls://h2/system?pkipath=/elsewhere")).isEqualTo("qemu+tls://h2/system?pkipath=/elsewhere");
        assertThat(pki.clientUri("qemu+ssh://h2/system")).isEqualTo("qemu+ssh://h2/system");
    }

    static BigInteger scalar(String pem) throws Exception {
        return scalar(Pem.readPrivateKey(pem, "key"));
    }

    static BigInteger scalar(PrivateKey key) {
        return ((ECPrivateKey) key).getS();
    }

    private static X509Certificate read(Path file) throws Exception {
        return Pem.readCertificate(Files.readString(file));
    }

    private static String permissions(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
