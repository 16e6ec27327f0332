package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.RolloutEvent;

/**
 * All evaluation state of one service (one store entry, keyed by service), one part per job: the event-time
 * {@link ClockState clock}, the open tick partials not yet sealed, the {@link RolloutTrack rollout} and step it
 * is in, the {@link StepEvidence step's evidence}, the {@link DecisionMemory decision memory} and the open
 * timeline minutes. Each part owns its encoding ({@link ServiceStateSerde}). Mutable; owned by one stream task.
 */
public final class ServiceState {
    final ClockState clock;
    final RevisionWindows openTicks;
    final RolloutTrack rollout;
    final DecisionMemory decisions;
    final StepEvidence step;
    final RevisionWindows minutes;
    final EvidenceSeen seen;
    /** Late evidence of decided steps, until a result names it. */
    final LateEvidence late;

    /** An empty state (before the service's first event). */
    public ServiceState() {
        this(
                new ClockState(),
                new RevisionWindows(),
                new RolloutTrack(),
                new DecisionMemory(),
                new StepEvidence(),
                new RevisionWindows(),
                new EvidenceSeen());
    }

    ServiceState(
            ClockState clock,
            RevisionWindows openTicks,
            RolloutTrack rollout,
            DecisionMemory decisions,
            StepEvidence step,
            RevisionWindows minutes,
            EvidenceSeen seen) {
        this(clock, openTicks, rollout, decisions, step, minutes, seen, new LateEvidence());
    }

    ServiceState(
            ClockState clock,
            RevisionWindows openTicks,
            RolloutTrack rollout,
            DecisionMemory decisions,
            StepEvidence step,
            RevisionWindows minutes,
            EvidenceSeen seen,
            LateEvidence late) {
        this.late = late;
        this.clock = clock;
        this.openTicks = openTicks;
        this.rollout = rollout;
        this.decisions = decisions;
        this.step = step;
        this.minutes = minutes;
        this.seen = seen;
    }

    /** The current rollout event (the one that started the step), or null. */
    public RolloutEvent rollout() {
        return rollout.current;
    }

    /** Tollgate's state of the current release. */
    public ReleaseState state() {
        return rollout.state;
    }

    /** Event time the current step's evidence starts. */
    public long stepStart() {
        return rollout.stepStart;
    }

    /** Largest event time seen. */
    public long maxEventTime() {
        return clock.maxEventTime;
    }

    /** The evidence of the current step. */
    public StepEvidence stepEvidence() {
        return step;
    }

    /** The rollout part (pending events, current step, release state). */
    public RolloutTrack rolloutTrack() {
        return rollout;
    }

    /** The decision memory part. */
    public DecisionMemory decisionMemory() {
        return decisions;
    }

    /** The clock part. */
    public ClockState clock() {
        return clock;
    }

    /** The open (unsealed) tick partials. */
    public RevisionWindows openTicks() {
        return openTicks;
    }

    /** The open timeline minutes. */
    public RevisionWindows timelineMinutes() {
        return minutes;
    }
}
