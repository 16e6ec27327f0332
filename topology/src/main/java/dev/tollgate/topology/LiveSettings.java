package dev.tollgate.topology;

/**
 * What a live run checks and stamps against the wall clock. Replay and the TopologyTestDriver tests run with
 * {@link #OFF}, so they stay a pure function of the input events; the service turns everything on.
 *
 * @param maxFutureSkewMs      an input event more than this ahead of the wall clock is dead-lettered and does not
 *                             advance any watermark; 0 = no check
 * @param maxEventAgeMs        an input event older than this (wall clock − event time) is dead-lettered; 0 = no
 *                             check
 * @param inputRetentionMs     the input topics' retention: events older than this are evaluated, counted as
 *                             stale and warned about (rate-limited); 0 = no warning
 * @param wallClockOutputTimes whether gate results, decisions and timeline minutes are published with the wall
 *                             clock as record timestamp (their {@code evaluatedAt}/{@code decidedAt}/window fields
 *                             keep event time), so the broker's time-based retention keeps them for the topic's
 *                             retention however old their events are; false: the event time (replay, tests)
 * @param sourceIdleMs         per-source watermarks: each input partition of a task holds ticks back until it has
 *                             passed them, unless it delivered nothing for this long (wall clock); 0 = off, for
 *                             input that arrives in event-time order (replay, tests)
 * @param sourceLag            the consumer's lag per input partition: a silent partition is idle only once caught up
 */
public record LiveSettings(
        long maxFutureSkewMs,
        long maxEventAgeMs,
        long inputRetentionMs,
        boolean wallClockOutputTimes,
        long sourceIdleMs,
        SourceLag sourceLag) {

    /** Default {@link #sourceIdleMs()} of a live run: a second. */
    public static final long DEFAULT_SOURCE_IDLE_MS = 1_000L;

    /** No wall-clock check, outputs stamped with event time, no idleness: deterministic (replay and tests). */
    public static final LiveSettings OFF = new LiveSettings(0, 0, 0, false, 0, SourceLag.CAUGHT_UP);

    /** As the full constructor, with per-source watermarks off. */
    public LiveSettings(long maxFutureSkewMs, long maxEventAgeMs, long inputRetentionMs, boolean wallClockOutputTimes) {
        this(maxFutureSkewMs, maxEventAgeMs, inputRetentionMs, wallClockOutputTimes, 0, SourceLag.CAUGHT_UP);
    }

    /** As the full constructor, every partition taken as caught up (no consumer to ask: tests). */
    public LiveSettings(
            long maxFutureSkewMs,
            long maxEventAgeMs,
            long inputRetentionMs,
            boolean wallClockOutputTimes,
            long sourceIdleMs) {
        this(maxFutureSkewMs, maxEventAgeMs, inputRetentionMs, wallClockOutputTimes, sourceIdleMs, SourceLag.CAUGHT_UP);
    }

    public LiveSettings {
        java.util.Objects.requireNonNull(sourceLag, "sourceLag");
        if (maxFutureSkewMs < 0 || maxEventAgeMs < 0 || inputRetentionMs < 0 || sourceIdleMs < 0) {
            throw new IllegalArgumentException("LiveSettings: durations must be >= 0");
        }
    }
}
