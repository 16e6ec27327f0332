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

    /** An input event arrived later than the grace period and was dropped (counted, not lost silently). */
    default void onLateEvent(String type) {}

    /** A gate result was published. */
    default void onGateResult(GateResult result) {}

    /** A decision was published. */
    default void onDecision(GateDecision decision) {}

    /** A listener that does nothing. */
    TopologyListener NOOP = new TopologyListener() {};
}
