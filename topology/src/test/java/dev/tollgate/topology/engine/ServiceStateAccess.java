package dev.tollgate.topology.engine;

import dev.tollgate.schemas.avro.RolloutEvent;
import dev.tollgate.topology.evidence.RevisionEvidence;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * Test-only window onto the package-private fields of {@link ServiceState}, for the golden state fixtures
 * ({@code dev.tollgate.topology.state.GoldenStateV1Test}). It lives in the engine package (test sources)
 * so the fixtures never reach into fields by name anywhere else: when the state's internals change (state
 * format v2), this is the one class to adapt. Every method is read-only in intent.
 */
public final class ServiceStateAccess {
    private ServiceStateAccess() {
    }

    public static long nextTick(ServiceState st) {
        return st.nextTick;
    }

    public static NavigableMap<Long, ? extends Map<String, RevisionEvidence>> openTicks(ServiceState st) {
        return st.openTicks;
    }

    public static List<RolloutEvent> pendingRollouts(ServiceState st) {
        return st.pendingRollouts;
    }

    public static long releaseStart(ServiceState st) {
        return st.releaseStart;
    }

    public static Map<String, Integer> failures(ServiceState st) {
        return st.failures;
    }

    public static int decisionSeq(ServiceState st) {
        return st.decisionSeq;
    }

    public static String lastDecisionKey(ServiceState st) {
        return st.lastDecisionKey;
    }

    /** Gate id → {verdict ordinal, event time} of the last published result at the current step. */
    public static Map<String, long[]> published(ServiceState st) {
        return st.published;
    }

    public static RevisionEvidence baseline(ServiceState st) {
        return st.baseline;
    }

    public static RevisionEvidence canary(ServiceState st) {
        return st.canary;
    }

    public static RevisionEvidence serviceLevel(ServiceState st) {
        return st.serviceLevel;
    }

    public static NavigableMap<Long, ? extends Map<String, RevisionEvidence>> minutes(ServiceState st) {
        return st.minutes;
    }
}
