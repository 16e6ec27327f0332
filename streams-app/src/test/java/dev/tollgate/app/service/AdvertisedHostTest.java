package dev.tollgate.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.app.config.TollgateConfig;
import dev.tollgate.app.metrics.DlqListener;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class AdvertisedHostTest {

    private static TollgateConfig config(Map<String, String> m) {
        java.util.Map<String, String> all = new java.util.HashMap<>(m);
        all.put("bootstrap.servers", "k:9092");
        return TollgateConfig.fromMap(all, "test", Map.of());
    }

    @Test
    void shouldAdvertiseConfiguredHostAndPort() {
        assertThat(TollgateService.advertised(
                        config(Map.of("http.advertised.host", "10.1.2.3", "http.advertised.port", "9000")), 8080))
                .isEqualTo(new HostInfo("10.1.2.3", 9000));
    }

    @Test
    void shouldAdvertiseTheBoundAddressWhenNotConfigured() {
        assertThat(TollgateService.advertised(config(Map.of("http.host", "127.0.0.1")), 41234))
                .isEqualTo(new HostInfo("127.0.0.1", 41234));
        assertThat(TollgateService.advertised(config(Map.of()), 8080).host())
                .isNotBlank()
                .isNotEqualTo("0.0.0.0");
    }

    @Test
    void shouldSetApplicationServer() {
        assertThat(TollgateService.streamsProperties(config(Map.of()), DlqListener.NOOP, new HostInfo("h", 1)))
                .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "h:1");
    }
}
