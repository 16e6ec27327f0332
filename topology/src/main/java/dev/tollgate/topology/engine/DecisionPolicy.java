package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.InconclusiveAction;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.gates.GateOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Job: the decision rules, as a pure function from gate outcomes and where the step stands to an action with
 * its reasons (design.md, "Steps and decisions"). Nothing here mutates state; the {@link Evaluator} applies
 * the result.
 *
 * <ul>
 *   <li>a blocking FAIL of a gate that rolls back → ROLLBACK; the same gate failing {@code failuresToFreeze}
 *       times at the same step → FREEZE;
 *   <li>a blocking FAIL of a gate that holds ({@code Gate#holdsOnFail}) → HOLD with its remedy;
 *   <li>while draining only failures decide;
 *   <li>every gate PASS and {@code minStepDurationMs} elapsed → PROMOTE (COMPLETE at the last step);
 *   <li>no canary requests for {@code noDataTimeoutMs} of event time → HOLD (NODATA);
 *   <li>still not passing after {@code maxStepDurationMs} → the policy's {@code onInconclusive}: HOLD, ROLLBACK,
 *       or DECIDE (the sequential test is truncated there: ROLLBACK when a gate's estimate is nearer its
 *       resolution target than its threshold, PROMOTE when every open gate has its samples and its estimate nearer
 *       the threshold, HOLD otherwise);
 *   <li>a HOLD is published once per change (same action, step, reason and gates), not once per tick.
 * </ul>
 */
final class DecisionPolicy {
    /** Where the step stands when it is decided. */
    record StepContext(
            int stepIndex,
            Double nextTrafficPercent,
            boolean draining,
            long stepStart,
            long at,
            long lastCanaryRequestTick,
            long tickMs,
            String lastDecisionKey,
            ToIntFunction<String> failuresAtStep) {}

    /**
     * An action with everything a {@code GateDecision} says about it.
     *
     * @param nextState   the release state after it, or null when unchanged
     * @param newFailures gates whose failure at this step is counted with this decision
     * @param key         identity of the decision for "once per change"
     */
    record StepDecision(
            Action action,
            Double nextTrafficPercent,
            List<String> failingGates,
            List<String> reasons,
            int failuresAtStep,
            ReleaseState nextState,
            List<String> newFailures,
            String key) {}

    /** Decides the step, or returns null when there is nothing new to decide. */
    StepDecision decide(List<GateRun> runs, GatePolicy policy, StepContext ctx) {
        List<String> rollbackGates = new ArrayList<>();
        List<String> holdGates = new ArrayList<>();
        List<String> notPassing = new ArrayList<>();
        List<String> suspected = new ArrayList<>();
        boolean allLeanWithin = true;
        List<String> reasons = new ArrayList<>();
        for (GateRun e : runs) {
            reasons.add((e.dryRun() ? "[dry-run] " : "")
                    + e.outcome().detail()
                    + (e.blocking() && !e.gate().remedy().isEmpty()
                            ? "; remedy: " + e.gate().remedy()
                            : ""));
            if (e.blocking()) {
                (e.gate().holdsOnFail() ? holdGates : rollbackGates)
                        .add(e.gate().id());
            } else if (!e.dryRun()
                    && e.outcome().verdict() != Verdict.PASS
                    && e.outcome().verdict() != Verdict.NOT_APPLICABLE) {
                notPassing.add(e.gate().id());
                if (e.outcome().suspected()) {
                    suspected.add(e.gate().id());
                }
                allLeanWithin &= e.outcome().lean() == GateOutcome.Lean.WITHIN;
            }
        }
        long elapsed = ctx.at() - ctx.stepStart();
        Action action = null;
        ReleaseState nextState = null;
        List<String> failing = List.of();
        List<String> newFailures = List.of();
        int failuresAtStep = 0;
        String why = "";
        if (!rollbackGates.isEmpty()) {
            failing = rollbackGates;
            newFailures = rollbackGates;
            boolean freeze = false;
            for (String g : rollbackGates) {
                int n = ctx.failuresAtStep().applyAsInt(g) + 1;
                failuresAtStep = Math.max(failuresAtStep, n);
                freeze |= n >= policy.getFailuresToFreeze();
            }
            action = freeze ? Action.FREEZE : Action.ROLLBACK;
            nextState = freeze ? ReleaseState.FROZEN : ReleaseState.ROLLED_BACK;
        } else if (!holdGates.isEmpty()) {
            failing = holdGates;
            action = Action.HOLD;
            why = "hold";
        } else if (ctx.draining()) {
            return null;
        } else if (notPassing.isEmpty() && elapsed >= policy.getMinStepDurationMs()) {
            boolean last = ctx.nextTrafficPercent() == null;
            action = last ? Action.COMPLETE : Action.PROMOTE;
            nextState = last ? ReleaseState.COMPLETE : ReleaseState.AWAITING_STEP;
        } else {
            long noData = policy.getNoDataTimeoutMs();
            long lastCanary = ctx.lastCanaryRequestTick();
            boolean stalled =
                    lastCanary == Long.MIN_VALUE ? elapsed >= noData : ctx.at() - (lastCanary + ctx.tickMs()) >= noData;
            if (stalled) {
                action = Action.HOLD;
                failing = notPassing;
                why = "nodata";
                reasons.add(0, "NODATA: no canary requests for " + noData + " ms of event time; holding");
            } else if (elapsed >= policy.getMaxStepDurationMs() && !notPassing.isEmpty()) {
                failing = notPassing;
                why = "max-duration";
                InconclusiveAction on = policy.getOnInconclusive();
                String head = "step still inconclusive after maxStepDurationMs " + policy.getMaxStepDurationMs()
                        + " ms: " + on;
                if (on == InconclusiveAction.ROLLBACK) {
                    action = Action.ROLLBACK;
                    nextState = ReleaseState.ROLLED_BACK;
                } else if (on == InconclusiveAction.DECIDE && !suspected.isEmpty()) {
                    // the sequential test is truncated here: the evidence favours a regression at the target
                    // over a canary at the threshold, which the step could not confirm; do not ship it on
                    action = Action.ROLLBACK;
                    nextState = ReleaseState.ROLLED_BACK;
                    failing = suspected;
                    head += ": suspected regression not cleared on " + String.join(", ", suspected)
                            + " (estimate nearer the resolution target than the threshold); rolling back";
                } else if (on == InconclusiveAction.DECIDE
                        && allLeanWithin
                        && elapsed >= policy.getMinStepDurationMs()) {
                    // every gate still open has its samples and its estimate nearer the threshold: at the
                    // truncation point the evidence favours a canary within tolerance
                    boolean last = ctx.nextTrafficPercent() == null;
                    action = last ? Action.COMPLETE : Action.PROMOTE;
                    nextState = last ? ReleaseState.COMPLETE : ReleaseState.AWAITING_STEP;
                    failing = List.of();
                    head += ": every open estimate nearer its threshold than its resolution target ("
                            + String.join(", ", notPassing) + "); " + (last ? "completing" : "promoting");
                } else {
                    action = Action.HOLD;
                    if (on == InconclusiveAction.DECIDE) {
                        head += ": a gate short of samples or evidence; holding";
                    }
                }
                reasons.add(0, head);
            }
        }
        if (action == null) {
            return null;
        }
        if (action != Action.ROLLBACK && action != Action.FREEZE) {
            for (String g : failing) {
                failuresAtStep = Math.max(failuresAtStep, ctx.failuresAtStep().applyAsInt(g));
            }
        }
        String key = key(action, ctx.stepIndex(), why, failing);
        if (action == Action.HOLD && key.equals(ctx.lastDecisionKey())) {
            return null; // once per change, not once per tick
        }
        Double nextPercent = switch (action) {
            case PROMOTE -> ctx.nextTrafficPercent();
            case ROLLBACK, FREEZE -> 0.0;
            default -> null;
        };
        return new StepDecision(
                action, nextPercent, new ArrayList<>(failing), reasons, failuresAtStep, nextState, newFailures, key);
    }

    /**
     * The one wall-clock path: the service sent nothing for {@code silentMs} of wall-clock time while a step is
     * active. It can only hold, once per step; null when the step is not active or was held for this already.
     */
    StepDecision stall(ReleaseState state, int stepIndex, String lastDecisionKey, String service, long silentMs) {
        if (state != ReleaseState.ACTIVE) {
            return null;
        }
        String key = key(Action.HOLD, stepIndex, "stall", List.of());
        if (key.equals(lastDecisionKey)) {
            return null;
        }
        return new StepDecision(
                Action.HOLD,
                null,
                List.of(),
                List.of("NODATA: no events from " + service + " for " + silentMs
                        + " ms of wall-clock time (stall); holding until evidence arrives"),
                0,
                null,
                List.of(),
                key);
    }

    private static String key(Action action, int stepIndex, String why, List<String> failing) {
        return action + "|" + stepIndex + "|" + why + "|" + String.join(",", failing);
    }
}
