package dev.tollgate.router;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Kafka headers the router puts on the RolloutEvents it publishes: they make {@code tollgate.rollouts} the
 * router's own ledger (which decision each shift applied, which HAProxy servers it drives), so a restarted
 * router converges from the topic alone and never applies a decision twice.
 */
public final class RouterHeaders {
    /** Id of the GateDecision the event applied (absent on STARTED). */
    public static final String DECISION_ID = "tollgate-decision-id";
    /** HAProxy backend of the release. */
    public static final String BACKEND = "tollgate-router-backend";
    /** HAProxy server of the baseline. */
    public static final String BASELINE_SERVER = "tollgate-router-baseline-server";
    /** HAProxy server of the canary. */
    public static final String CANARY_SERVER = "tollgate-router-canary-server";
    /** Batch policy in force from this event on (PAUSE_HEAVY during the 1–25 % steps, else NORMAL). */
    public static final String BATCH_POLICY = "tollgate-batch-policy";

    private RouterHeaders() {}

    /** The last value of a header as UTF-8, or null. */
    public static String get(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Adds a header when the value is not null. */
    public static void put(Headers headers, String key, String value) {
        if (value != null) {
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
