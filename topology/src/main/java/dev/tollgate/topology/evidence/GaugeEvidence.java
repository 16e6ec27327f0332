package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.Versions;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Gauges of one revision: the latest {@code warm_instances} and {@code expected_p50_load} samples. They are
 * levels, not events, so a merge keeps the newest sample instead of adding.
 */
public final class GaugeEvidence implements EvidenceConcern<GaugeEvidence> {
    static final int TAG = 6;
    static final int VERSION = 1;

    /** event time of the latest warm_instances sample; Long.MIN_VALUE when none. */
    public long warmAt = Long.MIN_VALUE;

    public double warmInstances = Double.NaN;
    /** event time of the latest expected_p50_load sample; Long.MIN_VALUE when none. */
    public long expectedLoadAt = Long.MIN_VALUE;

    public double expectedLoad = Double.NaN;

    /** Records a warm_instances sample if it is the newest seen. */
    public void warm(long at, double value) {
        if (at >= warmAt) {
            warmAt = at;
            warmInstances = value;
        }
    }

    /** Records an expected_p50_load sample if it is the newest seen. */
    public void expectedLoad(long at, double value) {
        if (at >= expectedLoadAt) {
            expectedLoadAt = at;
            expectedLoad = value;
        }
    }

    @Override
    public void merge(GaugeEvidence o) {
        if (o.warmAt >= warmAt && o.warmAt != Long.MIN_VALUE) {
            warmAt = o.warmAt;
            warmInstances = o.warmInstances;
        }
        if (o.expectedLoadAt >= expectedLoadAt && o.expectedLoadAt != Long.MIN_VALUE) {
            expectedLoadAt = o.expectedLoadAt;
            expectedLoad = o.expectedLoad;
        }
    }

    @Override
    public boolean isEmpty() {
        return warmAt == Long.MIN_VALUE
                && Double.isNaN(warmInstances)
                && expectedLoadAt == Long.MIN_VALUE
                && Double.isNaN(expectedLoad);
    }

    @Override
    public int tag() {
        return TAG;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(warmAt);
        out.writeDouble(warmInstances);
        out.writeLong(expectedLoadAt);
        out.writeDouble(expectedLoad);
    }

    static GaugeEvidence readFrom(DataInput in, int version) throws IOException {
        Versions.require("gauge evidence", version, VERSION);
        GaugeEvidence e = new GaugeEvidence();
        e.warmAt = in.readLong();
        e.warmInstances = in.readDouble();
        e.expectedLoadAt = in.readLong();
        e.expectedLoad = in.readDouble();
        return e;
    }
}
