package io.vireo.engine;

import io.vireo.engine.auth.LoginLimits;
import org.junit.jupiter.api.Test;

import io.vireo.engine.common.Retention;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineConfigTest {
    @Test
    void defaultsHaveNoSpiceProxy() {
        assertThat(EngineConfig.defaults().spiceProxy()).isEmpty();
        assertThat(EngineConfig.defaults().apiPort()).isEqualTo(8080);
    }

    @Test
    void logins() {
        assertThat(EngineConfig.defaults().loginLimits()).isEqualTo(new LoginLimits(50, 60));
        assertThatThrownBy(() -> new LoginLimits(0, 60)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> new LoginLimits(50, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per minute");
    }

    @Test
    void httpsByDefaultAndPlainHttpOnlyWhenAsked() {
        assertThat(EngineConfig.defaults().tls().insecureHttp()).isFalse();
        assertThat(EngineConfig.defaults().tls().scheme()).isEqualTo("https");
        assertThat(new EngineConfig.Tls(true, Optional.empty(), Optional.empty(), List.of()).scheme()).isEqualTo("http");
        assertThatThrownBy(() -> new EngineConfig.Tls(false, Optional.of(Path.of("server.crt")), Optional.empty(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tls-key");
        assertThatThrownBy(() -> new EngineConfig.Tls(true, Optional.of(Path.of("a")), Optional.of(Path.of("b")), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--insecure-http");
        assertThatThrownBy(() -> new EngineConfig.Tls(false, Optional.empty(), Optional.empty(), List.of("bad name/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name/");
    }

    @Test
    void aSpiceProxyIsAnHttpHostAndPort() {
        EngineConfig.checkSpiceProxy("http://proxy.example:3128");
        EngineConfig.checkSpiceProxy("http://10.0.0.1:3128/");
        for (String bad : new String[]{"proxy.example:3128", "https://proxy.example:3128", "http://proxy.example",
                "http://proxy.example:3128/path", "http://proxy.example:3128?x=1", "http:// bad"}) {
            assertThatThrownBy(() -> EngineConfig.checkSpiceProxy(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SPICE proxy");
        }
        EngineConfig defaults = EngineConfig.defaults();
        assertThatThrownBy(() -> new EngineConfig(defaults.dataDirectory(), Optional.empty(), Optional.empty(), Optional.empty(),
                "0.0.0.0", 8080, 8443, Optional.empty(), Optional.empty(), defaults.hostNonResponsiveAfter(),
                defaults.balanceInterval(), Optional.of("socks5://x:1"), LoginLimits.DEFAULTS, defaults.pruning(), defaults.metrics(), defaults.displays(),
                EngineConfig.Tls.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void byDefaultTheLeaderPrunesAndMetricsAskForAToken() {
        EngineConfig.Pruning pruning = EngineConfig.defaults().pruning();
        assertThat(pruning.events()).isEqualTo(new Retention(Duration.ofDays(30), 1_000_000));
        assertThat(pruning.finishedJobs()).isEqualTo(new Retention(Duration.ofDays(7), 100_000));
        assertThat(pruning.expired()).isEqualTo(Duration.ofDays(1));
        assertThat(EngineConfig.defaults().metrics()).isEqualTo(new EngineConfig.Metrics(true, Optional.empty()));
        assertThatThrownBy(() -> new Retention(Duration.ZERO, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Retention(Duration.ofDays(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EngineConfig.Metrics(false, Optional.of(Path.of("/etc/token"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
