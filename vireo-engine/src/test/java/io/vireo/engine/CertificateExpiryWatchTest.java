package io.vireo.engine;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine warns through its event log about its own certificates near their end, once a day each. */
class CertificateExpiryWatchTest {
    private final EventLog events = new EventLog(TestDatabase.fresh().jdbi());

    @Test
    void aCaThatLivesAMinuteIsWarnedAboutOnceADayAndALongOneNot(@TempDir Path directory) {
        CertificateAuthority shortLived = CertificateAuthority.loadOrCreate(directory.resolve("short"), Duration.ofMinutes(1));
        CertificateAuthority longLived = CertificateAuthority.loadOrCreate(directory.resolve("long"));
        Instant now = Instant.now();
        FakeClock clock = new FakeClock(now);
        CertificateExpiryWatch watch = new CertificateExpiryWatch(events, List.of(
                new CertificateExpiryWatch.Watched("certificate authority", shortLived.certificate(), "rotate it"),
                new CertificateExpiryWatch.Watched("HTTPS certificate", longLived.certificate(), "restart")), clock);

        assertThat(watch.check()).isEqualTo(1);
        List<Event> warnings = events.list(0, 100).stream().filter(e -> e.code().equals("CERTIFICATE_EXPIRING")).toList();
        assertThat(warnings).singleElement().satisfies(event -> {
            assertThat(event.severity()).isEqualTo("WARNING");
            assertThat(event.message()).contains("certificate authority", shortLived.certificate().getSubjectX500Principal()
                    .getName(), "expires on", "minutes", "rotate it");
        });
        assertThat(watch.check()).as("not again the same day").isZero();

        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(watch.check()).as("a day later, again, now that it has expired").isEqualTo(1);
        assertThat(events.latest(1, EventLog.Audience.EVERYONE).getFirst().message()).contains("expired on");
    }

    @Test
    void warnsThirtyDaysAhead(@TempDir Path directory) {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(directory, Duration.ofDays(40));
        FakeClock clock = new FakeClock(Instant.now());
        CertificateExpiryWatch watch = new CertificateExpiryWatch(events, List.of(
                new CertificateExpiryWatch.Watched("certificate authority", authority.certificate(), "rotate it")), clock);
        assertThat(watch.check()).as("40 days left").isZero();
        clock.advance(Duration.ofDays(11));
        assertThat(watch.check()).as("29 days left").isEqualTo(1);
        assertThat(events.latest(1, EventLog.Audience.EVERYONE).getFirst().message()).contains("(in 28 days)");
    }
}
