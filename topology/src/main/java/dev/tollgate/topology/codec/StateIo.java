package dev.tollgate.topology.codec;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Building blocks of the compact state format: zig-zag var-ints, nullable strings, small maps, and tagged,
 * length-prefixed sections.
 *
 * <p>A section is {@code tag, version, length, body}. Readers dispatch on the tag and the version, so one part
 * of a state can change its layout (a new version with its own reader) without touching the others, and a
 * reader skips the sections of tags it does not know.
 */
public final class StateIo {
    private StateIo() {}

    /** Writes the body of one section. */
    @FunctionalInterface
    public interface SectionWriter {
        void write(DataOutput out) throws IOException;
    }

    /** Reads the body of one section of a known tag. */
    @FunctionalInterface
    public interface SectionReader {
        /**
         * @param tag     the section's tag
         * @param version the layout version the writer used
         * @param body    the section's bytes (exactly its length)
         */
        void read(int tag, int version, DataInput body) throws IOException;
    }

    /** Writes one section: tag, version, length and the body written by {@code body}. */
    public static void writeSection(DataOutput out, int tag, int version, SectionWriter body) throws IOException {
        SectionBuffers buffers = SECTION_BUFFERS.get();
        SectionBuffers.Level level = buffers.enter();
        try {
            body.write(level.data);
            level.data.flush();
            writeInt(out, tag);
            writeInt(out, version);
            writeInt(out, level.bytes.size());
            out.write(level.bytes.array(), 0, level.bytes.size());
        } finally {
            buffers.leave(level);
        }
    }

    /** A section's body is buffered to learn its length; the buffers are reused, one per nesting level and thread. */
    private static final ThreadLocal<SectionBuffers> SECTION_BUFFERS = ThreadLocal.withInitial(SectionBuffers::new);

    private static final class SectionBuffers {
        /** A buffer that grew past this (a huge state) is not kept. */
        private static final int MAX_RETAINED = 1 << 20;

        private final java.util.ArrayList<Level> levels = new java.util.ArrayList<>();
        private int depth;

        Level enter() {
            if (depth == levels.size()) {
                levels.add(new Level());
            }
            Level level = levels.get(depth++);
            level.bytes.reset();
            return level;
        }

        void leave(Level level) {
            depth--;
            if (level.bytes.array().length > MAX_RETAINED) {
                levels.set(depth, new Level());
            }
        }

        private static final class Level {
            final ByteBufferOutput bytes = new ByteBufferOutput(256);
            final DataOutputStream data = new DataOutputStream(bytes);
        }
    }

    /**
     * Reads {@code count} sections, handing each known tag's body to {@code reader}; the bodies of tags for
     * which {@code known} is false are skipped. A reader that leaves bytes of its section unread fails: it does
     * not match the layout it claims to read.
     */
    public static void readSections(
            DataInput in, int count, java.util.function.IntPredicate known, SectionReader reader) throws IOException {
        for (int i = 0; i < count; i++) {
            int tag = readInt(in);
            int version = readInt(in);
            int length = readInt(in);
            if (length < 0) {
                throw new IOException("negative section length " + length + " (tag " + tag + ")");
            }
            byte[] body = new byte[length];
            in.readFully(body);
            if (!known.test(tag)) {
                continue;
            }
            ByteArrayInput bytes = new ByteArrayInput(body);
            reader.read(tag, version, new DataInputStream(bytes));
            if (bytes.available() != 0) {
                throw new IOException("section tag " + tag + " version " + version + " has " + bytes.available()
                        + " unread bytes of " + length);
            }
        }
    }

    /** Writes a zig-zag var-long. */
    public static void writeLong(DataOutput out, long v) throws IOException {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.writeByte((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.writeByte((int) z);
    }

    /** Reads a zig-zag var-long. */
    public static long readLong(DataInput in) throws IOException {
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

    /** Writes a zig-zag var-int. */
    public static void writeInt(DataOutput out, int v) throws IOException {
        writeLong(out, v);
    }

    /** Reads a zig-zag var-int. */
    public static int readInt(DataInput in) throws IOException {
        return (int) readLong(in);
    }

    /** Writes a nullable string. */
    public static void writeString(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    /** Reads a nullable string. */
    public static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** Writes a string → count map (var-int size, then entries in the map's order). */
    public static void writeLongMap(DataOutput out, Map<String, Long> m) throws IOException {
        writeInt(out, m.size());
        for (Map.Entry<String, Long> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            writeLong(out, e.getValue());
        }
    }

    /** Reads entries written by {@link #writeLongMap} into {@code m}. */
    public static void readLongMap(DataInput in, Map<String, Long> m) throws IOException {
        int n = readInt(in);
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), readLong(in));
        }
    }
}
