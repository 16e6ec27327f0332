package dev.tollgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readable lines of {@code tail} and the views. */
class LinesTest {
    @Test
    void shouldRenderAResultWithItsOwnExplanation() {
        GateResult r = GateResult.newBuilder()
                .setService("checkout")
                .setReleaseId("rel-2")
                .setStepIndex(1)
                .setTrafficPercent(5)
                .setGate("latency-p95")
                .setVerdict(Verdict.FAIL)
                .setThreshold(0.1)
                .setWindowStart(0)
                .setWindowEnd(1_000)
                .setEvaluatedAt(1_767_225_601_000L)
                .setDetail("latency-p95 FAIL: canary p95 180 ms vs baseline 100 ms")
                .build();

        assertThat(Lines.result(r))
                .isEqualTo("2026-01-01T00:00:01Z  checkout rel-2  step 1 (5%)  latency-p95    FAIL"
                        + "         canary p95 180 ms vs baseline 100 ms");
        assertThat(Lines.result(GateResult.newBuilder(r)
                        .setDetail(null)
                        .setCanaryValue(180.0)
                        .build()))
                .endsWith("canary 180.0 baseline n/a threshold 0.1000");
    }

    @Test
    void shouldRenderADecisionAndPickTheReasonsOfItsFailingGates() {
        GateDecision d = GateDecision.newBuilder()
                .setDecisionId("0123456789abcdef")
                .setService("checkout")
                .setReleaseId("rel-2")
                .setStepIndex(2)
                .setTrafficPercent(25)
                .setAction(Action.ROLLBACK)
                .setNextTrafficPercent(0.0)
                .setFailingGates(List.of("error-rate"))
                .setReasons(List.of("error-rate FAIL: canary 3%", "latency-p95 PASS: fine"))
                .setBatchPolicy(BatchPolicy.PAUSE_HEAVY)
                .setDecidedAt(1_767_225_600_000L)
                .build();

        assertThat(Lines.decision(d))
                .isEqualTo("2026-01-01T00:00:00Z  checkout rel-2  step 2 (25%)  ROLLBACK -> 0%  "
                        + "failing: error-rate  [PAUSE_HEAVY, id 01234567]");
        assertThat(Lines.failingReasons(d)).containsExactly("error-rate FAIL: canary 3%");
        assertThat(Lines.pct(0.5)).isEqualTo("0.5%");
        assertThat(Lines.pct(12.25)).isEqualTo("12.25%");
    }
}
