package dev.tollgate.topology.processor;

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
 * <p>Per record: one map lookup and a scan of the task's few sources; no allocation.
 */
final class SourceWatermarks {
    /** The task's source time when no source holds anything back. */
    static final long NONE = Long.MAX_VALUE;

    private static final class Source {
        long maxEventTime = Long.MIN_VALUE;
        long lastRecordWallClock;
    }

    private final long idleMs;
    private final long tickMs;
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
        if (idleMs <= 0) {
            throw new IllegalArgumentException("idleMs must be > 0, was " + idleMs);
        }
        this.idleMs = idleMs;
        this.tickMs = tickMs;
        for (String topic : topics) {
            source(topic).lastRecordWallClock = wallClock;
        }
    }

    private Source source(String topic) {
        Source s = byTopic.get(topic);
        if (s == null) {
            s = new Source();
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
    }

    /** The event time every active source has reached; {@link #NONE} when every source is idle. */
    long sourceTime(long wallClock) {
        long min = NONE;
        for (Source s : sources) {
            if (wallClock - s.lastRecordWallClock < idleMs && s.maxEventTime < min) {
                min = s.maxEventTime;
            }
        }
        return min;
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
