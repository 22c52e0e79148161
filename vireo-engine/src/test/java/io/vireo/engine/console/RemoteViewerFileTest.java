package io.vireo.engine.console;

import io.vireo.model.ConsoleTicket;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteViewerFileTest {
    private static final ConsoleTicket SPICE_TICKET = new ConsoleTicket("9a4c5e1e-0000-4000-8000-000000000001", "spice",
            "s3cretPassw0rd", Instant.parse("2026-01-01T00:02:00Z"), null);

    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\nAbC=\n-----END CERTIFICATE-----\n"
            + "-----BEGIN CERTIFICATE-----\r\nMIIC\r\n-----END CERTIFICATE-----\r\n";

    @Test
    void writesTheSpiceDisplaysTlsPortCaAndHostSubjectWithTheTicketsPasswordAndTheProxy() {
        RemoteViewerFile file = new RemoteViewerFile(new ConsoleTickets.Display("desk-7", "spice", "10.231.0.1", 5901,
                Optional.of("CN=4b0e7a52-0000-4000-8000-000000000007")), SPICE_TICKET, Optional.of("http://proxy.example:3128"), CA);

        assertThat(file.text()).isEqualTo("""
                [virt-viewer]
                type=spice
                host=10.231.0.1
                tls-port=5901
                ca=-----BEGIN CERTIFICATE-----\\nMIIB\\nAbC=\\n-----END CERTIFICATE-----\\n-----BEGIN CERTIFICATE-----\\nMIIC\\n-----END CERTIFICATE-----\\n
                host-subject=CN=4b0e7a52-0000-4000-8000-000000000007
                secure-channels=all
                password=s3cretPassw0rd
                delete-this-file=1
                title=desk-7 - Shift+F12 releases the cursor
                toggle-fullscreen=shift+f11
                release-cursor=shift+f12
                secure-attention=ctrl+alt+end
                proxy=http://proxy.example:3128
                """);
        assertThat(file.fileName()).isEqualTo("desk-7.vv");
        assertThat(file.text()).as("no plain port").doesNotContainPattern("(?m)^port=");
    }

    @Test
    void aVncDisplayGetsNoSpiceProxy() {
        RemoteViewerFile file = new RemoteViewerFile(new ConsoleTickets.Display("web", "vnc", "10.231.0.2", 5900, Optional.empty()),
                new ConsoleTicket(SPICE_TICKET.vmId(), "vnc", "abcdefgh", SPICE_TICKET.expiresAt(), "/console/vnc?token=t"),
                Optional.of("http://proxy.example:3128"), CA);

        assertThat(file.text()).contains("type=vnc\n", "port=5900\n", "password=abcdefgh\n").doesNotContain("proxy=", "ca=",
                "tls-port=");
    }

    @Test
    void aNameCannotAddLinesOrBreakTheHeader() {
        RemoteViewerFile file = new RemoteViewerFile(new ConsoleTickets.Display("evil\npassword=x \"a\"", "spice",
                "10.231.0.1", 5901, Optional.of("CN=h")), SPICE_TICKET, Optional.empty(), CA);

        assertThat(file.text()).contains("title=evil password=x \"a\" - Shift+F12").doesNotContain("\npassword=x");
        assertThat(file.fileName()).isEqualTo("evil_password_x__a_.vv");
    }
}
