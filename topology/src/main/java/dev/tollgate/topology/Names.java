package dev.tollgate.topology;

/**
 * Every processor, store and internal topic name of the topology, in one place. Renaming any of these
 * drops or orphans state on redeploy; {@code TopologyDescribeTest} guards them.
 */
public final class Names {
    private Names() {}

    // sources and sinks
    public static final String SOURCE_EVIDENCE = "evidence-source";
    public static final String SOURCE_POLICIES = "policies-source";
    public static final String SINK_RESULTS = "gate-results-sink";
    public static final String SINK_DECISIONS = "decisions-sink";
    public static final String SINK_TIMELINE = "timeline-sink";

    // processors
    public static final String PROCESSOR_EVALUATOR = "gate-evaluator";
    public static final String PROCESSOR_POLICIES = "policies-loader";

    // stores
    public static final String STORE_POLICIES = "policies-store";
    public static final String STORE_ROLLOUT_STATUS = "rollout-status-store";
    public static final String STORE_STEP_STATE = "step-state-store";
    public static final String STORE_DEDUPE_KEYS = "dedupe-keys-store";
}
