package dev.tollgate.topology.math;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Mergeable mean and variance (Welford's update; Chan, Golub and LeVeque's pairwise merge), e.g. for the
 * mean ΔS of a revision over the probe set.
 *
 * <p>Non-finite values are ignored. Not thread-safe (one instance per aggregate); {@link #add} does not
 * allocate. Binary form ({@link #writeTo}, big-endian): a version byte ({@value #FORMAT_VERSION}), the
 * count as a long, then, when the count is positive, the mean and {@code M2 = Σ(x - mean)²} as doubles
 * (9 or 25 bytes).
 */
public final class MeanAccumulator {

    /** Version byte of the binary form. */
    public static final byte FORMAT_VERSION = 1;

    private static final int EMPTY_SIZE = 1 + Long.BYTES;
    private static final int FULL_SIZE = EMPTY_SIZE + 2 * Double.BYTES;

    private long n;
    private double mean;
    private double m2;

    /** An empty accumulator. */
    public MeanAccumulator() {
    }

    /**
     * Adds one value.
     *
     * @param x the value
     * @return false (and nothing changes) when {@code x} is not finite
     */
    public boolean add(double x) {
        if (!Double.isFinite(x)) {
            return false;
        }
        n++;
        double d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
        return true;
    }

    /**
     * Merges another accumulator into this one; {@code other} is not changed.
     *
     * @param other the other accumulator, not null
     * @return this accumulator
     */
    public MeanAccumulator merge(MeanAccumulator other) {
        long nb = other.n;
        if (nb == 0) {
            return this;
        }
        double bMean = other.mean;
        double bM2 = other.m2;
        if (n == 0) {
            n = nb;
            mean = bMean;
            m2 = bM2;
            return this;
        }
        long total = n + nb;
        double d = bMean - mean;
        mean += d * ((double) nb / (double) total);
        m2 += bM2 + d * d * ((double) n * (double) nb / (double) total);
        n = total;
        return this;
    }

    /**
     * Number of values added (and merged).
     *
     * @return the count
     */
    public long count() {
        return n;
    }

    /**
     * Whether no value was added.
     *
     * @return true when {@link #count()} is 0
     */
    public boolean isEmpty() {
        return n == 0;
    }

    /**
     * The mean.
     *
     * @return the mean, NaN when empty
     */
    public double mean() {
        return n == 0 ? Double.NaN : mean;
    }

    /**
     * The sum of the values, {@code mean · n}.
     *
     * @return the sum, 0 when empty
     */
    public double sum() {
        return n == 0 ? 0.0 : mean * n;
    }

    /**
     * Sample variance {@code M2 / (n - 1)}.
     *
     * @return the variance, NaN with fewer than 2 values
     */
    public double variance() {
        return n < 2 ? Double.NaN : Math.max(0.0, m2) / (n - 1);
    }

    /**
     * Sample standard deviation.
     *
     * @return the standard deviation, NaN with fewer than 2 values
     */
    public double standardDeviation() {
        return Math.sqrt(variance());
    }

    /**
     * Standard error of the mean, {@code sqrt(variance / n)}.
     *
     * @return the standard error, NaN with fewer than 2 values
     */
    public double standardError() {
        return n < 2 ? Double.NaN : Math.sqrt(variance() / n);
    }

    /**
     * An independent copy.
     *
     * @return a new accumulator with the same state
     */
    public MeanAccumulator copy() {
        return new MeanAccumulator().merge(this);
    }

    /**
     * Size of the binary form.
     *
     * @return 9 when empty, else 25
     */
    public int serializedSize() {
        return n == 0 ? EMPTY_SIZE : FULL_SIZE;
    }

    /**
     * Writes the binary form (see the class documentation).
     *
     * @param out the sink
     * @throws IOException from the sink
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(n);
        if (n > 0) {
            out.writeDouble(mean);
            out.writeDouble(m2);
        }
    }

    /**
     * Reads the binary form written by {@link #writeTo(DataOutput)}.
     *
     * @param in the source
     * @return the accumulator
     * @throws IOException from the source, or when the version or count is invalid
     */
    public static MeanAccumulator readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("unknown MeanAccumulator format version " + version);
        }
        long count = in.readLong();
        if (count < 0) {
            throw new IOException("negative MeanAccumulator count " + count);
        }
        MeanAccumulator acc = new MeanAccumulator();
        if (count > 0) {
            acc.n = count;
            acc.mean = in.readDouble();
            acc.m2 = in.readDouble();
        }
        return acc;
    }

    /**
     * The binary form as a new array (same bytes as {@link #writeTo(DataOutput)}).
     *
     * @return the bytes
     */
    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(serializedSize());
        buffer.put(FORMAT_VERSION).putLong(n);
        if (n > 0) {
            buffer.putDouble(mean).putDouble(m2);
        }
        return buffer.array();
    }

    /**
     * Reads the binary form from an array.
     *
     * @param bytes bytes from {@link #toBytes()} or {@link #writeTo(DataOutput)}
     * @return the accumulator
     * @throws IllegalArgumentException when the bytes are truncated, too long or invalid
     */
    public static MeanAccumulator fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            byte version = buffer.get();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown MeanAccumulator format version " + version);
            }
            long count = buffer.getLong();
            if (count < 0) {
                throw new IllegalArgumentException("negative MeanAccumulator count " + count);
            }
            MeanAccumulator acc = new MeanAccumulator();
            if (count > 0) {
                acc.n = count;
                acc.mean = buffer.getDouble();
                acc.m2 = buffer.getDouble();
            }
            if (buffer.hasRemaining()) {
                throw new IllegalArgumentException(
                        "trailing bytes after MeanAccumulator: " + buffer.remaining());
            }
            return acc;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated MeanAccumulator of " + bytes.length + " bytes", e);
        }
    }

    @Override
    public String toString() {
        return "MeanAccumulator{n=" + n + ", mean=" + mean() + ", sd=" + standardDeviation() + "}";
    }
}
