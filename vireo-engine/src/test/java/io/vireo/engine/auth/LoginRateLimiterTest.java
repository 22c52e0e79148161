package io.vireo.engine.auth;

import io.vireo.engine.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-address bucket of login requests, with a fake clock; and the key an address is counted under. */
class LoginRateLimiterTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void anAddressHasAMinutesWorthAtOnceThenOneAtATime() {
        LoginRateLimiter limiter = new LoginRateLimiter(clock, 6);
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.acquire("10.0.0.1")).isEmpty();
        }
        assertThat(limiter.acquire("10.0.0.1")).contains(Duration.ofSeconds(10));
        assertThat(limiter.acquire("10.0.0.2")).isEmpty();
        clock.advance(Duration.ofSeconds(4));
        assertThat(limiter.acquire("10.0.0.1")).contains(Duration.ofSeconds(6));
        clock.advance(Duration.ofSeconds(6));
        assertThat(limiter.acquire("10.0.0.1")).isEmpty();
        assertThat(limiter.acquire("10.0.0.1")).contains(Duration.ofSeconds(10));
        // a quiet hour fills the bucket, and no more than full
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.acquire("10.0.0.1")).isEmpty();
        }
        assertThat(limiter.acquire("10.0.0.1")).isPresent();
    }

    @Test
    void quietAddressesAreForgottenWhenThereAreMany() {
        LoginRateLimiter limiter = new LoginRateLimiter(clock, 60);
        for (int i = 0; i < LoginRateLimiter.MAX_ADDRESSES; i++) {
            limiter.acquire("key-" + i);
        }
        assertThat(limiter.addresses()).isEqualTo(LoginRateLimiter.MAX_ADDRESSES);
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.acquire("one more")).isEqualTo(Optional.empty());
        assertThat(limiter.addresses()).isEqualTo(1);
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64AndAnIpv4OneByItsAddress() {
        assertThat(ClientAddresses.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo(ClientAddresses.key("2001:db8:1:2::1"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(ClientAddresses.key("2001:db8:1:3::1")).isNotEqualTo(ClientAddresses.key("2001:db8:1:2::1"));
        assertThat(ClientAddresses.key("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(ClientAddresses.key("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(ClientAddresses.key("[::1]")).isEqualTo("[::1]");
        assertThat(ClientAddresses.key(null)).isEqualTo("unknown");
    }
}
