package dev.tollgate.schemas.serde;

import java.io.ByteArrayOutputStream;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;

/**
 * The Confluent wire format, {@code [0x00][schema id: 4 bytes big-endian][Avro binary]}, and the per-thread
 * scratch objects the serializer and deserializer reuse so that a record costs one output array and the
 * decoded record, nothing else.
 */
final class WireFormat {

    /** First byte of every payload. */
    static final byte MAGIC_BYTE = 0x0;
    /** Magic byte plus schema id. */
    static final int HEADER_SIZE = 5;

    /** A buffer that outgrew this is dropped after use, so one huge record does not pin memory. */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private WireFormat() {}

    /** Returns this thread's scratch objects. Not reentrant: callers must not nest uses. */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    /** Reads the big-endian schema id that follows the magic byte. */
    static int readId(byte[] data, int offset) {
        return ((data[offset + 1] & 0xff) << 24)
                | ((data[offset + 2] & 0xff) << 16)
                | ((data[offset + 3] & 0xff) << 8)
                | (data[offset + 4] & 0xff);
    }

    /** Per-thread reusable encoder, decoder and output buffer. */
    static final class Scratch {
        final Buffer out = new Buffer();
        BinaryEncoder encoder;
        BinaryDecoder decoder;

        /** Resets the buffer and writes the header. */
        Buffer begin(int schemaId) {
            out.header(schemaId);
            return out;
        }

        /** Copies the payload out and releases an oversized buffer. */
        byte[] finish() {
            byte[] payload = out.toByteArray();
            out.shrink();
            return payload;
        }
    }

    /** A byte array output stream that can drop an oversized array. */
    static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(256);
        }

        /** Starts over with the 5-byte header (the array always holds at least 256 bytes). */
        void header(int schemaId) {
            buf[0] = MAGIC_BYTE;
            buf[1] = (byte) (schemaId >>> 24);
            buf[2] = (byte) (schemaId >>> 16);
            buf[3] = (byte) (schemaId >>> 8);
            buf[4] = (byte) schemaId;
            count = HEADER_SIZE;
        }

        void shrink() {
            if (buf.length > MAX_RETAINED_BUFFER) {
                buf = new byte[256];
            }
            count = 0;
        }
    }
}
