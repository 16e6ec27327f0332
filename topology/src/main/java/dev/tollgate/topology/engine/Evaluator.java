package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.schemas.avro.Verdict;
import dev.tollgate.topology.evidence.EvidenceKind;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.gates.Gate;
import dev.tollgate.topology.gates.GateInput;
import dev.tollgate.topology.gates.Gates;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * The gate engine, free of Kafka: it wires the jobs together and owns no rule itself. An event goes to the
 * {@link EvidenceRecorder} (evidence) or the {@link StepLifecycle} (rollout events); the {@link TickClock} seals
 * ticks in event-time order once the watermark passes them; each sealed tick applies due rollout events, is
 * folded into the step by the {@link TickFolder}, closes timeline minutes, and, while a step is evaluated, runs
 * the gates ({@link GateRunner}) and the {@link DecisionPolicy}; {@link Outputs} builds the records.
 *
 * <p>Because evidence only counts once its tick is sealed, and rollout changes take effect at tick boundaries,
 * events that arrive out of order within the grace period give exactly the same results as in order. Evidence
 * later than that (its tick sealed already) is merged into the step it belongs to while that step is still being
 * evaluated (the sequential statistics do not depend on arrival order); evidence of a step that was decided already
 * is dropped, counted, and named in the next results of the gates that read it, and a late duplicate side effect
 * fails {@code side-effects} on the current step (design.md, "late evidence").
 */
public final class Evaluator {
    /** Default of how long a kind of evidence keeps its gates applicable after its latest event: 7 days. */
    public static final long DEFAULT_EVIDENCE_RETENTION_MS = 7L * 24 * 3_600_000L;

    private final long refreshMs;
    private final Function<String, GatePolicy> policies;
    private final TickClock clock;
    private final EvidenceRecorder recorder;
    private final StepLifecycle lifecycle = new StepLifecycle();
    private final TickFolder folder = new TickFolder();
    private final GateRunner gates;
    private final DecisionPolicy decisions = new DecisionPolicy();

    /** Outcome of ingesting one event. */
    public enum Ingest {
        /** Counted in its tick. */
        ACCEPTED,
        /** Its tick was sealed, but its step is still evaluated: merged into the step's evidence. */
        MERGED,
        /** Its tick was sealed and its step decided already: dropped, counted and reported (rollout events: applied late). */
        LATE,
        /** Not evidence Tollgate reads. */
        IGNORED
    }

    public Evaluator(
            long graceMs, long tickMs, long refreshMs, Function<String, GatePolicy> policies, List<Gate> gates) {
        this(graceMs, tickMs, refreshMs, policies, gates, DEFAULT_EVIDENCE_RETENTION_MS);
    }

    /**
     * @param evidenceRetentionMs how long a kind of evidence, once seen for a service, keeps its gates applicable
     *     after its latest event (the key ledger's retention in the topology)
     */
    public Evaluator(
            long graceMs,
            long tickMs,
            long refreshMs,
            Function<String, GatePolicy> policies,
            List<Gate> gates,
            long evidenceRetentionMs) {
        this.refreshMs = refreshMs;
        this.policies = policies;
        this.clock = new TickClock(graceMs, tickMs);
        this.recorder = new EvidenceRecorder(policies);
        this.gates = new GateRunner(gates, evidenceRetentionMs);
    }

    /** An evaluator with every gate of {@link Gates#all()}. */
    public Evaluator(long graceMs, long tickMs, long refreshMs, Function<String, GatePolicy> policies) {
        this(graceMs, tickMs, refreshMs, policies, Gates.all());
    }

