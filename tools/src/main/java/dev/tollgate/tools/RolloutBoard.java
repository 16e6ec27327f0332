package dev.tollgate.tools;

import dev.tollgate.schemas.avro.Action;
import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.gates.Gates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a simulation (or the demo) knows about its rollouts: the router's view (step, traffic share, phase) and
 * Tollgate's (the latest verdict of every gate at the current step, every decision). Fed by the simulator's
 * thread; the terminal view reads it from the same thread.
 */
public final class RolloutBoard {
    private final Map<String, Rollout> rollouts = new LinkedHashMap<>();

    /** One rollout. */
    public static final class Rollout {
        public final String service;
        public final String releaseId;
        public final String baselineRevision;
        public final String canaryRevision;
        public final List<Double> steps;
        public final String title;
        public int stepIndex;
        public double trafficPercent;
        public String phase = "STARTED";
        /** Latest result per gate at the current step, in report order. */
        public final Map<String, GateResult> gates = new TreeMap<>((a, b) -> Integer.compare(order(a), order(b)));

        public final List<GateDecision> decisions = new ArrayList<>();
        /** Wall-clock nanos at which each decision was seen. */
        public final List<Long> decisionSeenNanos = new ArrayList<>();
        /** COMPLETE, ROLLBACK, FREEZE, HOLD (router gave up while held) or TIMEOUT; null while running. */
        public String outcome;
        /** The decision that ended the rollout (or the last HOLD), if any. */
        public GateDecision deciding;

        public String note = "";
        public long eventStart;
        public long eventEnd;
        public long stepStartEvent;
        public long wallStartNanos;
        public long wallEndNanos;
        public long lastEventTime;

        Rollout(
                String service,
                String releaseId,
                String baselineRevision,
                String canaryRevision,
                List<Double> steps,
                String title) {
            this.service = service;
            this.releaseId = releaseId;
            this.baselineRevision = baselineRevision;
            this.canaryRevision = canaryRevision;
            this.steps = List.copyOf(steps);
            this.title = title;
        }

        public boolean done() {
            return outcome != null;
        }

        private static int order(String gate) {
            int i = Gates.ids().indexOf(gate);
            return i < 0 ? Gates.ids().size() + Math.abs(gate.hashCode() % 1000) : i;
        }
    }

    /** Registers a rollout before its first event. */
    public Rollout add(
            String service,
            String releaseId,
            String baselineRevision,
            String canaryRevision,
            List<Double> steps,
            String title) {
        Rollout r = new Rollout(service, releaseId, baselineRevision, canaryRevision, steps, title);
        rollouts.put(service + "|" + releaseId, r);
        return r;
    }

    public List<Rollout> rollouts() {
        return List.copyOf(rollouts.values());
    }

    public Rollout get(String service, String releaseId) {
        return rollouts.get(service + "|" + releaseId);
    }

    /** The router published a rollout event. */
    public void onRollout(RolloutEvent e) {
        Rollout r = get(e.getService(), e.getReleaseId());
        if (r == null) {
            return;
        }
        if (r.stepIndex != e.getStepIndex() || !r.phase.equals(e.getPhase().name())) {
            if (r.stepIndex != e.getStepIndex()) {
                r.gates.clear();
            }
            r.stepStartEvent = e.getTimestamp();
        }
        r.stepIndex = e.getStepIndex();
        r.trafficPercent = e.getTrafficPercent();
        r.phase = e.getPhase().name();
    }

    /** Tollgate published something; returns the decisions among it for rollouts on the board. */
    public List<GateDecision> onOutputs(List<SpecificRecord> outputs, long wallNanos) {
        List<GateDecision> decisions = new ArrayList<>();
        for (SpecificRecord o : outputs) {
            if (o instanceof GateResult g) {
                Rollout r = get(g.getService(), g.getReleaseId());
                if (r != null && g.getStepIndex() == r.stepIndex && !r.done()) {
                    r.gates.put(g.getGate(), g);
                }
            } else if (o instanceof GateDecision d) {
                Rollout r = get(d.getService(), d.getReleaseId());
                if (r != null) {
                    r.decisions.add(d);
                    r.decisionSeenNanos.add(wallNanos);
                    decisions.add(d);
                }
            }
        }
        return decisions;
    }

    /** Marks a rollout finished. */
    public void finish(Rollout r, String outcome, GateDecision deciding, long eventTime, long wallNanos, String note) {
        r.outcome = outcome;
        r.deciding = deciding;
        r.eventEnd = eventTime;
        r.wallEndNanos = wallNanos;
        r.note = note == null ? "" : note;
    }

    /** Whether a decision ends a rollout. */
    public static boolean isFinal(Action a) {
        return a == Action.COMPLETE || a == Action.ROLLBACK || a == Action.FREEZE;
    }
}
