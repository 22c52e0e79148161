package io.vireo.engine.console;

import io.vireo.model.ConsoleTicket;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A remote-viewer connection file (.vv, virt-viewer's INI format) for one console ticket: where the
 * VM's display listens, the ticket's password, and the SPICE proxy if the engine has one. A SPICE
 * display takes TLS only: the file names its TLS port and no plain one, carries the engine's CA and
 * the subject of the host's certificate (which the viewer checks instead of the host's name) and asks
 * for every channel over TLS. The file asks the viewer to delete it once read, as the password in it
 * is good for one ticket's time.
 *
 * @param caPem the CAs a host's certificate chains to, PEM
 */
public record RemoteViewerFile(ConsoleTickets.Display display, ConsoleTicket ticket, Optional<String> spiceProxy, String caPem) {
    public static final String CONTENT_TYPE = "application/x-virt-viewer";

    public RemoteViewerFile {
        requireNonNull(display, "display");
        requireNonNull(ticket, "ticket");
        requireNonNull(spiceProxy, "spiceProxy");
        requireNonNull(caPem, "caPem");
    }

    public String text() {
        StringBuilder file = new StringBuilder("[virt-viewer]\n");
        line(file, "type", display.protocol());
        line(file, "host", display.address());
        if (display.tlsHostSubject().isPresent()) {
            line(file, "tls-port", Integer.toString(display.port()));
            // GKeyFile reads \n in a value as a line break: the PEM stays one line here
            line(file, "ca", caPem.replace("\r", "").replace("\n", "\\n"));
            line(file, "host-subject", display.tlsHostSubject().get());
            line(file, "secure-channels", "all");
        } else {
            line(file, "port", Integer.toString(display.port()));
        }
        line(file, "password", ticket.password());
        line(file, "delete-this-file", "1");
        line(file, "title", display.vmName() + " - Shift+F12 releases the cursor");
        line(file, "toggle-fullscreen", "shift+f11");
        line(file, "release-cursor", "shift+f12");
        line(file, "secure-attention", "ctrl+alt+end");
        // virt-viewer tunnels SPICE through an HTTP CONNECT proxy; it has none for VNC
        if (display.protocol().equals("spice")) {
            spiceProxy.ifPresent(proxy -> line(file, "proxy", proxy));
        }
        return file.toString();
    }

    /** The download's file name: the VM's name where it is safe in a header, else a plain one. */
    public String fileName() {
        String name = display.vmName().replaceAll("[^A-Za-z0-9._-]", "_");
        return (name.isEmpty() ? "console" : name) + ".vv";
    }

    private static void line(StringBuilder file, String key, String value) {
        // a line break in a value (a VM name, say) would start a key of its own
        file.append(key).append('=').append(value.replaceAll("[\\r\\n\\x00-\\x1f]", " ")).append('\n');
    }
}
