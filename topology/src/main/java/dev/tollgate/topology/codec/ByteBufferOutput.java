package dev.tollgate.topology.codec;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array output stream without the per-byte locking of {@link java.io.ByteArrayOutputStream}:
 * the state formats write thousands of single bytes (var-int sketch buckets) per value, and an uncontended
 * monitor per byte was most of their cost. Single-threaded by design.
 */
public final class ByteBufferOutput extends OutputStream {
    private byte[] buf;
    private int size;

    /** A buffer with the given initial capacity. */
    public ByteBufferOutput(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length << 1));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** Forgets what was written, keeping the capacity for reuse. */
    public void reset() {
        size = 0;
    }

    /** The bytes written so far, as a new array. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** The backing array: valid bytes are {@code [0, size())}; it changes when the buffer grows. */
    public byte[] array() {
        return buf;
    }

    /** Number of bytes written so far. */
    public int size() {
        return size;
    }
}
