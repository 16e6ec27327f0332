package dev.tollgate.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.FullTrafficBaseline;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.ProbeResult;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.GateIds;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 end to end through the topology: gates apply when their evidence is seen (or the policy requires
 * them), a plain HTTP service completes with no policy, pins are sticky for the release, and the 100 % step
 * says which baseline it compares with.
 */
class ApplicabilityScenariosTest {
    private static final long T0 = 1_767_000_000_000L;
    private static final int RPS = 1_000;
    private static final List<Double> CONVERGENT = List.of(0.4, 0.3, 0.25, 0.22, 0.21);

    /** The gates a request-only service has no evidence for. */
    private static final Set<String> NON_REQUEST_GATES = Set.of(
            GateIds.WARM_CAPACITY,
            GateIds.SIDE_EFFECTS,
            GateIds.SEMANTIC_DRIFT,
            GateIds.LAMBDA,
            GateIds.QUEUE_AGE,
            GateIds.QUEUE_FENCE);

    private static List<GateDecision> runToTheEnd(Scenario s) {
        for (int i = 0; i < 5; i++) {
            GateDecision d = s.runStep(RPS, 300);
            if (d == null || d.getAction() != Action.PROMOTE) {
                break;
            }
        }
        s.collect();
        return s.decisions;
    }

    private static void probe(Scenario s, String revision, long ts, int question, long seed, double deltaS) {
        s.probes.pipeInput(
                Scenario.SERVICE,
                ProbeResult.newBuilder()
                        .setService(Scenario.SERVICE)
                        .setReleaseId(s.releaseId)
                        .setRevision(revision)
                        .setTimestamp(ts)
                        .setProbeSet("rag-v1")
                        .setQuestionId("q" + question)
                        .setSeed(seed)
                        .setDeltaS(deltaS)
                        .setTrajectory(CONVERGENT)
                        .build(),
                ts);
    }

    /** Plays 40 s in 1 s slices; the baseline (and the canary, when {@code canaryShift} is not null) answers the probe set. */
    private static void probeSet(Scenario s, Double canaryShift) {
        for (int i = 0; i < 40; i++) {
            s.play(1, RPS);
            int q = i - 5;
            if (q >= 0 && q < 10) {
                for (long seed = 1; seed <= 2; seed++) {
                    double base = 0.15 + 0.01 * q;
                    probe(s, Scenario.BASE, s.now - 800, q, seed, base);
                    if (canaryShift != null) {
                        probe(s, Scenario.CANARY, s.now - 400, q, seed, base + canaryShift);
                    }
                }
            }
        }
        s.collect();
    }

    @Test
    void shouldCompleteARequestOnlyHealthyRolloutWithNoPolicyAndNameEveryGateThatDidNotApply() {
        try (Scenario s = new Scenario(111, T0)) {
            // given a plain HTTP service: requests and rollout events only, no GatePolicy anywhere
            s.rollout(RolloutPhase.STARTED, 0, 1);

            // when the router follows every decision
            List<GateDecision> decisions = runToTheEnd(s);

            // then it goes 1 -> 5 -> 25 -> 50 -> 100 % and completes
            assertThat(decisions).extracting(GateDecision::getAction).doesNotContain(Action.ROLLBACK, Action.FREEZE);
            assertThat(decisions.get(decisions.size() - 1).getAction()).isEqualTo(Action.COMPLETE);
            assertThat(decisions.stream()
                            .filter(d -> d.getAction() == Action.PROMOTE)
                            .count())
                    .isEqualTo(4);
            // and every gate without evidence said so, with the reason, and never NODATA
            Map<String, List<GateResult>> byGate =
                    s.gateResults.stream().collect(Collectors.groupingBy(GateResult::getGate));
            for (String gate : NON_REQUEST_GATES) {
                assertThat(byGate.get(gate)).as(gate).isNotEmpty();
                assertThat(byGate.get(gate)).as(gate).allSatisfy(r -> {
                    assertThat(r.getVerdict()).isEqualTo(Verdict.NOT_APPLICABLE);
                    assertThat(r.getDetail()).contains(gate + " NOT_APPLICABLE: no ");
                });
            }
            // reported once per step, not on every refresh
            assertThat(byGate.get(GateIds.LAMBDA)).hasSize(5);
        }
    }

