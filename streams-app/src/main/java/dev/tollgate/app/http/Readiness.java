package dev.tollgate.app.http;

import java.util.Set;

/**
 * Readiness of the instance from the Kafka Streams state. Two different questions:
 *
 * <ul>
 *   <li>{@link #ready()}: whether the instance should receive API traffic (the Kubernetes readiness probe,
 *       {@code /health/ready}). True before Kafka Streams exists and in {@code CREATED}, {@code REBALANCING} and
 *       {@code RUNNING}: while it rebalances or restores, the API still answers (a verdict query says PENDING,
 *       other status queries 503 "retry"), so controllers get an answer they can retry instead of a connection
 *       refused when every pod rebalances at once. False in {@code PENDING_SHUTDOWN}, {@code NOT_RUNNING},
 *       {@code PENDING_ERROR} and {@code ERROR}: the instance is going away.</li>
 *   <li>{@link #processing()}: whether Kafka Streams is {@code RUNNING} ({@code /health/streams}): for people,
 *       dashboards and scripts that wait for processing, not for a probe.</li>
 * </ul>
 *
 * <p>While the Kafka cluster does not answer, the service reports {@link #BROKER_UNREACHABLE} instead of
 * {@code RUNNING}: Kafka Streams itself stays RUNNING then (its clients retry), but nothing is decided. The
 * instance still serves the API from its local state (ready), and is not processing ({@code /health/streams}
 * 503) until the cluster is back, without a restart. Pulling every pod out of the Service when the shared
 * cluster is away would turn answers controllers can retry into connection errors.
 *
 * @param ready      whether the instance serves the API
 * @param processing whether Kafka Streams is RUNNING
 * @param state      the state name reported ({@code NOT_STARTED} when there is no Kafka Streams yet)
 */
public record Readiness(boolean ready, boolean processing, String state) {
    /** State reported before Kafka Streams exists. */
    public static final String NOT_STARTED = "NOT_STARTED";

    /** State reported while Kafka Streams runs but the Kafka cluster does not answer. */
    public static final String BROKER_UNREACHABLE = "BROKER_UNREACHABLE";

    private static final Set<String> SERVING =
            Set.of(NOT_STARTED, "CREATED", "REBALANCING", "RUNNING", BROKER_UNREACHABLE);

    /** Readiness of the given Kafka Streams state name (null: not started). */
    public static Readiness of(String streamsState) {
        String s = streamsState == null ? NOT_STARTED : streamsState;
        return new Readiness(SERVING.contains(s), "RUNNING".equals(s), s);
    }
}
