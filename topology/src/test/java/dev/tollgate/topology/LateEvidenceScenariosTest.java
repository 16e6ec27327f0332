package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.GateSettings;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.SideEffect;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.GateIds;
import dev.tollgate.topology.gates.Gates;
import dev.tollgate.topology.math.DedupeKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

/**
 * Late evidence (design.md): evidence whose tick was sealed already is merged into its step while that step is
 * still evaluated, dropped (counted and named in the next results of the gates that read it) once its step was
 * decided, and a late duplicate side effect of a decided step fails {@code side-effects} on the current step.
 */
class LateEvidenceScenariosTest {
    private static final long T0 = 1_767_000_000_000L;
    private static final int RPS = 400;

    /** error-rate and side-effects only; 10 → 50 → 100 %. */
    private static GatePolicy policy() {
        Set<String> on = Set.of(GateIds.ERROR_RATE, GateIds.SIDE_EFFECTS);
        Map<String, GateSettings> gates = new HashMap<>();
        for (String g : Gates.ids()) {
            if (!on.contains(g)) {
                gates.put(g, GateSettings.newBuilder().setEnabled(false).build());
            }
        }
        return GatePolicy.newBuilder()
                .setGates(gates)
                .setSteps(List.of(10.0, 50.0, 100.0))
                .setMinSamples(100)
                .setMinStepDurationMs(30_000)
                .setWarmupMs(5_000)
                .setNoDataTimeoutMs(60_000)
                .build();
    }

    private static Scenario started(long seed) {
        Scenario s = new Scenario(seed, T0);
        s.policy("*", policy());
        s.baseline.errorRate = 0;
        s.canary.errorRate = 0;
        s.rollout(RolloutPhase.STARTED, 0, 10);
        return s;
    }

    private static void sideEffect(Scenario s, String revision, long ts, String sourceId) {
        s.sideEffects.pipeInput(
                Scenario.SERVICE,
                SideEffect.newBuilder()
                        .setService(Scenario.SERVICE)
                        .setReleaseId(s.releaseId)
                        .setRevision(revision)
                        .setTimestamp(ts)
                        .setKind("webhook")
                        .setSourceId(sourceId)
                        .setEventRev("1")
                        .setIndexHash("idx")
                        .build(),
                ts);
    }

    /** Forty canary requests answering {@code status}, stamped inside the second that starts at {@code from}. */
    private static void canaryRequests(Scenario s, long from, int status) {
        for (int i = 0; i < 40; i++) {
            s.requests.pipeInput(
                    Scenario.SERVICE,
                    dev.tollgate.schemas.avro.RequestLog.newBuilder()
                            .setService(Scenario.SERVICE)
                            .setReleaseId(s.releaseId)
                            .setRevision(Scenario.CANARY)
                            .setTimestamp(from + i * 20)
                            .setStatus(status)
                            .setLatencyMs(80)
                            .setMethod("GET")
                            .build(),
                    from + i * 20);
        }
    }

    private static void canaryErrors(Scenario s, long from) {
        canaryRequests(s, from, 503);
    }

