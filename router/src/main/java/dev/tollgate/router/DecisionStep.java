package dev.tollgate.router;

import dev.tollgate.schemas.avro.BatchPolicy;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import java.util.List;
import java.util.Optional;

/**
 * What a decision does to a release, as a pure function: PROMOTE of the current step → the next step, COMPLETE of
 * the current step → 100 % and COMPLETED, ROLLBACK or FREEZE of this or an earlier step → 0 % and ABORTED, HOLD
 * (and a decision about another step, or any decision after the end) → nothing.
 */
public final class DecisionStep {
    private DecisionStep() {}

    /**
     * A shift the router makes.
     *
     * @param phase          the phase to publish
     * @param stepIndex      the step index to publish
     * @param trafficPercent the canary share to set and publish
     */
    public record Move(RolloutPhase phase, int stepIndex, double trafficPercent) {
        /** The batch policy of the contract for this shift: PAUSE_HEAVY during the 1–25 % steps, else NORMAL. */
        public BatchPolicy batchPolicy() {
            boolean active = phase == RolloutPhase.STARTED || phase == RolloutPhase.STEP;
            return active && trafficPercent > 0 && trafficPercent <= 25.0
                    ? BatchPolicy.PAUSE_HEAVY
                    : BatchPolicy.NORMAL;
        }
    }

    /**
     * The move a decision asks for, or empty when it asks for none.
     *
     * @param current the release's last RolloutEvent
     * @param d       the decision
     * @param steps   the policy's steps (for a PROMOTE without nextTrafficPercent)
     */
    public static Optional<Move> of(RolloutEvent current, GateDecision d, List<Double> steps) {
        RolloutPhase phase = current.getPhase();
        if (phase == RolloutPhase.COMPLETED || phase == RolloutPhase.ABORTED) {
            return Optional.empty();
        }
        int step = current.getStepIndex();
        switch (d.getAction()) {
            case PROMOTE -> {
                if (d.getStepIndex() != step) {
                    return Optional.empty();
                }
                Double next = d.getNextTrafficPercent();
                if (next == null && step + 1 < steps.size()) {
                    next = steps.get(step + 1);
                }
                return next == null
                        ? Optional.empty()
                        : Optional.of(new Move(RolloutPhase.STEP, step + 1, Math.min(100.0, next)));
            }
            case COMPLETE -> {
                return d.getStepIndex() == step
                        ? Optional.of(new Move(RolloutPhase.COMPLETED, step, 100.0))
                        : Optional.empty();
            }
            case ROLLBACK, FREEZE -> {
                // rolling back is always safe: a late rollback of an earlier step still wins
                return d.getStepIndex() <= step
                        ? Optional.of(new Move(RolloutPhase.ABORTED, step, 0.0))
                        : Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }
}
