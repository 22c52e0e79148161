package io.vireo.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "login", mixinStandardHelpOptions = true, description = "Log in to an engine and keep the token")
public final class LoginCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Engine URL (default ${DEFAULT-VALUE})")
    String url;
    @Option(names = "--user", defaultValue = "admin")
    String user;
    @Option(names = "--password-file", description = "Read the password from a file (else VIREO_PASSWORD, else a prompt)")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
        String password;
        if (passwordFile != null) {
            password = Files.readString(passwordFile).strip();
        } else if (System.getenv("VIREO_PASSWORD") != null) {
            password = System.getenv("VIREO_PASSWORD");
        } else {
            Console console = System.console();
            if (console == null) {
                throw new IllegalStateException("No terminal to ask for the password: use --password-file or VIREO_PASSWORD");
            }
            password = new String(console.readPassword("Password for %s: ", user));
        }
        String token = ApiClient.login(url, user, password);
        new Session(url, token).save();
        System.out.println("Logged in to " + url + " as " + user);
        return 0;
    }
}
