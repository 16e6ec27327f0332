package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.RevisionMinuteStats;
import dev.tollgate.schemas.avro.RolloutPhase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-minute timeline per (service, revision), emitted once when each minute closes. */
class TimelineTest {
    private static final long MINUTE_START = 1_767_000_000_000L - (1_767_000_000_000L % 60_000L);

    @Test
    void shouldEmitOneRecordPerRevisionWhenEachMinuteCloses() {
        try (Scenario s = new Scenario(11, MINUTE_START)) {
            // given a 10 % canary with 5 % errors and a clean baseline for two and a half minutes
            s.policy("*", Scenario.requestGatesPolicy().build());
            s.rollout(RolloutPhase.STARTED, 0, 10);
            s.baseline.errorRate = 0;
            s.canary.errorRate = 0.05;
            s.play(150, 200);

            // when the timeline topic is read
            List<RevisionMinuteStats> minutes = new ArrayList<>();
            while (!s.timeline.isEmpty()) {
                minutes.add((RevisionMinuteStats) s.timeline.readValue());
            }

            // then the two closed minutes are there once per revision, the open third one is not
            assertThat(minutes)
                    .extracting(RevisionMinuteStats::getWindowStart)
                    .containsExactly(MINUTE_START, MINUTE_START, MINUTE_START + 60_000, MINUTE_START + 60_000);
            assertThat(minutes)
                    .extracting(RevisionMinuteStats::getRevision)
                    .containsExactly(Scenario.BASE, Scenario.CANARY, Scenario.BASE, Scenario.CANARY);
            long total =
                    minutes.stream().mapToLong(RevisionMinuteStats::getRequests).sum();
            assertThat(total).isEqualTo(2 * 60 * 200);
            RevisionMinuteStats canary = minutes.get(1);
            assertThat(canary.getErrors5xx()).isPositive();
            assertThat(minutes.get(0).getErrors5xx()).isZero();
            assertThat(canary.getP95LatencyMs()).isGreaterThan(canary.getP50LatencyMs());
            assertThat(canary.getWindowEnd() - canary.getWindowStart()).isEqualTo(60_000);
        }
    }
}
