package dev.tollgate.topology.evidence;

import dev.tollgate.topology.codec.StateIo;
import dev.tollgate.topology.stats.RankedSample;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A mergeable quantile sketch with bounded relative error (the DDSketch construction of Masson, Rim and
 * Lee, VLDB 2019): a positive value x falls into bucket {@code ceil(log_gamma(x))} with
 * {@code gamma = (1 + a) / (1 - a)}; a bucket's representative {@code 2 gamma^i / (gamma + 1)} is within
 * relative error {@code a} of every value in it, so every quantile is too. Counts live in one dense
 * {@code long[]} window of bucket indexes that grows on demand; values at or below {@link #MIN_VALUE} count
 * in a zero bucket. State stays bounded: {@link #MAX_BUCKETS} buckets cover 1e-3 ms .. days at a = 0.5 %.
 *
 * <p>Not thread-safe. Merging two sketches gives exactly the sketch of the union of their inputs.
 */
public final class LatencySketch implements RankedSample {
    /** Relative accuracy of every quantile: 0.5 %, well inside the contract's 1 %. */
    public static final double RELATIVE_ACCURACY = 0.005;
    /** Values at or below this (ms) count as zero. */
    public static final double MIN_VALUE = 1e-3;
    /** Hard bound on buckets; beyond it the lowest buckets collapse (keeps high quantiles exact). */
    public static final int MAX_BUCKETS = 4096;

    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LN_GAMMA = Math.log(GAMMA);

    private long[] counts = new long[0];
    private int offset; // bucket index of counts[0]
    private long zeroCount;
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    /** Adds one value (negative and NaN values count as zero). */
    public void add(double value) {
        if (!(value > MIN_VALUE)) {
            zeroCount++;
            value = value > 0 ? value : 0;
        } else {
            addToBucket(index(value), 1);
        }
        count++;
        sum += value;
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
    }

    /** Adds every value of {@code other} to this sketch. */
    public void merge(LatencySketch other) {
        if (other.count == 0) {
            return;
        }
        for (int i = 0; i < other.counts.length; i++) {
            if (other.counts[i] != 0) {
                addToBucket(other.offset + i, other.counts[i]);
            }
        }
        zeroCount += other.zeroCount;
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** Number of values added. */
    @Override
    public long count() {
        return count;
    }

    /** Mean of the values added, or NaN when empty. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The relative accuracy every quantile is guaranteed within. */
    @Override
    public double relativeAccuracy() {
        return RELATIVE_ACCURACY;
    }

    /**
     * The q-quantile (0 ≤ q ≤ 1): the value of rank {@code floor(q (n − 1))} in sorted order, within
     * relative error {@link #RELATIVE_ACCURACY}. NaN when empty.
     */
    @Override
    public double quantile(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        if (q <= 0) {
            return min;
        }
        if (q >= 1) {
            return max;
        }
        long rank = (long) Math.floor(q * (count - 1));
        if (rank < zeroCount) {
            return 0;
        }
        long seen = zeroCount;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen > rank) {
                double v = 2 * Math.pow(GAMMA, offset + i) / (GAMMA + 1);
                return Math.max(min, Math.min(max, v));
            }
        }
        return max;
    }

    /** Number of values at or below {@code x} as the sketch sees them (bucket resolution). */
    public long countAtOrBelow(double x) {
        if (x < 0) {
            return 0;
        }
        long n = zeroCount;
        if (x <= MIN_VALUE) {
            return n;
        }
        int idx = index(x);
        for (int i = 0; i < counts.length && offset + i <= idx; i++) {
            n += counts[i];
        }
        return n;
    }

    /** A deep copy. */
    public LatencySketch copy() {
        LatencySketch c = new LatencySketch();
        c.counts = counts.clone();
        c.offset = offset;
        c.zeroCount = zeroCount;
        c.count = count;
        c.sum = sum;
        c.min = min;
        c.max = max;
        return c;
    }

    private static int index(double value) {
        return (int) Math.ceil(Math.log(value) / LN_GAMMA);
    }

    private void addToBucket(int index, long n) {
        if (counts.length == 0) {
            counts = new long[16];
            offset = index - 8;
        }
        int pos = index - offset;
        if (pos < 0 && counts.length == MAX_BUCKETS) {
            counts[0] += n; // already at the bound: low values collapse into the lowest bucket, no copy
            return;
        }
        if (pos < 0 || pos >= counts.length) {
            grow(index);
            pos = Math.max(0, index - offset);
        }
        counts[pos] += n;
    }

    private void grow(int index) {
        int lo = Math.min(offset, index);
        int hi = Math.max(offset + counts.length - 1, index);
        if (hi - lo + 1 > MAX_BUCKETS) {
            lo = hi - MAX_BUCKETS + 1; // collapse the lowest buckets: high quantiles stay exact
        }
        int newLen = Math.min(MAX_BUCKETS, Math.max(hi - lo + 1, counts.length * 2));
        // leave the slack on the side we grew towards
        int newOffset = index < offset ? hi - newLen + 1 : lo;
        long[] next = new long[newLen];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                next[Math.max(0, offset + i - newOffset)] += counts[i];
            }
        }
        counts = next;
        offset = newOffset;
    }

    /** Writes the sketch compactly: only the occupied window of buckets, counts as var-longs. */
    public void writeTo(DataOutput out) throws IOException {
        int first = 0;
        int last = counts.length - 1;
        while (first <= last && counts[first] == 0) {
            first++;
        }
        while (last >= first && counts[last] == 0) {
            last--;
        }
        int len = Math.max(0, last - first + 1);
        StateIo.writeLong(out, count);
        if (count == 0) {
            return;
        }
        StateIo.writeLong(out, zeroCount);
        out.writeDouble(sum);
        out.writeDouble(min);
        out.writeDouble(max);
        StateIo.writeInt(out, offset + first);
        StateIo.writeInt(out, len);
        for (int i = first; i <= last; i++) {
            StateIo.writeLong(out, counts[i]);
        }
    }

    /** Reads a sketch written by {@link #writeTo(DataOutput)}. */
    public static LatencySketch readFrom(DataInput in) throws IOException {
        LatencySketch s = new LatencySketch();
        s.count = StateIo.readLong(in);
        if (s.count == 0) {
            return s;
        }
        s.zeroCount = StateIo.readLong(in);
        s.sum = in.readDouble();
        s.min = in.readDouble();
        s.max = in.readDouble();
        s.offset = StateIo.readInt(in);
        int len = StateIo.readInt(in);
        s.counts = new long[len];
        for (int i = 0; i < len; i++) {
            s.counts[i] = StateIo.readLong(in);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LatencySketch other)) {
            return false;
        }
        return count == other.count
                && zeroCount == other.zeroCount
                && Double.compare(sum, other.sum) == 0
                && Arrays.equals(trimmed(), other.trimmed());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Arrays.hashCode(trimmed());
    }

    private long[] trimmed() {
        // canonical form: (first index, counts...) so equal contents compare equal whatever the window
        int first = 0;
        int last = counts.length - 1;
        while (first <= last && counts[first] == 0) {
            first++;
        }
        while (last >= first && counts[last] == 0) {
            last--;
        }
        long[] t = new long[Math.max(0, last - first + 1) + 1];
        t[0] = offset + first;
        System.arraycopy(counts, first, t, 1, t.length - 1);
        return t;
    }
}
