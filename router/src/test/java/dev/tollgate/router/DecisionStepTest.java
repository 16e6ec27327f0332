package dev.tollgate.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.router.DecisionStep.Move;
import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionStepTest {
    private static final List<Double> STEPS = PolicySteps.DEFAULT;

    @Test
    void shouldPromoteTheCurrentStepToTheNextOne() {
        // given
        RolloutEvent atStep1 = event(RolloutPhase.STEP, 1, 5.0);

        // when
        var withNext = DecisionStep.of(atStep1, decision(Action.PROMOTE, 1, 25.0), STEPS);
        var fromPolicy = DecisionStep.of(atStep1, decision(Action.PROMOTE, 1, null), STEPS);

        // then
        assertThat(withNext).contains(new Move(RolloutPhase.STEP, 2, 25.0));
        assertThat(fromPolicy).contains(new Move(RolloutPhase.STEP, 2, 25.0));
    }

    @Test
    void shouldIgnoreAPromoteOrCompleteOfAnotherStepAndEveryHold() {
        // given
        RolloutEvent atStep2 = event(RolloutPhase.STEP, 2, 25.0);

        // when / then
        assertThat(DecisionStep.of(atStep2, decision(Action.PROMOTE, 1, 25.0), STEPS))
                .isEmpty();
        assertThat(DecisionStep.of(atStep2, decision(Action.COMPLETE, 1, null), STEPS))
                .isEmpty();
        assertThat(DecisionStep.of(atStep2, decision(Action.HOLD, 2, null), STEPS))
                .isEmpty();
    }

    @Test
    void shouldCompleteAtFullTrafficAndAbortOnRollbackOrFreezeEvenOfAnEarlierStep() {
        // given
        RolloutEvent atFull = event(RolloutPhase.STEP, 4, 100.0);
        RolloutEvent atStep3 = event(RolloutPhase.STEP, 3, 50.0);

        // when / then
        assertThat(DecisionStep.of(atFull, decision(Action.COMPLETE, 4, null), STEPS))
                .contains(new Move(RolloutPhase.COMPLETED, 4, 100.0));
        assertThat(DecisionStep.of(atStep3, decision(Action.ROLLBACK, 3, 0.0), STEPS))
                .contains(new Move(RolloutPhase.ABORTED, 3, 0.0));
        assertThat(DecisionStep.of(atStep3, decision(Action.FREEZE, 2, 0.0), STEPS))
                .contains(new Move(RolloutPhase.ABORTED, 3, 0.0));
    }

    @Test
    void shouldDoNothingOnceTheReleaseEnded() {
        // given
        RolloutEvent aborted = event(RolloutPhase.ABORTED, 1, 0.0);

        // when / then
        assertThat(DecisionStep.of(aborted, decision(Action.PROMOTE, 1, 25.0), STEPS))
                .isEmpty();
        assertThat(DecisionStep.of(aborted, decision(Action.ROLLBACK, 1, 0.0), STEPS))
                .isEmpty();
    }

    @Test
    void shouldPauseHeavyBatchWorkDuringTheOneToTwentyFivePercentSteps() {
        // given / when / then
        assertThat(new Move(RolloutPhase.STARTED, 0, 1.0).batchPolicy()).isEqualTo(BatchPolicy.PAUSE_HEAVY);
        assertThat(new Move(RolloutPhase.STEP, 2, 25.0).batchPolicy()).isEqualTo(BatchPolicy.PAUSE_HEAVY);
        assertThat(new Move(RolloutPhase.STEP, 3, 50.0).batchPolicy()).isEqualTo(BatchPolicy.NORMAL);
        assertThat(new Move(RolloutPhase.ABORTED, 1, 0.0).batchPolicy()).isEqualTo(BatchPolicy.NORMAL);
    }

    @Test
    void shouldSplitTwoHundredWeightPointsByTheCanaryShare() {
        // given / when / then
        assertThat(Weights.of(1.0)).isEqualTo(new Weights(198, 2));
        assertThat(Weights.of(25.0)).isEqualTo(new Weights(150, 50));
        assertThat(Weights.of(100.0)).isEqualTo(new Weights(0, 200));
        assertThat(Weights.of(0.0)).isEqualTo(new Weights(200, 0));
        assertThat(Weights.of(5.0).canaryPercent()).isEqualTo(5.0);
    }

    private static RolloutEvent event(RolloutPhase phase, int step, double percent) {
        return RolloutEvent.newBuilder()
                .setService("catalog")
                .setReleaseId("rel-7")
                .setTimestamp(1L)
                .setBaselineRevision("v1")
                .setCanaryRevision("v2")
                .setPhase(phase)
                .setStepIndex(step)
                .setTrafficPercent(percent)
                .build();
    }

    private static GateDecision decision(Action action, int step, Double next) {
        return GateDecision.newBuilder()
                .setDecisionId("d-" + action + "-" + step)
                .setService("catalog")
                .setReleaseId("rel-7")
                .setStepIndex(step)
                .setTrafficPercent(STEPS.get(step))
                .setAction(action)
                .setNextTrafficPercent(next)
                .setDecidedAt(1L)
                .build();
    }
}
