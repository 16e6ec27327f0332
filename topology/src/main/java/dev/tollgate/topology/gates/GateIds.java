package dev.tollgate.topology.gates;

import java.util.List;

/** Stable gate ids of the contract (design.md, "Gates"). */
public final class GateIds {
    private GateIds() {}

    public static final String ERROR_RATE = "error-rate";
    public static final String LATENCY_P95 = "latency-p95";
    public static final String COLD_START = "cold-start";
    public static final String WARM_CAPACITY = "warm-capacity";
    public static final String DEDUPE = "dedupe";
    public static final String SIDE_EFFECTS = "side-effects";
    public static final String SEMANTIC_DRIFT = "semantic-drift";
    public static final String LAMBDA = "lambda";
    public static final String QUEUE_AGE = "queue-age";
    public static final String QUEUE_FENCE = "queue-fence";
    public static final String SCHEMA_PINS = "schema-pins";
    public static final String STICKY_ROUTING = "sticky-routing";
    public static final String STREAM_DRAIN = "stream-drain";

    /** Every gate id, in report order. */
    public static final List<String> ALL = List.of(
            ERROR_RATE,
            LATENCY_P95,
            COLD_START,
            WARM_CAPACITY,
            DEDUPE,
            SIDE_EFFECTS,
            SEMANTIC_DRIFT,
            LAMBDA,
            QUEUE_AGE,
            QUEUE_FENCE,
            SCHEMA_PINS,
            STICKY_ROUTING,
            STREAM_DRAIN);
}