    private static double metricTotal(Scenario s, String name) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : s.driver.metrics().entrySet()) {
            if (e.getKey().name().equals(name)) {
                total += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }

    private static GateDecision firstNonHold(Scenario s) {
        s.collect();
        return s.decisions.stream()
                .filter(d -> d.getAction() != Action.HOLD)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no decision among " + s.decisions));
    }

    @Test
    void shouldMergeEvidenceLaterThanTheGraceIntoItsStepWhileTheStepIsStillEvaluated() {
        try (Scenario onTime = started(5);
                Scenario late = started(5)) {
            // given the same healthy traffic, and forty more canary requests stamped in second 5 of the step: on time
            // in one run, ten seconds late (grace is 2 s) in the other, while the step is still being evaluated
            for (int second = 0; second < 40; second++) {
                onTime.play(1, RPS);
                late.play(1, RPS);
                if (second == 5) {
                    canaryRequests(onTime, T0 + 5_000, 200);
                }
                if (second == 15) {
                    canaryRequests(late, T0 + 5_000, 200);
                }
            }

            // then the late run counted them as merged, none as dropped
            assertThat(metricTotal(late, "late-events-total")).isZero();
            assertThat(metricTotal(late, "late-merged-events-total")).isEqualTo(40.0);
            assertThat(metricTotal(onTime, "late-merged-events-total")).isZero();
            // and decided exactly as the on-time run, on the same evidence (the samples named in the reasons)
            GateDecision expected = firstNonHold(onTime);
            assertThat(expected.getAction()).isEqualTo(Action.PROMOTE);
            assertThat(firstNonHold(late)).isEqualTo(expected);
        }
    }

    @Test
    void shouldCountLateErrorsOfTheOpenStepInItsDecision() {
        try (Scenario s = started(8)) {
            // given a healthy step, and forty canary 5xx of its second 5 that arrive at second 15
            for (int second = 0; second < 20; second++) {
                s.play(1, RPS);
                if (second == 15) {
                    canaryErrors(s, T0 + 5_000);
                }
            }

            // then they count: the step rolls back on error-rate, after their arrival, with all forty in its evidence
            GateDecision d = firstNonHold(s);
            assertThat(d.getAction()).isEqualTo(Action.ROLLBACK);
            assertThat(d.getStepIndex()).isZero();
            assertThat(d.getFailingGates()).containsExactly(GateIds.ERROR_RATE);
            // at the first evaluation after their arrival (the watermark trails the latest event, at 16 s, by the
            // grace)
            assertThat(d.getDecidedAt()).isEqualTo(T0 + 14_000);
            assertThat(d.getReasons())
                    .anySatisfy(r ->
                            assertThat(r).startsWith("error-rate FAIL: canary").contains("(40/"));
            assertThat(metricTotal(s, "late-events-total")).isZero();
            assertThat(metricTotal(s, "late-merged-events-total")).isEqualTo(40.0);
        }
    }

    @Test
    void shouldDropLateEvidenceOfADecidedStepAndNameItInTheNextResults() {
        try (Scenario s = started(6)) {
            // given step 0 promoted and step 1 started
            GateDecision promote = s.runStep(RPS, 120);
            assertThat(promote.getAction()).isEqualTo(Action.PROMOTE);
            s.play(3, RPS);
            int before = s.gateResults.size();

            // when forty canary 5xx of step 0 arrive now
            canaryErrors(s, T0 + 10_000);
            s.play(2, RPS);

            // then they are dropped and counted
            assertThat(metricTotal(s, "late-events-total")).isEqualTo(40.0);
            // and the next error-rate result of the current step names them
            List<GateResult> next = s.gateResults.subList(before, s.gateResults.size()).stream()
                    .filter(r -> r.getGate().equals(GateIds.ERROR_RATE))
                    .toList();
            assertThat(next).isNotEmpty();
            assertThat(next.get(0).getStepIndex()).isEqualTo(1);
            assertThat(next.get(0).getDetail())
                    .contains("40 request logs dropped as late (their step was decided already)");
            // once: the result after it no longer does
            assertThat(next.subList(1, next.size()))
                    .allSatisfy(r -> assertThat(r.getDetail()).doesNotContain("dropped as late"));
            // and the step is not failed by them
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.ROLLBACK);
        }
    }

    @Test
    void shouldFailSideEffectsOnTheCurrentStepForALateDuplicateOfADecidedStep() {
        try (Scenario s = started(7)) {
            // given a webhook executed once by the canary in step 0, and step 0 promoted
            s.play(2, RPS);
            sideEffect(s, Scenario.CANARY, s.now - 500, "evt-9");
            GateDecision promote = s.runStep(RPS, 120);
            assertThat(promote.getAction()).isEqualTo(Action.PROMOTE);
            s.play(3, RPS);

            // when a second execution of the same key, stamped in step 0, arrives now
            sideEffect(s, Scenario.CANARY, T0 + 1_600, "evt-9");
            s.play(2, RPS);

            // then side-effects fails on the current step with the key, and the step rolls back
            String key = DedupeKeys.sideEffectKey(null, "evt-9", "1", "idx");
            GateResult fail = s.resultsFor(GateIds.SIDE_EFFECTS).stream()
                    .filter(r -> r.getVerdict() == Verdict.FAIL)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no side-effects FAIL"));
            assertThat(fail.getStepIndex()).isEqualTo(1);
            assertThat(fail.getDetail()).contains("late duplicate side effect").contains("key " + key);
            GateDecision d = s.lastDecision();
            assertThat(d.getAction()).isEqualTo(Action.ROLLBACK);
            assertThat(d.getStepIndex()).isEqualTo(1);
            assertThat(d.getFailingGates()).containsExactly(GateIds.SIDE_EFFECTS);
            assertThat(metricTotal(s, "late-events-total")).isEqualTo(1.0);
        }
    }
}
