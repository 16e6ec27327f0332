package dev.tollgate.topology;

import dev.tollgate.schemas.avro.GateDecision;
import dev.tollgate.schemas.avro.GateResult;

/**
 * Callback for observability outside the topology (the service binds it to Micrometer). Called on the
 * stream thread; implementations must be cheap and thread-safe. Under exactly-once a call may repeat
 * when a transaction aborts, so use it for metrics, never for decisions.
 */
public interface TopologyListener {
    /** An input event of the given contract type (e.g. {@code RequestLog}) was accepted. */
    default void onEvent(String type) {}

    /**
     * An input event arrived after its tick was sealed and its step was decided already: dropped, counted and named
     * in the next results of the gates that read it (a rollout event is applied late instead).
     */
    default void onLateEvent(String type) {}

    /** As {@link #onLateEvent(String)}, naming the service (late drops are counted per type and service). */
    default void onLateEvent(String type, String service) {
        onLateEvent(type);
    }

    /**
     * An input event arrived after its tick was sealed, but its step was still being evaluated: it was merged into
     * the step's evidence (counted, not lost).
     */
    default void onLateMerged(String type, String service) {}

    /** A gate result was published. */
    default void onGateResult(GateResult result) {}

    /** A decision was published. */
    default void onDecision(GateDecision decision) {}

    /** A listener that does nothing. */
    TopologyListener NOOP = new TopologyListener() {};
}
