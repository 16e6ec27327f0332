package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.GatePolicy;
import dev.tollgate.schemas.avro.RevisionPins;
import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.evidence.PinEvidence;
import dev.tollgate.topology.evidence.RevisionEvidence;
import dev.tollgate.topology.evidence.TrafficEvidence;
import java.util.Map;
import java.util.TreeMap;

/**
 * Job: folds a sealed tick's raw partials into the step's evidence (by role: baseline, canary, service-level)
 * and into the open timeline minutes, first deriving what needs the rollout context: requests after warm-up,
 * pin mismatches against the serving revision's pins, misrouted pinned requests, streams cut on the old revision.
 */
final class TickFolder {
    private static final String[] PIN_NAMES = {"schemaRev", "indexHash", "modelTag"};

    /** Folds the partials of the tick starting at {@code tickStart}. */
    void fold(ServiceState st, long tickStart, TreeMap<String, RevisionEvidence> partials, GatePolicy policy) {
        fold(st, tickStart, partials, policy, true);
    }

    /**
     * Folds the partials of the tick starting at {@code tickStart}; {@code minuteOpen} false for late evidence whose
     * timeline minute was published already (the minute is not re-opened: the step's evidence still gets it).
     */
    void fold(
            ServiceState st,
            long tickStart,
            TreeMap<String, RevisionEvidence> partials,
            GatePolicy policy,
            boolean minuteOpen) {
        RolloutEvent r = st.rollout.current;
        for (Map.Entry<String, RevisionEvidence> e : partials.entrySet()) {
            String revision = e.getKey();
            RevisionEvidence raw = e.getValue();
            boolean isCanary = r != null && revision.equals(r.getCanaryRevision());
            boolean isBaseline = r != null && revision.equals(r.getBaselineRevision());
            derive(st, raw, tickStart, isCanary, isBaseline, policy);
            if (!revision.isEmpty() && minuteOpen) {
                long minute = Math.floorDiv(tickStart, TickClock.MINUTE_MS) * TickClock.MINUTE_MS;
                st.minutes.at(minute, revision).merge(raw);
            }
            if (!st.rollout.evaluating() || tickStart < st.rollout.stepStart) {
                // gauges are levels: a sample between two steps (e.g. after PROMOTE, before the router's next
                // STEP) is still the latest level the next step starts from
                keepGauges(st, raw, isCanary, isBaseline, revision.isEmpty());
                continue;
            }
            if (isCanary) {
                st.step.canary.merge(raw);
            } else if (isBaseline) {
                st.step.baseline.merge(raw);
            } else if (revision.isEmpty()) {
                st.step.serviceLevel.merge(raw);
            }
        }
    }

    private static void keepGauges(
            ServiceState st, RevisionEvidence raw, boolean isCanary, boolean isBaseline, boolean serviceLevel) {
        if (raw.gauges.isEmpty()) {
            return;
        }
        if (isCanary) {
            st.step.canary.gauges.merge(raw.gauges);
        } else if (isBaseline) {
            st.step.baseline.gauges.merge(raw.gauges);
        } else if (serviceLevel) {
            st.step.serviceLevel.gauges.merge(raw.gauges);
        }
    }

    private static void derive(
            ServiceState st,
            RevisionEvidence raw,
            long tickStart,
            boolean isCanary,
            boolean isBaseline,
            GatePolicy policy) {
        TrafficEvidence t = raw.traffic;
        if (t.requests > 0) {
            t.lastRequestTick = tickStart;
        }
        if (tickStart >= st.rollout.stepStart + policy.getWarmupMs()) {
            t.requestsAfterWarmup = t.requests;
            t.coldStartsAfterWarmup = t.coldStarts;
        }
        RolloutEvent r = st.rollout.current;
        if (r == null || !(isCanary || isBaseline)) {
            return;
        }
        PinEvidence p = raw.pins;
        RevisionPins pins = isCanary ? r.getCanaryPins() : r.getBaselinePins();
        String self = isCanary ? r.getCanaryRevision() : r.getBaselineRevision();
        for (Map.Entry<String, Long> c : p.combos.entrySet()) {
            p.carrying += c.getValue();
            String mismatch = pins == null ? null : mismatch(PinEvidence.pinParts(c.getKey()), pins);
            if (mismatch != null) {
                p.mismatches += c.getValue();
                if (p.mismatchExample == null) {
                    p.mismatchExample = mismatch + " on " + (isCanary ? "canary " : "baseline ") + self;
                }
            }
        }
        for (Map.Entry<String, Long> v : p.pinnedValues.entrySet()) {
            String intended = intendedRevision(v.getKey(), r);
            p.pinnedRequests += v.getValue();
            if (intended != null && !intended.equals(self)) {
                p.misrouted += v.getValue();
            }
        }
        if (isBaseline) {
            t.streamsCutOld = t.streamsCut;
        }
    }

    private static String mismatch(String[] requestPins, RevisionPins pins) {
        String[] serving = {pins.getSchemaRev(), pins.getIndexHash(), pins.getModelTag()};
        for (int i = 0; i < 3; i++) {
            if (requestPins[i] != null && serving[i] != null && !requestPins[i].equals(serving[i])) {
                return PIN_NAMES[i] + " " + requestPins[i] + " != served " + serving[i];
            }
        }
        return null;
    }

    /** The revision an {@code X-Release} pin value asks for, or null when it names neither. */
    private static String intendedRevision(String pin, RolloutEvent r) {
        return switch (pin) {
            case "canary", "new" -> r.getCanaryRevision();
            case "baseline", "old", "stable" -> r.getBaselineRevision();
            default -> pin.equals(r.getCanaryRevision()) || pin.equals(r.getBaselineRevision()) ? pin : null;
        };
    }
}
