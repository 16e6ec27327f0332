package dev.tollgate.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void shouldBeReadyOnlyWhileRunning() {
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            assertThat(Readiness.of(s.name()).ready()).as(s.name()).isEqualTo(s == KafkaStreams.State.RUNNING);
            assertThat(Readiness.of(s.name()).state()).isEqualTo(s.name());
        }
        assertThat(Readiness.of(null)).isEqualTo(new Readiness(false, Readiness.NOT_STARTED));
    }
}
