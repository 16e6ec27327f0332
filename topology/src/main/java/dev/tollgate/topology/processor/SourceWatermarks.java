package dev.tollgate.topology.processor;

import dev.tollgate.topology.SourceLag;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Job: Tollgate's own cross-topic event-time progress for one stream task (design.md, "per-source watermarks").
 * Each input source of the task (one partition of each input topic) has reached the largest event time it
 * delivered; the task's source time is the smallest of those over the <em>active</em> sources, and the evaluator
 * seals no tick past it. A source that delivered nothing for {@code idleMs} of wall clock is idle and holds nothing
 * back; its next record makes it active again. A source not seen yet counts as active at {@code MIN} (it holds
 * everything) until it has been quiet for {@code idleMs}.
 *
 * <p>Idleness is only judged while the task is receiving records: from its first record, and after a pause of the
 * whole task longer than {@code idleMs} (the process was stopped, the broker was away, a long GC or rebalance), every
 * source gets a fresh {@code idleMs} to deliver what it has, so a backlog fetched partition by partition is not
 * counted late. (Measured: judging idleness from the task's initialization instead let a catch-up that started more
 * than a second after it, on a loaded machine, count a whole rollout's RolloutEvents late.)
 *
 * <p>Also remembers which services are ahead of the source time (their own events would let them seal more), so
 * the processor can advance them when the source time moves, without waiting for their next event.
 *
 * <p>A silent partition counts as idle only once the broker said, after it went silent, that nothing more of it is
 * waiting ({@link SourceLag#lagSince} 0): in a catch-up or a burst a partition can go without a fetched record for
 * seconds while the others race ahead, and taking it as idle then counted its evidence late (measured: 90,112 of
 * 111,725 events of a backlog catch-up on silence alone; 120,815 events of a 4x burst on the consumer's fetch-time
 * lag). After {@value #MAX_HOLD_FACTOR} × {@code idleMs} of silence it is idle whatever the lag says.
 *
 * <p>Per record: one map lookup and a scan of the task's few sources; no allocation.
 */
final class SourceWatermarks {
    /** The task's source time when no source holds anything back. */
    static final long NONE = Long.MAX_VALUE;

    private static final class Source {
        final String topic;
        long maxEventTime = Long.MIN_VALUE;
        long lastRecordWallClock;
        /** Wall clock of the last lag answer, and whether it said idle (asked at most every {@link #recheckMs}). */
        long idleCheckedAt = Long.MIN_VALUE;

        boolean idleVerdict;

        Source(String topic) {
            this.topic = topic;
        }
    }

    /**
     * A silent partition whose lag stays unknown (or above 0) this long is taken as idle all the same, so a consumer
     * that cannot tell never holds the task back for good.
     */
    static final long MAX_HOLD_FACTOR = 30;

    private final long idleMs;
    /** How long an idleness verdict from the lag is reused: the lag is not free (a map lookup, a consumer call). */
    private final long recheckMs;

    private final long tickMs;
    private final int partition;
    private final SourceLag lag;
    private final Map<String, Source> byTopic = new HashMap<>();
    private Source[] sources = new Source[0];
    private long lastRecordWallClock = Long.MIN_VALUE;
    private long lastSweptTick = Long.MIN_VALUE;
    private Set<String> ahead = new LinkedHashSet<>();
    private Set<String> spare = new LinkedHashSet<>();

    /**
     * @param idleMs     how long a source may deliver nothing before it stops holding ticks back (&gt; 0)
     * @param tickMs     the evaluation tick: the processor sweeps waiting services once per tick of source time
     * @param topics     the task's input topics, each expected to deliver
     * @param wallClock  now
     */
    SourceWatermarks(long idleMs, long tickMs, Collection<String> topics, long wallClock) {
        this(idleMs, tickMs, topics, wallClock, 0, SourceLag.CAUGHT_UP);
    }

    /**
     * @param partition the task's partition of each input topic
     * @param lag       the consumer's lag per input partition: a silent partition with records still waiting on the
     *                  broker (a catch-up, a burst) is not idle
     */
    SourceWatermarks(
            long idleMs, long tickMs, Collection<String> topics, long wallClock, int partition, SourceLag lag) {
        if (idleMs <= 0) {
            throw new IllegalArgumentException("idleMs must be > 0, was " + idleMs);
        }
        this.idleMs = idleMs;
        this.recheckMs = Math.max(1, Math.min(100, idleMs / 10));
        this.tickMs = tickMs;
        this.partition = partition;
        this.lag = lag;
        for (String topic : topics) {
            source(topic).lastRecordWallClock = wallClock;
        }
    }

    private Source source(String topic) {
        Source s = byTopic.get(topic);
        if (s == null) {
            s = new Source(topic);
            byTopic.put(topic, s);
            Source[] grown = new Source[sources.length + 1];
            System.arraycopy(sources, 0, grown, 0, sources.length);
            grown[sources.length] = s;
            sources = grown;
        }
        return s;
    }

    /** Notes an accepted record of {@code topic} at event time {@code eventTime}, received at {@code wallClock}. */
    void observe(String topic, long eventTime, long wallClock) {
        if (lastRecordWallClock == Long.MIN_VALUE || wallClock - lastRecordWallClock > idleMs) {
            // the task's first record, or the whole task received nothing for a while (a slow start or restore, a
            // pause): nobody's silence so far says anything about its source
            for (Source s : sources) {
                s.lastRecordWallClock = wallClock;
            }
        }
        lastRecordWallClock = wallClock;
        Source s = source(topic == null ? "" : topic);
        if (eventTime > s.maxEventTime) {
            s.maxEventTime = eventTime;
        }
        s.lastRecordWallClock = wallClock;
        s.idleCheckedAt = Long.MIN_VALUE;
    }

    /** The event time every active source has reached; {@link #NONE} when every source is idle. */
    long sourceTime(long wallClock) {
        long min = NONE;
        for (Source s : sources) {
            if (s.maxEventTime < min && !idle(s, wallClock)) {
                min = s.maxEventTime;
            }
        }
        return min;
    }

    /**
     * Silent for idle.ms with nothing waiting for it on the broker as of an answer obtained after it went silent
     * (or silent far longer: a safety valve).
     */
    private boolean idle(Source s, long wallClock) {
        long silentMs = wallClock - s.lastRecordWallClock;
        if (silentMs < idleMs) {
            return false;
        }
        if (silentMs >= MAX_HOLD_FACTOR * idleMs) {
            return true;
        }
        if (s.idleCheckedAt != Long.MIN_VALUE && wallClock - s.idleCheckedAt < recheckMs) {
            return s.idleVerdict;
        }
        s.idleCheckedAt = wallClock;
        s.idleVerdict = lag.lagSince(s.topic, partition, s.lastRecordWallClock) == 0;
        return s.idleVerdict;
    }

    /**
     * Whether {@code topic}'s partition of this task has nothing waiting on the broker, as of an answer obtained at
     * or after {@code sinceWallClock} (a service silent since then is stalled, not just behind a backlog).
     */
    boolean caughtUp(String topic, long sinceWallClock) {
        return lag.lagSince(topic, partition, sinceWallClock) == 0;
    }

    /** Remembers that {@code service} could seal more than {@code sourceTime} allowed. */
    void ahead(String service) {
        ahead.add(service);
    }

    /**
     * The services to advance now that the source time is {@code sourceTime}, or an empty set when it has not
     * entered a new tick since the last sweep. The caller re-adds those still ahead.
     */
    Set<String> sweep(long sourceTime) {
        spare.clear();
        if (ahead.isEmpty() || sourceTime == Long.MIN_VALUE) {
            return spare;
        }
        if (sourceTime != NONE) {
            // (every source idle: the services' own events are the only limit, sweep them all)
            long tick = Math.floorDiv(sourceTime, tickMs);
            if (tick <= lastSweptTick) {
                return spare;
            }
            lastSweptTick = tick;
        }
        Set<String> due = ahead;
        ahead = spare;
        spare = due;
        return due;
    }
}
