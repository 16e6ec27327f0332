package dev.tollgate.topology.math;

/** Test helper: the binary form of a {@link LinearTrend} as a byte array, both ways. */
public final class LinearTrendBytes {
    private LinearTrendBytes() {}

    /** The binary form as an array (writeTo into memory). */
    public static byte[] toBytes(LinearTrend t) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            t.writeTo(new java.io.DataOutputStream(out));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads a whole array with readFrom; truncated, trailing or invalid bytes are an IllegalArgumentException. */
    public static LinearTrend fromBytes(byte[] bytes) {
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
        try {
            LinearTrend t = LinearTrend.readFrom(new java.io.DataInputStream(in));
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after LinearTrend: " + in.available());
            }
            return t;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
