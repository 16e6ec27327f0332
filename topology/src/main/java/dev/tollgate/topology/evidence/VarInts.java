package dev.tollgate.topology.evidence;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Zig-zag variable-length integers for the compact state format. */
final class VarInts {
    private VarInts() {
    }

    static void writeLong(DataOutput out, long v) throws IOException {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.writeByte((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.writeByte((int) z);
    }

    static long readLong(DataInput in) throws IOException {
        long z = 0;
        int shift = 0;
        while (true) {
            int b = in.readUnsignedByte();
            z |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new IOException("malformed var-long");
            }
        }
        return (z >>> 1) ^ -(z & 1);
    }

    static void writeInt(DataOutput out, int v) throws IOException {
        writeLong(out, v);
    }

    static int readInt(DataInput in) throws IOException {
        return (int) readLong(in);
    }
}
