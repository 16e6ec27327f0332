package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutPhase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one wall-clock path: a service that goes silent mid-step is held, never promoted. */
class StallTest {
    @Test
    void shouldHoldOnceWhenAServiceGoesSilentForLongerThanTheNoDataTimeout() {
        try (Scenario s = new Scenario(12, 1_767_000_000_000L)) {
            // given a step with a little traffic that then stops arriving
            s.policy(
                    "*",
                    Scenario.requestGatesPolicy().setNoDataTimeoutMs(30_000).build());
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.play(5, 200);
            assertThat(s.decisions).isEmpty();

            // when 31 s and then another 60 s of wall-clock time pass without events
            s.driver.advanceWallClockTime(Duration.ofSeconds(31));
            s.driver.advanceWallClockTime(Duration.ofSeconds(60));

            // then exactly one HOLD explains the stall
            GateDecision d = s.lastDecision();
            assertThat(s.decisions).hasSize(1);
            assertThat(d.getAction()).isEqualTo(Action.HOLD);
            assertThat(d.getReasons().get(0)).contains("stall");
            assertThat(d.getDecidedAt()).isLessThanOrEqualTo(s.now);
        }
    }
}