    /** Adds one event of {@code service} (event time {@code ts}) to the open partials. */
    public Ingest ingest(ServiceState st, String service, SpecificRecord event, long ts, KeyLedger ledger) {
        long tick = clock.tickOf(ts);
        if (event instanceof RolloutEvent r) {
            // control events are never dropped: a late one takes effect at the next boundary
            lifecycle.enqueue(st.rollout, r);
            clock.advanceMaxEventTime(st.clock, ts);
            return clock.sealed(st.clock, tick) ? Ingest.LATE : Ingest.ACCEPTED;
        }
        boolean late = clock.sealed(st.clock, tick);
        // a late event goes through the recorder too: the key ledger must remember its keys, and a late duplicate
        // side effect is only known as one there
        EvidenceKind kind = recorder.record(st, service, event, ts, tick, ledger);
        clock.advanceMaxEventTime(st.clock, ts);
        if (kind == null) {
            return Ingest.IGNORED;
        }
        st.seen.record(kind, ts);
        return late ? late(st, service, kind, tick) : Ingest.ACCEPTED;
    }

    /** Evidence of a sealed tick: merged into its step while that is evaluated, else dropped and remembered. */
    private Ingest late(ServiceState st, String service, EvidenceKind kind, long tick) {
        // the tick was sealed, so the partial the recorder just opened for it holds this one event only
        TreeMap<String, RevisionEvidence> partial = st.openTicks.remove(tick);
        long tickStart = tick * clock.tickMs();
        if (st.rollout.evaluating() && tickStart >= st.rollout.stepStart) {
            long minute = Math.floorDiv(tickStart, TickClock.MINUTE_MS) * TickClock.MINUTE_MS;
            boolean minuteOpen = minute + TickClock.MINUTE_MS > st.clock.nextTick * clock.tickMs();
            folder.fold(st, tickStart, partial, policies.apply(service), minuteOpen);
            return Ingest.MERGED;
        }
        st.late.drop(kind);
        for (RevisionEvidence e : partial.values()) {
            if (e.dedupe.sideEffectDuplicates > 0) {
                st.late.duplicate(e.dedupe.sideEffectExample);
            }
        }
        return Ingest.LATE;
    }

    /**
     * Seals every tick the watermark has passed, in order, and evaluates. Returns whether anything was emitted
     * (so the caller refreshes the rollout status view).
     */
    public boolean advance(ServiceState st, String service, Emitter out) {
        return advance(st, service, Long.MAX_VALUE, out);
    }

    /**
     * As {@link #advance(ServiceState, String, Emitter)}, but never past {@code sourceTime}: the event time every
     * active input source has reached (per-source watermarks; {@link Long#MAX_VALUE} when input arrives in event-time
     * order, as in replay). A tick is sealed once both the service's own latest event and {@code sourceTime} are a
     * grace period past its end.
     */
    public boolean advance(ServiceState st, String service, long sourceTime, Emitter out) {
        if (!clock.mightSeal(st, sourceTime)) {
            return false;
        }
        return clock.advance(st, sourceTime, k -> seal(st, service, k, out));
    }

    /** The first tick of {@code st} not sealed yet, as event time (its start); Long.MIN_VALUE before any event. */
    public long unsealedFrom(ServiceState st) {
        return st.clock.nextTick == Long.MIN_VALUE ? Long.MIN_VALUE : st.clock.nextTick * clock.tickMs();
    }

    private boolean seal(ServiceState st, String service, long k, Emitter out) {
        long tickStart = k * clock.tickMs();
        long tickEnd = tickStart + clock.tickMs();
        lifecycle.applyDue(st, tickStart);
        // partials of earlier ticks (only possible after a jump) are folded too, oldest first
        GatePolicy policy = policies.apply(service);
        while (!st.openTicks.isEmpty() && st.openTicks.firstKey() <= k) {
            var e = st.openTicks.pollFirst();
            folder.fold(st, e.getKey() * clock.tickMs(), e.getValue(), policy);
        }
        boolean emitted = Outputs.closeMinutes(st.minutes, service, tickEnd, out);
        if (st.rollout.evaluating()) {
            emitted |= evaluate(st, service, tickEnd, policy, out);
        }
        return emitted;
    }

