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
 */
public record LiveSettings(
        long maxFutureSkewMs, long maxEventAgeMs, long inputRetentionMs, boolean wallClockOutputTimes) {

    /** No wall-clock check, outputs stamped with event time: deterministic (replay and tests). */
    public static final LiveSettings OFF = new LiveSettings(0, 0, 0, false);

    public LiveSettings {
        if (maxFutureSkewMs < 0 || maxEventAgeMs < 0 || inputRetentionMs < 0) {
            throw new IllegalArgumentException("LiveSettings: durations must be >= 0");
        }
    }
}
