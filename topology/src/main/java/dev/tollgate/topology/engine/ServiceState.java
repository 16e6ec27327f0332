package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.RolloutPhase;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * All evaluation state of one service (one store entry, keyed by service): the open tick partials not yet
 * sealed by the watermark, the rollout and step it is in, the step's evidence per revision, the decision
 * memory and the open timeline minutes. Mutable; owned by one stream task.
 */
public final class ServiceState {
    /** Largest event time seen for the service. */
    long maxEventTime = Long.MIN_VALUE;
    /** Index of the first tick not yet sealed; Long.MIN_VALUE before the first event. */
    long nextTick = Long.MIN_VALUE;
    /** Open tick partials: tick index → revision ("" for service-level) → partial. */
    final TreeMap<Long, TreeMap<String, RevisionEvidence>> openTicks = new TreeMap<>();
    /** The open tick most recently written to (not persisted): saves a boxed lookup per event. */
    transient long cachedTick = Long.MIN_VALUE;
    transient TreeMap<String, RevisionEvidence> cachedTickPartials;
    /** Rollout events not yet applied (they take effect at the next tick boundary), in event-time order. */
    final List<RolloutEvent> pendingRollouts = new ArrayList<>();

    // the rollout
    RolloutEvent rollout;
    ReleaseState state = ReleaseState.NONE;
    long stepStart;
    long releaseStart;
    /** Failures per "stepIndex|gate" for the current release. */
    final TreeMap<String, Integer> failures = new TreeMap<>();
    int decisionSeq;
    String lastDecisionKey = "";
    /** Last published verdict (ordinal) and time per gate at the current step. */
    final TreeMap<String, long[]> published = new TreeMap<>();

    // evidence of the current step
    RevisionEvidence baseline = new RevisionEvidence();
    RevisionEvidence canary = new RevisionEvidence();
    RevisionEvidence serviceLevel = new RevisionEvidence();

    /** Open timeline minutes: minute start → revision → evidence. */
    final TreeMap<Long, TreeMap<String, RevisionEvidence>> minutes = new TreeMap<>();

    /** The current rollout event (the one that started the step), or null. */
    public RolloutEvent rollout() {
        return rollout;
    }

    /** Tollgate's state of the current release. */
    public ReleaseState state() {
        return state;
    }

    /** Event time the current step's evidence starts. */
    public long stepStart() {
        return stepStart;
    }

    /** Largest event time seen. */
    public long maxEventTime() {
        return maxEventTime;
    }

    /** Number of open (unsealed) ticks, for tests and metrics. */
    public int openTickCount() {
        return openTicks.size();
    }

    boolean draining() {
        return rollout != null && rollout.getPhase() == RolloutPhase.DRAINING;
    }

    /**
     * Starts a new step's evidence. Gauges (warm_instances, expected_p50_load) are levels, not events, so
     * their latest values carry over within the same release.
     */
    void resetStepEvidence(boolean sameRelease, boolean keepBaselineAsReference) {
        RevisionEvidence oldCanary = canary;
        RevisionEvidence oldService = serviceLevel;
        // at 100 % the baseline serves nothing: its last step is the reference the canary is held to
        baseline = sameRelease && keepBaselineAsReference && baseline.requests > 0 ? baseline : new RevisionEvidence();
        canary = new RevisionEvidence();
        serviceLevel = new RevisionEvidence();
        if (sameRelease) {
            canary.warm(oldCanary.warmAt, oldCanary.warmInstances);
            canary.expectedLoad(oldCanary.expectedLoadAt, oldCanary.expectedLoad);
            serviceLevel.expectedLoad(oldService.expectedLoadAt, oldService.expectedLoad);
        }
        published.clear();
        lastDecisionKey = "";
    }
}
