package dev.tollgate.topology;

/**
 * How far the current stream thread's consumer is behind the end of an input partition, as of its last fetch
 * (KafkaConsumer#currentLag). The evaluator's per-source watermarks let a silent partition stop holding ticks back
 * only once nothing more is waiting for it on the broker: a partition that is merely not fetched yet (a catch-up,
 * a burst, after a pause of the process) is not idle. Called on the stream thread.
 */
@FunctionalInterface
public interface SourceLag {
    /** What {@link #lag} answers when the consumer does not know yet. */
    long UNKNOWN = -1;

    /** For input known to be fully delivered (replay, the tests): every partition is caught up. */
    SourceLag CAUGHT_UP = (topic, partition) -> 0;

    /** Records of {@code topic}/{@code partition} on the broker not fetched yet, or {@link #UNKNOWN}. */
    long lag(String topic, int partition);
}
