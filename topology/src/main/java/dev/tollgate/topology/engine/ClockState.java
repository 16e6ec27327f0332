package dev.tollgate.topology.engine;

import dev.tollgate.topology.codec.Versions;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Event-time progress of one service: the largest event time seen and the first tick not yet sealed. */
public final class ClockState {
    static final int TAG = 1;
    static final int VERSION = 1;

    /** Largest event time seen for the service; Long.MIN_VALUE before the first event. */
    long maxEventTime = Long.MIN_VALUE;
    /** Index of the first tick not yet sealed; Long.MIN_VALUE before the first seal (nothing is late yet). */
    long nextTick = Long.MIN_VALUE;

    /** Largest event time seen. */
    public long maxEventTime() {
        return maxEventTime;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(maxEventTime);
        out.writeLong(nextTick);
    }

    static ClockState readFrom(DataInput in, int version) throws IOException {
        Versions.require("clock state", version, VERSION);
        ClockState c = new ClockState();
        c.maxEventTime = in.readLong();
        c.nextTick = in.readLong();
        return c;
    }
}