    @Test
    void shouldRollBackAtTheFirstStepACanaryAtFiveTimesTheBaseline5xx() {
        try (Scenario s = new Scenario(112, T0)) {
            // given no policy, a baseline at 1 % 5xx and a canary at 5 %
            s.baseline.errorRate = 0.01;
            s.canary.errorRate = 0.05;
            s.rollout(RolloutPhase.STARTED, 0, 1);

            // when the first step runs
            GateDecision d = s.runStep(RPS * 5, 600);

            // then it rolls back at step 0, naming error-rate
            assertThat(d.getAction()).isEqualTo(Action.ROLLBACK);
            assertThat(d.getStepIndex()).isZero();
            assertThat(d.getFailingGates()).containsExactly(GateIds.ERROR_RATE);
        }
    }

    @Test
    void shouldHoldWithNoDataOnSemanticDriftWhenOnlyTheBaselinePublishesProbes() {
        try (Scenario s = new Scenario(113, T0)) {
            // given a RAG service whose baseline answers the probe set and whose canary does not
            s.rollout(RolloutPhase.STARTED, 0, 5);

            // when the step runs well past its minimum duration
            probeSet(s, null);
            s.play(60, RPS);

            // then semantic-drift applies (the baseline's probes were seen) and is NODATA, so the step holds
            List<GateResult> drift = s.resultsFor(GateIds.SEMANTIC_DRIFT);
            assertThat(drift.get(drift.size() - 1).getVerdict()).isEqualTo(Verdict.NODATA);
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.PROMOTE);
        }
    }

    @Test
    void shouldRollBackOnSemanticDriftBeyondThreePointsWithProbesOnBothRevisions() {
        try (Scenario s = new Scenario(114, T0)) {
            // given both revisions answer the probe set, the canary 0.05 higher in ΔS
            s.rollout(RolloutPhase.STARTED, 0, 5);

            // when
            probeSet(s, 0.05);

            // then the step rolls back on semantic-drift
            GateDecision d = s.decisions.stream()
                    .filter(x -> x.getAction() == Action.ROLLBACK)
                    .findFirst()
                    .orElseThrow();
            assertThat(d.getFailingGates()).containsExactly(GateIds.SEMANTIC_DRIFT);
        }
    }

    @Test
    void shouldHoldOnSchemaPinsAtALaterStepWithPinsSentOnlyOnStarted() {
        try (Scenario s = new Scenario(115, T0)) {
            // given pins on STARTED only: the canary serves schemaRev v7
            s.canaryPins = RevisionPins.newBuilder().setSchemaRev("v7").build();
            s.canary.schemaRev = "v7";
            s.baseline.schemaRev = null;
            s.rollout(RolloutPhase.STARTED, 0, 1);
            s.canaryPins = null; // every later event of the release is a plain STEP
            GateDecision first = s.runStep(RPS, 300);
            assertThat(first.getAction()).isEqualTo(Action.PROMOTE);

            // when, at 5 %, the canary receives requests of schemaRev v8
            s.canary.schemaRev = "v8";
            GateDecision d = s.runStep(RPS, 120);

            // then the step holds on schema-pins with the playbook's remedy
            assertThat(d).isNull(); // runStep returns only non-HOLD decisions
            GateDecision hold = s.lastDecision();
            assertThat(hold.getAction()).isEqualTo(Action.HOLD);
            assertThat(hold.getStepIndex()).isEqualTo(1);
            assertThat(hold.getFailingGates()).containsExactly(GateIds.SCHEMA_PINS);
            assertThat(String.join(" ", hold.getReasons()))
                    .contains("v8 != served v7")
                    .contains("remedy");
        }
    }

    @Test
    void shouldSayWhichBaselineTheFullTrafficStepComparesWith() {
        try (Scenario s = new Scenario(116, T0)) {
            // given a healthy rollout with no policy
            s.rollout(RolloutPhase.STARTED, 0, 1);
            runToTheEnd(s);
            long step3Start = startOf(s, 3);
            long step4Start = startOf(s, 4);

            // then error-rate at 100 % names the 50 % step's span as its baseline; at 50 % it shares the span
            GateResult at100 = lastAt(s, GateIds.ERROR_RATE, 4);
            assertThat(at100.getBaselineWindowStart()).isEqualTo(step3Start);
            assertThat(at100.getBaselineWindowEnd()).isEqualTo(step4Start);
            assertThat(at100.getDetail()).contains("baseline: the previous step's span");
            GateResult at50 = lastAt(s, GateIds.ERROR_RATE, 3);
            assertThat(at50.getBaselineWindowStart()).isNull();
            // an absolute gate never names a baseline window
            assertThat(lastAt(s, GateIds.COLD_START, 4).getBaselineWindowStart())
                    .isNull();
        }
    }

    @Test
    void shouldCompareWithNothingAtFullTrafficWhenThePolicySaysNone() {
        try (Scenario s = new Scenario(117, T0)) {
            // given a policy without a baseline at 100 %
            s.policy(
                    "*",
                    GatePolicy.newBuilder()
                            .setFullTrafficBaseline(FullTrafficBaseline.NONE)
                            .build());
            s.rollout(RolloutPhase.STARTED, 0, 1);

            // when
            List<GateDecision> decisions = runToTheEnd(s);

            // then the comparative gates do not apply at 100 %, the absolute ones do, and the rollout completes
            assertThat(lastAt(s, GateIds.ERROR_RATE, 4).getVerdict()).isEqualTo(Verdict.NOT_APPLICABLE);
            assertThat(lastAt(s, GateIds.LATENCY_P95, 4).getDetail()).contains("fullTrafficBaseline NONE");
            assertThat(lastAt(s, GateIds.COLD_START, 4).getVerdict()).isEqualTo(Verdict.PASS);
            assertThat(lastAt(s, GateIds.ERROR_RATE, 3).getVerdict()).isEqualTo(Verdict.PASS);
            assertThat(decisions.get(decisions.size() - 1).getAction()).isEqualTo(Action.COMPLETE);
        }
    }

    @Test
    void shouldHoldARequiredGateWithoutEvidenceFromTheFirstEvent() {
        try (Scenario s = new Scenario(118, T0)) {
            // given a policy that requires semantic-drift, and no probes at all
            s.policy(
                    "*",
                    GatePolicy.newBuilder()
                            .setRequiredGates(List.of(GateIds.SEMANTIC_DRIFT))
                            .build());
            s.rollout(RolloutPhase.STARTED, 0, 5);

            // when the step runs well past its minimum duration
            s.play(120, RPS);

            // then semantic-drift is NODATA (not NOT_APPLICABLE) and nothing is promoted
            List<GateResult> drift = s.resultsFor(GateIds.SEMANTIC_DRIFT);
            assertThat(drift).extracting(GateResult::getVerdict).containsOnly(Verdict.NODATA);
            assertThat(s.decisions).extracting(GateDecision::getAction).doesNotContain(Action.PROMOTE);
            assertThat(s.resultsFor(GateIds.LAMBDA))
                    .extracting(GateResult::getVerdict)
                    .containsOnly(Verdict.NOT_APPLICABLE);
        }
    }

    private static long startOf(Scenario s, int step) {
        return lastAt(s, GateIds.ERROR_RATE, step).getWindowStart();
    }

    private static GateResult lastAt(Scenario s, String gate, int step) {
        List<GateResult> r = s.resultsFor(gate).stream()
                .filter(x -> x.getStepIndex() == step)
                .toList();
        assertThat(r).as("%s results at step %d", gate, step).isNotEmpty();
        return r.get(r.size() - 1);
    }
}
