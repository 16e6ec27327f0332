package dev.tollgate.topology.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.InconclusiveAction;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.GateIds;
import dev.tollgate.topology.gates.GateOutcome;
import dev.tollgate.topology.gates.GateOutcome.Lean;
import dev.tollgate.topology.gates.Gates;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link DecisionPolicy}: what a step still inconclusive after {@code maxStepDurationMs} does. */
class DecisionPolicyTest {
    private static final long MAX_MS = 600_000;

    private final DecisionPolicy rules = new DecisionPolicy();

    private static GateRun run(String gate, Verdict verdict, Lean lean, boolean dryRun) {
        return new GateRun(
                Gates.byId(gate).orElseThrow(),
                new GateOutcome(verdict, 0.001, 0.005, 0.004, 0.0005, 60_000, 600, null, gate + " " + verdict, lean),
                dryRun);
    }

    private static GateRun pass(String gate) {
        return run(gate, Verdict.PASS, Lean.NONE, false);
    }

    private static GatePolicy policy(InconclusiveAction on) {
        GatePolicy.Builder b = GatePolicy.newBuilder().setMaxStepDurationMs(MAX_MS);
        return on == null ? b.build() : b.setOnInconclusive(on).build();
    }

    /** The 1 % step of five, {@code elapsedMs} after it started, with canary requests up to the last tick. */
    private static DecisionPolicy.StepContext at(long elapsedMs) {
        return new DecisionPolicy.StepContext(0, 5.0, false, 0, elapsedMs, elapsedMs - 1_000, 1_000, null, g -> 0);
    }

    @Test
    void shouldRollBackBySchemaDefaultWhenAGateIsASuspectedRegressionAtMaxStepDuration() {
        // given a policy that leaves onInconclusive at its default, error-rate's estimate nearer its target than its
        // threshold, and cold-start's nearer its threshold
        GatePolicy policy = policy(null);
        List<GateRun> runs = List.of(
                run(GateIds.ERROR_RATE, Verdict.INCONCLUSIVE, Lean.REGRESSION, false),
                pass(GateIds.LATENCY_P95),
                run(GateIds.COLD_START, Verdict.INCONCLUSIVE, Lean.WITHIN, false));

        // when the step reaches maxStepDurationMs
        DecisionPolicy.StepDecision d = rules.decide(runs, policy, at(MAX_MS));

        // then it rolls back, naming only the suspected gate, and says why
        assertThat(policy.getOnInconclusive()).isEqualTo(InconclusiveAction.DECIDE);
        assertThat(d.action()).isEqualTo(Action.ROLLBACK);
        assertThat(d.nextTrafficPercent()).isEqualTo(0.0);
        assertThat(d.nextState()).isEqualTo(ReleaseState.ROLLED_BACK);
        assertThat(d.failingGates()).containsExactly(GateIds.ERROR_RATE);
        assertThat(d.reasons().get(0))
                .startsWith("step still inconclusive after maxStepDurationMs 600000 ms: DECIDE")
                .contains("suspected regression not cleared on error-rate");
        // and an unconfirmed suspicion is not counted as a gate failure towards FREEZE
        assertThat(d.newFailures()).isEmpty();
    }

    @Test
    void shouldPromoteWhenEveryOpenEstimateIsNearerItsThresholdAtMaxStepDuration() {
        // given error-rate and cold-start inconclusive with their samples in and estimates nearer the threshold
        List<GateRun> runs = List.of(
                run(GateIds.ERROR_RATE, Verdict.INCONCLUSIVE, Lean.WITHIN, false),
                run(GateIds.COLD_START, Verdict.INCONCLUSIVE, Lean.WITHIN, false),
                pass(GateIds.LATENCY_P95));

        // when the step reaches maxStepDurationMs under DECIDE
        DecisionPolicy.StepDecision d = rules.decide(runs, policy(InconclusiveAction.DECIDE), at(MAX_MS));

        // then the truncated test decides for the canary: promote to the next step, saying why
        assertThat(d.action()).isEqualTo(Action.PROMOTE);
        assertThat(d.nextTrafficPercent()).isEqualTo(5.0);
        assertThat(d.nextState()).isEqualTo(ReleaseState.AWAITING_STEP);
        assertThat(d.failingGates()).isEmpty();
        assertThat(d.reasons().get(0))
                .contains(
                        "every open estimate nearer its threshold than its resolution target (error-rate, cold-start)")
                .endsWith("promoting");
        // and at the last step it completes
        DecisionPolicy.StepDecision last = rules.decide(
                runs,
                policy(InconclusiveAction.DECIDE),
                new DecisionPolicy.StepContext(4, null, false, 0, MAX_MS, MAX_MS - 1_000, 1_000, null, g -> 0));
        assertThat(last.action()).isEqualTo(Action.COMPLETE);
        assertThat(last.nextState()).isEqualTo(ReleaseState.COMPLETE);
    }

