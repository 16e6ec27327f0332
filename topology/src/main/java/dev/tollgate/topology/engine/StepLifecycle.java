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
        if (t.state == ReleaseState.FROZEN && sameRelease) {
            t.current = r; // remember what the router says, but no automatic retries
            return;
        }
        t.current = r;
        switch (r.getPhase()) {
            case STARTED, STEP -> {
                t.state = ReleaseState.ACTIVE;
                t.stepStart = effectiveAt;
                newStep(st, sameRelease, r.getTrafficPercent() >= FULL_TRAFFIC);
            }
            case DRAINING -> {
                t.state = ReleaseState.DRAINING;
                t.stepStart = effectiveAt;
                newStep(st, sameRelease, false);
            }
            case COMPLETED, ABORTED -> t.state = ReleaseState.ENDED;
            default -> {}
        }
    }

    private static void newStep(ServiceState st, boolean sameRelease, boolean keepBaselineAsReference) {
        st.step.reset(sameRelease, keepBaselineAsReference);
        st.decisions.newStep();
    }
}
