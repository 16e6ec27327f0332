package dev.tollgate.topology;

import java.util.List;
import java.util.Objects;

/**
 * Topic names of the Tollgate contract with a configurable prefix (default {@code tollgate.}).
 *
 * @param prefix the prefix put before every base name, e.g. {@code tollgate.}
 */
public record TopicNames(String prefix) {
    public static final String REQUESTS = "requests";
    public static final String SIDE_EFFECTS = "side-effects";
    public static final String QUEUE_WORK = "queue-work";
    public static final String METRICS = "metrics";
    public static final String PROBES = "probes";
    public static final String ROLLOUTS = "rollouts";
    public static final String POLICIES = "policies";
    public static final String GATE_RESULTS = "gate-results";
    public static final String DECISIONS = "decisions";
    public static final String TIMELINE = "timeline";
    public static final String DLQ = "dlq";

    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "tollgate.";

    public TopicNames {
        Objects.requireNonNull(prefix, "prefix");
    }

    /** Names with the default prefix. */
    public static TopicNames defaults() {
        return new TopicNames(DEFAULT_PREFIX);
    }

    public String requests() {
        return prefix + REQUESTS;
    }

    public String sideEffects() {
        return prefix + SIDE_EFFECTS;
    }

    public String queueWork() {
        return prefix + QUEUE_WORK;
    }

    public String metrics() {
        return prefix + METRICS;
    }

    public String probes() {
        return prefix + PROBES;
    }

    public String rollouts() {
        return prefix + ROLLOUTS;
    }

    public String policies() {
        return prefix + POLICIES;
    }

    public String gateResults() {
        return prefix + GATE_RESULTS;
    }

    public String decisions() {
        return prefix + DECISIONS;
    }

    public String timeline() {
        return prefix + TIMELINE;
    }

    public String dlq() {
        return prefix + DLQ;
    }

    /** Input topics keyed by service that feed the gate evaluator (co-partitioned). */
    public List<String> evidenceInputs() {
        return List.of(requests(), sideEffects(), queueWork(), metrics(), probes(), rollouts());
    }

    /** Every topic of the contract. */
    public List<String> all() {
        return List.of(
                requests(),
                sideEffects(),
                queueWork(),
                metrics(),
                probes(),
                rollouts(),
                policies(),
                gateResults(),
                decisions(),
                timeline(),
                dlq());
    }
}
