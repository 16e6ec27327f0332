package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * Test-only window onto the package-private parts of {@link ServiceState}, for the golden state fixtures
 * ({@code dev.tollgate.topology.state.GoldenStateV1Test}). It lives in the engine package (test sources) so
 * the fixtures never reach into fields by name anywhere else: when the state's internals change, this is the
 * one class to adapt. Every method is read-only in intent.
 */
public final class ServiceStateAccess {
    private ServiceStateAccess() {}

    public static long nextTick(ServiceState st) {
        return st.clock.nextTick;
    }

    public static NavigableMap<Long, ? extends Map<String, RevisionEvidence>> openTicks(ServiceState st) {
        return st.openTicks.windows;
    }

    public static List<RolloutEvent> pendingRollouts(ServiceState st) {
        return st.rollout.pending;
    }

    public static long releaseStart(ServiceState st) {
        return st.rollout.releaseStart;
    }

    public static Map<String, Integer> failures(ServiceState st) {
        return st.decisions.failures;
    }

    public static int decisionSeq(ServiceState st) {
        return st.decisions.decisionSeq;
    }

    public static String lastDecisionKey(ServiceState st) {
        return st.decisions.lastDecisionKey;
    }

    /** Gate id → {verdict ordinal, event time} of the last published result at the current step. */
    public static Map<String, long[]> published(ServiceState st) {
        return st.decisions.published;
    }

    public static RevisionEvidence baseline(ServiceState st) {
        return st.step.baseline;
    }

    public static RevisionEvidence canary(ServiceState st) {
        return st.step.canary;
    }

    public static RevisionEvidence serviceLevel(ServiceState st) {
        return st.step.serviceLevel;
    }

    public static NavigableMap<Long, ? extends Map<String, RevisionEvidence>> minutes(ServiceState st) {
        return st.minutes.windows;
    }
}