    private boolean evaluate(ServiceState st, String service, long at, GatePolicy policy, Emitter out) {
        RolloutEvent r = st.rollout.current;
        List<Double> steps = policy.getSteps();
        int stepIndex = r.getStepIndex();
        Double next = stepIndex + 1 < steps.size() ? steps.get(stepIndex + 1) : null;
        GateInput input = new GateInput(
                policy,
                stepIndex,
                r.getTrafficPercent(),
                next,
                st.rollout.draining(),
                st.rollout.stepStart,
                at,
                st.step.baseline,
                st.step.canary,
                st.step.serviceLevel);
        List<GateRun> runs = gates.run(input, policy, st.seen);
        boolean lateReported = !st.late.isEmpty();
        if (lateReported) {
            runs = st.late.annotate(runs);
        }

        DecisionMemory memory = st.decisions;
        DecisionPolicy.StepDecision d = decisions.decide(
                runs,
                policy,
                new DecisionPolicy.StepContext(
                        stepIndex,
                        next,
                        st.rollout.state == ReleaseState.DRAINING,
                        st.rollout.stepStart,
                        at,
                        st.step.canary.traffic.lastRequestTick,
                        clock.tickMs(),
                        memory.lastDecisionKey,
                        g -> memory.failures(stepIndex, g)));
        GateDecision decision = d == null ? null : apply(st, service, r, d, at);
        boolean emitted = false;
        for (GateRun run : runs) {
            long[] last = memory.published.get(run.gate().id());
            boolean changed = last == null || last[0] != run.outcome().verdict().ordinal();
            // NOT_APPLICABLE is reported once per step (and again only when it changes)
            boolean repeat = !changed
                    && run.outcome().verdict() != Verdict.NOT_APPLICABLE
                    && (decision != null || at - last[1] >= refreshMs);
            // a result naming late evidence goes out at once, without moving the refresh schedule
            boolean lateNote =
                    lateReported && !st.late.describe(run.gate().evidence()).isEmpty();
            if (changed || repeat || lateNote) {
                out.result(Outputs.result(service, r, st.rollout.stepStart, at, run, st.step));
                emitted = true;
            }
            if (changed || repeat) {
                memory.published.put(
                        run.gate().id(), new long[] {run.outcome().verdict().ordinal(), at});
            }
        }
        if (decision != null) {
            out.decision(decision);
            emitted = true;
        }
        if (lateReported) {
            st.late.clear();
        }
        return emitted;
    }

    /** Records a decision in the state (failures, release state, sequence) and builds its record. */
    private static GateDecision apply(
            ServiceState st, String service, RolloutEvent r, DecisionPolicy.StepDecision d, long decidedAt) {
        DecisionMemory memory = st.decisions;
        for (String gate : d.newFailures()) {
            memory.recordFailure(r.getStepIndex(), gate);
        }
        if (d.nextState() != null) {
            st.rollout.state = d.nextState();
        }
        memory.lastDecisionKey = d.key();
        memory.decisionSeq++;
        return Outputs.decision(service, r, d, memory.decisionSeq, decidedAt);
    }

    /**
     * The one wall-clock path: the service sent nothing at all for {@code silentMs} of wall-clock time while a
     * step is active. It can only hold (never promote), once per step, and is stamped with the last event time
     * seen. Returns whether a decision was emitted.
     */
    public boolean stall(ServiceState st, String service, long silentMs, Emitter out) {
        RolloutEvent r = st.rollout.current;
        if (r == null) {
            return false;
        }
        DecisionPolicy.StepDecision d =
                decisions.stall(st.rollout.state, r.getStepIndex(), st.decisions.lastDecisionKey, service, silentMs);
        if (d == null) {
            return false;
        }
        out.decision(apply(st, service, r, d, Math.max(st.clock.maxEventTime, st.rollout.stepStart)));
        return true;
    }
}
