package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.RolloutEvent;
import java.util.Comparator;

/**
 * Job: the rollout lifecycle. Rollout events queue in event-time order and take effect at tick boundaries;
 * applying one starts a release, a step or draining, or ends the rollout, and resets the step's evidence and
 * decision memory accordingly. A frozen release stays frozen whatever the router says.
 */
final class StepLifecycle {
    private static final double FULL_TRAFFIC = 100.0;

    private static final Comparator<RolloutEvent> ROLLOUT_ORDER = Comparator.comparingLong(RolloutEvent::getTimestamp)
            .thenComparing(RolloutEvent::getReleaseId)
            .thenComparingInt(RolloutEvent::getStepIndex)
            .thenComparingInt(r -> r.getPhase().ordinal());

    /** Queues a rollout event in order (ties broken by release, step and phase, so arrival order is irrelevant). */
    void enqueue(RolloutTrack t, RolloutEvent r) {
        int i = t.pending.size();
        while (i > 0 && ROLLOUT_ORDER.compare(t.pending.get(i - 1), r) > 0) {
            i--;
        }
        t.pending.add(i, r);
    }

    /** Applies every queued rollout event at or before {@code tickStart}, effective at {@code tickStart}. */
    void applyDue(ServiceState st, long tickStart) {
        RolloutTrack t = st.rollout;
        while (!t.pending.isEmpty() && t.pending.get(0).getTimestamp() <= tickStart) {
            apply(st, t.pending.remove(0), tickStart);
        }
    }

    private static void apply(ServiceState st, RolloutEvent r, long effectiveAt) {
        RolloutTrack t = st.rollout;
        boolean sameRelease = t.current != null && t.current.getReleaseId().equals(r.getReleaseId());
        if (!sameRelease) {
            st.decisions.newRelease();
            t.releaseStart = effectiveAt;
            t.state = ReleaseState.NONE;
        }
        if (sameRelease) {
            r = withStickyPins(t.current, r);
        }
        if (t.state == ReleaseState.FROZEN && sameRelease) {
            t.current = r; // remember what the router says, but no automatic retries
            return;
        }
        t.current = r;
        long previousStepStart = t.stepStart;
        switch (r.getPhase()) {
            case STARTED, STEP -> {
                t.state = ReleaseState.ACTIVE;
                t.stepStart = effectiveAt;
                newStep(st, sameRelease, r.getTrafficPercent() >= FULL_TRAFFIC, previousStepStart, effectiveAt);
            }
            case DRAINING -> {
                t.state = ReleaseState.DRAINING;
                t.stepStart = effectiveAt;
                newStep(st, sameRelease, false, previousStepStart, effectiveAt);
            }
            case COMPLETED, ABORTED -> t.state = ReleaseState.ENDED;
            default -> {}
        }
    }

    /**
     * Pins stay in force for a release until a later event of the release sets them again (design.md,
     * RolloutEvent): a router that sends them once, on STARTED, keeps them for every step.
     */
    static RolloutEvent withStickyPins(RolloutEvent previous, RolloutEvent r) {
        boolean canary = r.getCanaryPins() == null && previous.getCanaryPins() != null;
        boolean baseline = r.getBaselinePins() == null && previous.getBaselinePins() != null;
        if (!canary && !baseline) {
            return r;
        }
        RolloutEvent.Builder b = RolloutEvent.newBuilder(r);
        if (canary) {
            b.setCanaryPins(previous.getCanaryPins());
        }
        if (baseline) {
            b.setBaselinePins(previous.getBaselinePins());
        }
        return b.build();
    }

    private static void newStep(
            ServiceState st,
            boolean sameRelease,
            boolean keepBaselineAsReference,
            long previousStepStart,
            long stepStart) {
        st.step.reset(sameRelease, keepBaselineAsReference, previousStepStart, stepStart);
        st.decisions.newStep();
    }
}
