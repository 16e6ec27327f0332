package dev.tollgate.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    @Test
    void shouldServeWhileStartingRebalancingOrRunningAndProcessOnlyWhileRunning() {
        Set<KafkaStreams.State> serving =
                Set.of(KafkaStreams.State.CREATED, KafkaStreams.State.REBALANCING, KafkaStreams.State.RUNNING);
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            Readiness r = Readiness.of(s.name());
            assertThat(r.ready()).as(s.name()).isEqualTo(serving.contains(s));
            assertThat(r.processing()).as(s.name()).isEqualTo(s == KafkaStreams.State.RUNNING);
            assertThat(r.state()).isEqualTo(s.name());
        }
        assertThat(Readiness.of(null)).isEqualTo(new Readiness(true, false, Readiness.NOT_STARTED));
    }

    @Test
    void shouldServeButNotProcessWhileTheBrokerIsUnreachable() {
        // when
        Readiness r = Readiness.of(Readiness.BROKER_UNREACHABLE);

        // then
        assertThat(r).isEqualTo(new Readiness(true, false, Readiness.BROKER_UNREACHABLE));
    }
}
