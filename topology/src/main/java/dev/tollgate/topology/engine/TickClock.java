package dev.tollgate.topology.engine;

/**
 * Job: event-time progress of a service. The watermark is the smaller of the service's largest event time and the
 * time every active input source has reached (per-source watermarks, kept by the caller), minus {@code graceMs};
 * tick {@code k} (event time {@code [k·tickMs, (k+1)·tickMs)}) is sealed once the watermark reaches its end.
 * Ticks are sealed in order. While a step is evaluated every tick is sealed (and evaluated), so which ticks are
 * evaluated depends on the events only, never on how far the watermark moved at a time: live and replay decide
 * alike. Between steps runs of ticks with nothing to do are skipped, so a quiet service costs nothing per tick.
 */
final class TickClock {
    /** Timeline windows are one minute of event time. */
    static final long MINUTE_MS = 60_000L;

    /** Seals one tick. */
    @FunctionalInterface
    interface Sealer {
        /** Seals tick {@code k}; returns whether anything was emitted. */
        boolean seal(long k);
    }

    private final long graceMs;
    private final long tickMs;

    TickClock(long graceMs, long tickMs) {
        this.graceMs = graceMs;
        this.tickMs = tickMs;
    }

    long tickMs() {
        return tickMs;
    }

    long tickOf(long ts) {
        return Math.floorDiv(ts, tickMs);
    }

    /**
     * Whether tick {@code tick} was sealed already (its events are late). Before the first seal nothing is: the first
     * tick is chosen only when sealing starts (the earliest tick holding evidence or a rollout event), so an event
     * of one topic that arrives before older events of another (a catch-up, a burst) does not make them late.
     */
    boolean sealed(ClockState c, long tick) {
        return c.nextTick != Long.MIN_VALUE && tick < c.nextTick;
    }

    void advanceMaxEventTime(ClockState c, long ts) {
        c.maxEventTime = Math.max(c.maxEventTime, ts);
    }

    /**
     * Whether {@link #advance} might seal a tick now: false when the next tick is known and not sealable yet, which is
     * what most events find (a cheap check before the evaluator builds its sealer).
     */
    boolean mightSeal(ServiceState st, long sourceTime) {
        ClockState c = st.clock;
        if (c.maxEventTime == Long.MIN_VALUE || sourceTime == Long.MIN_VALUE) {
            return false;
        }
        if (c.nextTick == Long.MIN_VALUE) {
            return true;
        }
        long watermark = Math.min(c.maxEventTime, sourceTime) - graceMs;
        return c.nextTick <= Math.floorDiv(watermark, tickMs) - 1;
    }

    /** Seals every tick the watermark has passed, in order; returns whether anything was emitted. */
    boolean advance(ServiceState st, long sourceTime, Sealer sealer) {
        ClockState c = st.clock;
        if (c.maxEventTime == Long.MIN_VALUE || sourceTime == Long.MIN_VALUE) {
            return false;
        }
        long watermark = Math.min(c.maxEventTime, sourceTime) - graceMs;
        long lastSealable = Math.floorDiv(watermark, tickMs) - 1; // tick k is sealed when (k+1)*T <= watermark
        if (c.nextTick == Long.MIN_VALUE) {
            long first = nextInterestingTick(st);
            if (first == Long.MAX_VALUE || first > lastSealable) {
                return false;
            }
            c.nextTick = first;
        }
        boolean emitted = false;
        while (c.nextTick <= lastSealable) {
            long k = c.nextTick;
            long nextEventTick = st.rollout.evaluating() ? k : nextInterestingTick(st);
            if (nextEventTick > k && nextEventTick > lastSealable) {
                // nothing until the watermark: jump to the last sealable tick and evaluate there once
                k = lastSealable;
            } else if (nextEventTick > k) {
                k = nextEventTick;
            }
            emitted |= sealer.seal(k);
            c.nextTick = k + 1;
        }
        return emitted;
    }

    /** The next tick at which something happens: open evidence, a rollout event, or a minute closing. */
    private long nextInterestingTick(ServiceState st) {
        long next = Long.MAX_VALUE;
        if (!st.openTicks.isEmpty()) {
            next = st.openTicks.firstKey();
        }
        if (!st.rollout.pending.isEmpty()) {
            // a rollout at ts takes effect at the tick starting at or after ts
            long ts = st.rollout.pending.get(0).getTimestamp();
            next = Math.min(next, Math.floorDiv(ts + tickMs - 1, tickMs));
        }
        if (!st.minutes.isEmpty()) {
            long minuteEnd = st.minutes.firstKey() + MINUTE_MS;
            next = Math.min(next, Math.floorDiv(minuteEnd, tickMs) - 1);
        }
        return next;
    }
}
