package dev.tollgate.topology.gates;

/** Stable gate ids of the contract (design.md, "Gates"); the list of gates is {@link Gates}. */
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
}
