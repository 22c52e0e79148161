package io.vireo.cli;

import io.vireo.model.CertificateFingerprint;
import io.vireo.model.Pem;
import io.vireo.model.TlsTrust;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Logs in and keeps the token with the engine's CA. Over HTTPS the CA the engine shows is trusted
 * once a person accepts it: they compare its fingerprint and answer yes, or give it beforehand
 * (--ca-fingerprint, --ca-file). A CA that differs from the one accepted before for the same URL
 * is refused unless given explicitly.
 */
@Command(name = "login", mixinStandardHelpOptions = true, description = "Log in to an engine and keep the token")
public final class LoginCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "https://127.0.0.1:8080", description = "Engine URL (default ${DEFAULT-VALUE})")
    String url;
    @Option(names = "--user", defaultValue = "admin")
    String user;
    @Option(names = "--password-file", description = "Read the password from a file (else VIREO_PASSWORD, else a prompt)")
    Path passwordFile;
    @Option(names = "--ca-fingerprint", description = "SHA-256 fingerprint of the engine's CA (the engine prints it at "
            + "start): trust that CA without asking")
    String caFingerprint;
    @Option(names = "--ca-file", description = "The engine's CA certificate (PEM, DATA/pki/ca.crt on the engine): trust it "
            + "without asking")
    Path caFile;

    @Override
    public Integer call() throws Exception {
        String base = url.replaceAll("/+$", "");
        Optional<X509Certificate> ca = base.regionMatches(true, 0, "https:", 0, 6)
                ? Optional.ofNullable(authority(base, Session.saved().filter(saved -> saved.url().equals(base))
                        .flatMap(Session::ca)))
                : Optional.empty();
        String token = new ApiClient(base, null, ca).login(user, password());
        new Session(base, token, ca).save();
        System.out.println("Logged in to " + base + " as " + user);
        return 0;
    }

    /**
     * The CA to trust from now on, or null when this machine's trust store vouches for the engine.
     *
     * @param before the CA accepted at an earlier login to the same URL
     */
    X509Certificate authority(String base, Optional<X509Certificate> before) throws IOException {
        if (caFile != null) {
            return Pem.readCertificate(Files.readString(caFile));
        }
        URI uri = URI.create(base);
        List<X509Certificate> chain;
        try {
            chain = TlsTrust.presentedChain(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 443, Duration.ofSeconds(10));
        } catch (IOException e) {
            throw EngineConnection.explain(base, Optional.empty(), e);
        }
        if (caFingerprint != null) {
            String expected = CertificateFingerprint.normalize(caFingerprint);
            return TlsTrust.withFingerprint(chain, expected).orElseThrow(() -> new IOException("The engine at " + base
                    + " shows a CA with SHA-256 fingerprint " + CertificateFingerprint.of(TlsTrust.authorityOf(chain))
                    + ", not " + expected + " as given: not logged in. Check the address and the fingerprint"));
        }
        if (TlsTrust.trustedBySystem(chain)) {
            return null;
        }
        X509Certificate shown = TlsTrust.authorityOf(chain);
        String fingerprint = CertificateFingerprint.of(shown);
        if (before.isPresent()) {
            if (before.get().equals(shown)) {
                return shown;
            }
            throw new IOException("The engine at " + base + " now shows a different certificate authority (SHA-256 "
                    + fingerprint + ") from the one you accepted before (SHA-256 "
                    + CertificateFingerprint.of(before.get()) + "): not logged in. If its administrator replaced the CA, "
                    + "check the new fingerprint with them and run: vireo login --url " + base + " --ca-fingerprint "
                    + fingerprint + ". Otherwise someone may be intercepting the connection");
        }
        PrintStream err = System.err;
        err.println("The engine at " + base + " shows a certificate from the authority");
        err.println("  " + shown.getSubjectX500Principal().getName());
        err.println("  SHA-256 fingerprint " + fingerprint);
        err.println("Compare it with the fingerprint the engine printed when it started (also in 'vireo host add').");
        String answer = ask("Trust this authority for " + base + "? [yes/no] ");
        if (answer == null) {
            throw new IOException("No answer to whether to trust the engine's CA (no terminal?): pass --ca-fingerprint "
                    + fingerprint + " if that is the fingerprint the engine printed, or --ca-file with its CA certificate");
        }
        if (!List.of("yes", "y").contains(answer.strip().toLowerCase(Locale.ROOT))) {
            throw new IOException("The engine's CA was not accepted: not logged in");
        }
        return shown;
    }

    private String password() throws IOException {
        if (passwordFile != null) {
            return Files.readString(passwordFile).strip();
        }
        if (System.getenv("VIREO_PASSWORD") != null) {
            return System.getenv("VIREO_PASSWORD");
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalStateException("No terminal to ask for the password: use --password-file or VIREO_PASSWORD");
        }
        return new String(console.readPassword("Password for %s: ", user));
    }

    /** A line from the terminal, or from standard input when there is none (a script answering); null at its end. */
    private static String ask(String prompt) throws IOException {
        Console console = System.console();
        if (console != null) {
            return console.readLine("%s", prompt);
        }
        System.err.print(prompt);
        System.err.flush();
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