    @Test
    void shouldHoldWhenAnOpenGateHasNoLeanAtMaxStepDuration() {
        // given error-rate leaning within, but cold-start short of its samples (no lean)
        List<GateRun> runs = List.of(
                run(GateIds.ERROR_RATE, Verdict.INCONCLUSIVE, Lean.WITHIN, false),
                run(GateIds.COLD_START, Verdict.INCONCLUSIVE, Lean.NONE, false));

        // when the step reaches maxStepDurationMs under DECIDE
        DecisionPolicy.StepDecision d = rules.decide(runs, policy(InconclusiveAction.DECIDE), at(MAX_MS));

        // then it holds for a person: too little evidence never promotes
        assertThat(d.action()).isEqualTo(Action.HOLD);
        assertThat(d.nextState()).isNull();
        assertThat(d.failingGates()).containsExactly(GateIds.ERROR_RATE, GateIds.COLD_START);
        assertThat(d.reasons().get(0)).endsWith("a gate short of samples or evidence; holding");
    }

    @Test
    void shouldHoldASuspectedRegressionWhenThePolicySaysHold() {
        // given the same suspected regression under an explicit HOLD
        List<GateRun> runs = List.of(run(GateIds.ERROR_RATE, Verdict.INCONCLUSIVE, Lean.REGRESSION, false));

        // when the step reaches maxStepDurationMs
        DecisionPolicy.StepDecision d = rules.decide(runs, policy(InconclusiveAction.HOLD), at(MAX_MS));

        // then HOLD means hold
        assertThat(d.action()).isEqualTo(Action.HOLD);
        assertThat(d.reasons().get(0)).isEqualTo("step still inconclusive after maxStepDurationMs 600000 ms: HOLD");
    }

    @Test
    void shouldRollBackAnyInconclusiveStepWhenThePolicySaysRollback() {
        // given an inconclusive gate that is not suspected, under ROLLBACK
        List<GateRun> runs = List.of(run(GateIds.LATENCY_P95, Verdict.INCONCLUSIVE, Lean.WITHIN, false));

        // when the step reaches maxStepDurationMs
        DecisionPolicy.StepDecision d = rules.decide(runs, policy(InconclusiveAction.ROLLBACK), at(MAX_MS));

        // then it rolls back as before
        assertThat(d.action()).isEqualTo(Action.ROLLBACK);
        assertThat(d.failingGates()).containsExactly(GateIds.LATENCY_P95);
    }

    @Test
    void shouldNotActOnASuspectBeforeMaxStepDuration() {
        // given a suspected regression one tick before the step's maximum
        List<GateRun> runs = List.of(run(GateIds.ERROR_RATE, Verdict.INCONCLUSIVE, Lean.REGRESSION, false));

        // when
        DecisionPolicy.StepDecision d = rules.decide(runs, policy(InconclusiveAction.DECIDE), at(MAX_MS - 1_000));

        // then nothing is decided yet: the confidence sequence may still confirm it or the estimate come back
        assertThat(d).isNull();
    }

    @Test
    void shouldIgnoreADryRunSuspect() {
        // given the only suspect runs dry, and another gate is inconclusive without suspicion
        List<GateRun> runs = List.of(
                run(GateIds.ERROR_RATE, Verdict.INCONCLUSIVE, Lean.REGRESSION, true),
                run(GateIds.COLD_START, Verdict.INCONCLUSIVE, Lean.NONE, false));

        // when the step reaches maxStepDurationMs
        DecisionPolicy.StepDecision d = rules.decide(runs, policy(InconclusiveAction.DECIDE), at(MAX_MS));

        // then a dry-run gate never decides: the step holds on the gate short of samples
        assertThat(d.action()).isEqualTo(Action.HOLD);
        assertThat(d.failingGates()).containsExactly(GateIds.COLD_START);
    }
}
