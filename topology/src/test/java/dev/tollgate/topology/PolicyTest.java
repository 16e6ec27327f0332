package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.topology.gates.GateIds;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Policies from the compacted topic: '*' default, per-service override, design defaults without any. */
class PolicyTest {
    private static final long T0 = 1_767_000_000_000L;

    @Test
    void shouldApplyTheDesignDefaultsWithoutAnyPolicy() {
        try (Scenario s = new Scenario(21, T0)) {
            // given no policy at all
            s.rollout(RolloutPhase.STARTED, 0, 1);
            // when a step runs
            s.play(40, 500);
            // then every gate is evaluated at its design default threshold
            s.collect();
            Map<String, Double> thresholds = s.gateResults.stream()
                    .collect(Collectors.toMap(GateResult::getGate, GateResult::getThreshold, (a, b) -> a));
            assertThat(thresholds)
                    .containsEntry(GateIds.ERROR_RATE, 0.0005)
                    .containsEntry(GateIds.LATENCY_P95, 0.10)
                    .containsEntry(GateIds.COLD_START, 0.05)
                    .containsEntry(GateIds.DEDUPE, 0.999)
                    .containsEntry(GateIds.SEMANTIC_DRIFT, 0.03)
                    .containsEntry(GateIds.SIDE_EFFECTS, 0.0);
            // and, with no probes or queue metrics, the step does not promote (fail closed)
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.PROMOTE);
        }
    }

    @Test
    void shouldPreferTheServicePolicyOverTheDefaultAndFallBackAfterATombstone() {
        try (Scenario s = new Scenario(22, T0)) {
            // given '*' demands 10 minutes per step, the service's own policy 20 s
            s.policy(
                    "*",
                    Scenario.requestGatesPolicy().setMinStepDurationMs(600_000).build());
            s.policy(
                    Scenario.SERVICE,
                    Scenario.requestGatesPolicy().setMinStepDurationMs(20_000).build());
            s.baseline.errorRate = 0;
            s.canary.errorRate = 0;
            s.rollout(RolloutPhase.STARTED, 0, 10);
            // when the step runs for a minute
            GateDecision d = s.runStep(1000, 60);
            // then the service policy decided
            assertThat(d).isNotNull();
            assertThat(d.getAction()).isEqualTo(Action.PROMOTE);
            assertThat(d.getDecidedAt() - T0).isLessThan(60_000);

            // when the service policy is deleted, the next step falls back to '*'
            s.policies.pipeInput(Scenario.SERVICE, null, s.now);
            assertThat(s.runStep(1000, 60)).isNull();
        }
    }

    @Test
    void shouldUseAPolicyThresholdOverTheGateDefault() {
        try (Scenario s = new Scenario(23, T0)) {
            GatePolicy p = Scenario.requestGatesPolicy().build();
            p.getGates()
                    .put(
                            GateIds.LATENCY_P95,
                            GateSettings.newBuilder().setThreshold(0.5).build());
            s.policy("*", p);
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.play(20, 500);
            assertThat(s.resultsFor(GateIds.LATENCY_P95))
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.getThreshold()).isEqualTo(0.5));
        }
    }
}
