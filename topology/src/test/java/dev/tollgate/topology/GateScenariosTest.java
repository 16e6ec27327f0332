package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.GateIds;
import java.util.List;
import org.junit.jupiter.api.Test;

/** End-to-end scenarios of the request gates and the decision state machine through the real topology. */
class GateScenariosTest {
    private static final long T0 = 1_767_000_000_000L;
    private static final int RPS = 1_000;

    private static Scenario healthyScenario(long seed) {
        Scenario s = new Scenario(seed, T0);
        s.policy("*", Scenario.requestGatesPolicy().build());
        s.baseline.errorRate = 0;
        s.canary.errorRate = 0;
        s.baseline.latencySigma = 0.1;
        s.canary.latencySigma = 0.1;
        return s;
    }

    private static void warm(Scenario s, double warm, double expected) {
        s.metric(Scenario.CANARY, "warm_instances", warm);
        s.metric(Scenario.CANARY, "expected_p50_load", expected);
    }

    @Test
    void shouldPromoteAHealthyCanaryThroughEveryStepToComplete() {
        try (Scenario s = healthyScenario(1)) {
            // given a healthy canary with enough warm capacity
            s.rollout(RolloutPhase.STARTED, 0, 1);
            warm(s, 10, 4);
            // when the router follows every decision
            GateDecision last = null;
            for (int i = 0; i < 5; i++) {
                last = s.runStep(RPS, 120);
                assertThat(last).as("decision at step %d", i).isNotNull();
            }
            // then it went 1 -> 5 -> 25 -> 50 -> 100 and completed, never rolling back
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.ROLLBACK, Action.FREEZE);
            assertThat(s.decisions.stream()
                            .filter(d -> d.getAction() == Action.PROMOTE)
                            .map(GateDecision::getNextTrafficPercent))
                    .containsExactly(5.0, 25.0, 50.0, 100.0);
            assertThat(last.getAction()).isEqualTo(Action.COMPLETE);
            assertThat(last.getStepIndex()).isEqualTo(4);
            assertThat(s.decisions.get(0).getBatchPolicy()).isEqualTo(BatchPolicy.PAUSE_HEAVY);
            assertThat(last.getBatchPolicy()).isEqualTo(BatchPolicy.NORMAL);
            assertThat(s.status().getState()).isEqualTo("COMPLETE");
        }
    }

    private static Scenario atStep25(long seed) {
        Scenario s = healthyScenario(seed);
        s.rollout(RolloutPhase.STARTED, 0, 1);
        warm(s, 10, 4);
        assertThat(s.runStep(RPS, 120).getAction()).isEqualTo(Action.PROMOTE);
        assertThat(s.runStep(RPS, 120).getAction()).isEqualTo(Action.PROMOTE);
        assertThat(s.traffic).isEqualTo(25.0);
        return s;
    }

    @Test
    void shouldRollBackAt25PercentOnTwoPointsMore5xx() {
        try (Scenario s = atStep25(2)) {
            // given the canary's 5xx rate rises by 2 pp at 25 %
            s.canary.errorRate = 0.02;
            // when the step runs
            GateDecision d = s.runStep(RPS, 120);
            // then it rolls back at 25 % naming error-rate with both rates
            assertThat(d.getAction()).isEqualTo(Action.ROLLBACK);
            assertThat(d.getTrafficPercent()).isEqualTo(25.0);
            assertThat(d.getNextTrafficPercent()).isEqualTo(0.0);
            assertThat(d.getFailingGates()).containsExactly(GateIds.ERROR_RATE);
            assertThat(d.getReasons())
                    .anySatisfy(r -> assertThat(r)
                            .startsWith("error-rate FAIL")
                            .containsPattern("canary \\d+\\.\\d+%")
                            .contains("vs baseline 0.000%"));
            GateResult r = s.resultsFor(GateIds.ERROR_RATE)
                    .get(s.resultsFor(GateIds.ERROR_RATE).size() - 1);
            assertThat(r.getVerdict()).isEqualTo(Verdict.FAIL);
            assertThat(r.getCanaryValue()).isBetween(0.01, 0.03);
            assertThat(r.getBaselineValue()).isEqualTo(0.0);
        }
    }

    @Test
    void shouldFreezeWhenTheSameGateFailsTwiceAtTheSameStep() {
        try (Scenario s = atStep25(3)) {
            s.canary.errorRate = 0.02;
            assertThat(s.runStep(RPS, 120).getAction()).isEqualTo(Action.ROLLBACK);
            // when the controller retries the same release at the same step and it fails again
            s.rollout(RolloutPhase.STEP, 2, 25);
            GateDecision d = s.runStep(RPS, 120);
            // then the release freezes
            assertThat(d.getAction()).isEqualTo(Action.FREEZE);
            assertThat(d.getFailuresAtStep()).isEqualTo(2);
            assertThat(d.getFailingGates()).containsExactly(GateIds.ERROR_RATE);
            // and no automatic retry is accepted afterwards
            s.rollout(RolloutPhase.STEP, 2, 25);
            s.play(60, RPS);
            assertThat(s.lastDecision()).isEqualTo(d);
            assertThat(s.status().getState()).isEqualTo("FROZEN");
        }
    }

    @Test
    void shouldRollBackOnLatencyP95UpThirtyPercent() {
        try (Scenario s = healthyScenario(4)) {
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.canary.latencyMedianMs = 80 * 1.3;
            GateDecision d = s.runStep(RPS, 120);
            assertThat(d.getAction()).isEqualTo(Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.LATENCY_P95);
            List<GateResult> r = s.resultsFor(GateIds.LATENCY_P95);
            assertThat(r.get(r.size() - 1).getDelta()).isBetween(0.2, 0.4);
        }
    }

    @Test
    void shouldFailColdStartAfterWarmupButIgnoreColdStartsInsideWarmup() {
        try (Scenario s = healthyScenario(5)) {
            // given every canary request is cold during the 10 s warm-up, none after
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.canary.coldStartRate = 1.0;
            s.play(10, RPS);
            s.canary.coldStartRate = 0.0;
            GateDecision d = s.runStep(RPS, 120);
            // then the step promotes
            assertThat(d.getAction()).isEqualTo(Action.PROMOTE);
            // when 20 % of canary requests after warm-up are cold
            s.canary.coldStartRate = 0.2;
            d = s.runStep(RPS, 120);
            // then cold-start fails
            assertThat(d.getAction()).isEqualTo(Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.COLD_START);
        }
    }

    @Test
    void shouldHoldPromotionTo25PercentWithoutEnoughWarmInstances() {
        try (Scenario s = healthyScenario(6)) {
            s.rollout(RolloutPhase.STARTED, 0, 1);
            warm(s, 2, 4);
            assertThat(s.runStep(RPS, 120).getAction()).isEqualTo(Action.PROMOTE);
            // at 5 % the next step is 25 %: two warm instances for an expected load of four
            s.play(60, RPS);
            GateDecision d = s.lastDecision();
            assertThat(d.getAction()).isEqualTo(Action.HOLD);
            assertThat(d.getFailingGates()).containsExactly(GateIds.WARM_CAPACITY);
            assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).contains("remedy: raise min instances"));
            // when capacity is raised, the step promotes
            warm(s, 5, 4);
            assertThat(s.runStep(RPS, 60).getAction()).isEqualTo(Action.PROMOTE);
        }
    }

    @Test
    void shouldHoldOnSchemaPinsWithTheRemedy() {
        try (Scenario s = healthyScenario(7)) {
            s.canaryPins = RevisionPins.newBuilder().setSchemaRev("7").build();
            s.baselinePins = RevisionPins.newBuilder().setSchemaRev("7").build();
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.canary.schemaRev = "8";
            s.play(40, RPS);
            GateDecision d = s.lastDecision();
            assertThat(d.getAction()).isEqualTo(Action.HOLD);
            assertThat(d.getFailingGates()).containsExactly(GateIds.SCHEMA_PINS);
            assertThat(d.getReasons())
                    .anySatisfy(r ->
                            assertThat(r).contains("schemaRev 8 != served 7").contains("bump SCHEMA_REV"));
            assertThat(s.decisions).extracting(GateDecision::getAction).containsOnly(Action.HOLD);
            assertThat(s.decisions).hasSize(1); // published once per change, not once per tick
        }
    }

    @Test
    void shouldHoldOnStickyRoutingWhenCanaryPinnedRequestsHitTheBaseline() {
        try (Scenario s = healthyScenario(8)) {
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.baseline.extra = b -> {
                if (s.random.nextDouble() < 0.01) {
                    b.setPinnedRelease("canary");
                }
            };
            s.play(40, RPS);
            GateDecision d = s.lastDecision();
            assertThat(d.getAction()).isEqualTo(Action.HOLD);
            assertThat(d.getFailingGates()).containsExactly(GateIds.STICKY_ROUTING);
            assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).contains("cookie pinning"));
        }
    }

    @Test
    void shouldFailStreamDrainOnCutStreamsOfTheOldRevisionWhileDraining() {
        try (Scenario s = healthyScenario(9)) {
            s.rollout(RolloutPhase.DRAINING, 4, 100);
            s.baseline.cutRate = 0.05;
            // during draining the old revision still finishes in-flight streams
            s.traffic = 90;
            s.play(20, RPS);
            GateDecision d = s.lastDecision();
            assertThat(d.getAction()).isEqualTo(Action.ROLLBACK);
            assertThat(d.getFailingGates()).containsExactly(GateIds.STREAM_DRAIN);
            assertThat(s.resultsFor(GateIds.STREAM_DRAIN))
                    .last()
                    .extracting(GateResult::getVerdict)
                    .isEqualTo(Verdict.FAIL);
        }
    }

    @Test
    void shouldReportADryRunGateFailureWithoutBlocking() {
        try (Scenario s = healthyScenario(13)) {
            // given error-rate in dry-run and a canary with +5 pp 5xx
            GatePolicy p = Scenario.requestGatesPolicy().build();
            p.getGates()
                    .put(
                            GateIds.ERROR_RATE,
                            GateSettings.newBuilder().setDryRun(true).build());
            s.policy("*", p);
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.canary.errorRate = 0.05;
            // when the step runs
            GateDecision d = s.runStep(RPS, 120);
            // then the failure is reported as dry-run but the step still promotes
            assertThat(d.getAction()).isEqualTo(Action.PROMOTE);
            assertThat(d.getReasons()).anySatisfy(r -> assertThat(r).startsWith("[dry-run] error-rate FAIL"));
            assertThat(s.resultsFor(GateIds.ERROR_RATE)).anySatisfy(r -> {
                assertThat(r.getVerdict()).isEqualTo(Verdict.FAIL);
                assertThat(r.getDryRun()).isTrue();
            });
        }
    }

    @Test
    void shouldNeverPromoteWithoutCanaryData() {
        try (Scenario s = healthyScenario(10)) {
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.traffic = 0; // the router never sends the canary anything
            s.play(180, 500);
            assertThat(s.decisions).isNotEmpty();
            assertThat(s.decisions).extracting(GateDecision::getAction).containsOnly(Action.HOLD);
            assertThat(s.decisions.get(0).getReasons().get(0)).startsWith("NODATA");
            assertThat(s.resultsFor(GateIds.ERROR_RATE))
                    .extracting(GateResult::getVerdict)
                    .containsOnly(Verdict.NODATA);
        }
    }
}
