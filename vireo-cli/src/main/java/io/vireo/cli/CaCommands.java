package io.vireo.cli;

import io.vireo.engine.EngineConfig;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.model.CertificateFingerprint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

/** The engine's certificate authority, on the engine's machine: show it, rotate it. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "The engine's certificate authority (on the engine's machine)",
        subcommands = {CaCommands.Show.class, CaCommands.Rotate.class})
public final class CaCommands {
    abstract static class OnDataDirectory {
        @Option(names = "--data-dir", description = "The engine's data directory (default /var/lib/vireo as root, else ~/.vireo)")
        Path dataDirectory;

        Path pki() {
            Path pki = (dataDirectory == null ? EngineConfig.defaultDataDirectory() : dataDirectory).resolve("pki");
            if (!Files.exists(pki.resolve("ca.crt"))) {
                throw new IllegalArgumentException("No engine CA in " + pki + ": start the engine once, or give --data-dir");
            }
            return pki;
        }

        static void describe(String label, X509Certificate certificate) {
            System.out.println(label + ": " + certificate.getSubjectX500Principal().getName());
            System.out.println("  SHA-256 fingerprint " + CertificateFingerprint.of(certificate));
            System.out.println("  valid until " + certificate.getNotAfter().toInstant());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the CA's name, fingerprint and end")
    static final class Show extends OnDataDirectory implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            CertificateAuthority authority = CertificateAuthority.loadOrCreate(pki());
            describe("CA", authority.certificate());
            authority.previous().ifPresent(previous -> describe("previous CA (still trusted for agents)", previous));
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Replace the CA by a new one, with the engine "
            + "stopped; agents keep working and renew their certificates with the new CA when they next connect")
    static final class Rotate extends OnDataDirectory implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--lifetime", defaultValue = "P3650D", description = "How long the new CA lives, ISO-8601 "
                + "(default ${DEFAULT-VALUE})")
        Duration lifetime;

        @Override
        public Integer call() {
            Path pki = pki();
            CertificateAuthority rotated = CertificateAuthority.rotate(pki, lifetime);
            describe("new CA", rotated.certificate());
            rotated.previous().ifPresent(previous -> describe("previous CA (still trusted for agents)", previous));
            System.out.println("Start the engine again. Agents renew their certificates with the new CA as they connect;");
            System.out.println("'vireo login' users are shown the new fingerprint and log in again.");
            return 0;
        }
    }
}
