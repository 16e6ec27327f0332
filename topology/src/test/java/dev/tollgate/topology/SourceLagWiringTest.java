package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.RolloutPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evaluator asks the consumer's lag ({@link SourceLag}) of its own task's partition before it takes a silent
 * input as idle: a silent topic with records still waiting on the broker holds ticks back (for at most 30 × {@code
 * source.idle.ms}), a caught-up one does not. (The lag was once configured but never handed to the evaluator, and a
 * catch-up counted a backlog's evidence late.)
 */
class SourceLagWiringTest {
    private static final long T0 = System.currentTimeMillis() - 600_000;
    private static final long IDLE_MS = 1_000;

    /** Asked (topic, partition) pairs, and the lag it answers: {@code metricsLag} for the metrics topic, else 0. */
    private static final class RecordingLag implements SourceLag {
        final List<String> asked = new ArrayList<>();
        final long metricsLag;

        RecordingLag(long metricsLag) {
            this.metricsLag = metricsLag;
        }

        @Override
        public long lag(String topic, int partition) {
            asked.add(topic + "-" + partition);
            return topic.equals(TopicNames.defaults().metrics()) ? metricsLag : 0;
        }
    }

    private static Scenario liveScenario(SourceLag lag) {
        TopologySettings settings =
                TopologySettings.defaults("mock://x").withLive(new LiveSettings(0, 0, 0, false, IDLE_MS, lag));
        Scenario s = new Scenario(7, T0, settings);
        s.policy("*", Scenario.requestGatesPolicy().build());
        s.rollout(RolloutPhase.STARTED, 0, 5);
        s.play(40, 200);
        return s;
    }

    @Test
    void shouldHoldTicksBackWhileASilentTopicStillHasRecordsOnTheBroker() {
        // given a live evaluator whose metrics partition is silent but 5 records behind
        RecordingLag lag = new RecordingLag(5);
        try (Scenario s = liveScenario(lag)) {
            // when the wall clock passes the idle time (but not 30 x of it)
            s.driver.advanceWallClockTime(Duration.ofMillis(5 * IDLE_MS));
            s.collect();

            // then nothing was sealed: the metrics source still holds the ticks back, and it was asked for partition 0
            assertThat(s.gateResults).isEmpty();
            assertThat(lag.asked).contains(TopicNames.defaults().metrics() + "-0");

            // and after 30 x idle of silence it is idle whatever the lag says
            s.driver.advanceWallClockTime(Duration.ofMillis(30 * IDLE_MS));
            s.collect();
            assertThat(s.gateResults).isNotEmpty();
        }
    }

    @Test
    void shouldTakeACaughtUpSilentTopicAsIdle() {
        // given the same evaluator whose silent partitions have nothing left on the broker
        RecordingLag lag = new RecordingLag(0);
        try (Scenario s = liveScenario(lag)) {
            // when the wall clock passes the idle time
            s.driver.advanceWallClockTime(Duration.ofMillis(5 * IDLE_MS));
            s.collect();

            // then the request evidence was evaluated
            assertThat(s.gateResults).isNotEmpty();
        }
    }
}
