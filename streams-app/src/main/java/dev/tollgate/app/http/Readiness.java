package dev.tollgate.app.http;

/**
 * Readiness of the service from the Kafka Streams state: ready only while {@code RUNNING}. Every other state
 * ({@code CREATED}, {@code REBALANCING}, {@code PENDING_SHUTDOWN}, {@code NOT_RUNNING}, {@code PENDING_ERROR},
 * {@code ERROR}) or no Kafka Streams at all is not ready.
 *
 * @param ready whether the instance is ready to serve
 * @param state the state name reported ({@code NOT_STARTED} when there is no Kafka Streams yet)
 */
public record Readiness(boolean ready, String state) {
    /** State reported before Kafka Streams exists. */
    public static final String NOT_STARTED = "NOT_STARTED";

    /** Readiness of the given Kafka Streams state name (null: not started). */
    public static Readiness of(String streamsState) {
        String s = streamsState == null ? NOT_STARTED : streamsState;
        return new Readiness("RUNNING".equals(s), s);
    }
}
