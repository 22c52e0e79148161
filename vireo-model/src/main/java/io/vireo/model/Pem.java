package io.vireo.model;

import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;

/**
 * PEM text of the keys, certificates and certificate requests that engine and agent exchange and
 * keep on disk: one reader and writer for both, so that what one side writes the other reads.
 */
public final class Pem {
    private Pem() {
    }

    /** A certificate, a certificate request, or anything else BouncyCastle's PEM writer knows. */
    public static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * PKCS#8, which keeps every key type readable back. An EC key carries its public point inside
     * (the JDK leaves it out): GnuTLS, which libvirtd and QEMU read their keys with, refuses an EC key
     * without it ("ASN1 parser: Element was not found").
     */
    public static String privateKey(PrivateKey key) {
        try {
            if (key instanceof ECPrivateKey ec) {
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
                ECParameterSpec curve = EC5Util.convertSpec(ec.getParams());
                byte[] point = curve.getG().multiply(ec.getS()).normalize().getEncoded(false);
                PrivateKeyInfo withPublic = new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), new org.bouncycastle.asn1.sec.ECPrivateKey(
                        ec.getParams().getOrder().bitLength(), ec.getS(), new DERBitString(point), null));
                return write(new PemObject("PRIVATE KEY", withPublic.getEncoded()));
            }
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (PemGenerationException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the key as {@link #privateKey}, to a new file only its owner can read (any older one is replaced). */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, privateKey(key));
    }

    /** @param source what the text came from, e.g. "ca.key", to name it when it holds no key */
    public static PrivateKey readPrivateKey(String pem, String source) throws IOException {
        if (read(pem) instanceof PrivateKeyInfo info) {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
        throw new IOException(source + " does not hold a PKCS#8 private key");
    }

    public static X509Certificate readCertificate(String pem) throws IOException {
        if (read(pem) instanceof X509CertificateHolder holder) {
            try {
                return new JcaX509CertificateConverter().getCertificate(holder);
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }
        throw new IOException("not a PEM certificate");
    }

    /** @throws IllegalArgumentException the text holds no certificate signing request (it comes from outside) */
    public static PKCS10CertificationRequest readCertificateRequest(String pem) {
        try {
            if (read(pem) instanceof PKCS10CertificationRequest request) {
                return request;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM certificate signing request", e);
        }
        throw new IllegalArgumentException("not a PEM certificate signing request");
    }

    private static Object read(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return parser.readObject();
        }
    }
}
