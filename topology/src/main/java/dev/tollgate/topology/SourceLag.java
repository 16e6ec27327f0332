package dev.tollgate.topology;

/**
 * How far the current stream thread's consumer is behind the end of an input partition. The evaluator's per-source
 * watermarks let a silent partition stop holding ticks back only once nothing more is waiting for it on the broker:
 * a partition that is merely not fetched yet (a catch-up, a burst, after a pause of the process) is not idle. Called
 * on the stream thread.
 */
@FunctionalInterface
public interface SourceLag {
    /** What {@link #lag} answers when the consumer does not know yet. */
    long UNKNOWN = -1;

    /** For input known to be fully delivered (replay, the tests): every partition is caught up. */
    SourceLag CAUGHT_UP = (topic, partition) -> 0;

    /** Records of {@code topic}/{@code partition} on the broker not fetched yet, or {@link #UNKNOWN}. */
    long lag(String topic, int partition);

    /**
     * As {@link #lag}, but only from what the broker said at or after {@code sinceWallClockMs}: a lag of 0 learnt
     * before a partition went silent says nothing about records produced since (measured: with the consumer's
     * own, fetch-time lag a 4x burst into a busy service counted 120,815 events late, because the thread processed
     * other partitions' buffered records for seconds without fetching). {@link #UNKNOWN} when there is no such
     * answer yet. By default the plain lag (sources that are always current, the tests).
     */
    default long lagSince(String topic, int partition, long sinceWallClockMs) {
        return lag(topic, partition);
    }
}
