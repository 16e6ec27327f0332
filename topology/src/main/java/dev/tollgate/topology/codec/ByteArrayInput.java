package dev.tollgate.topology.codec;

import java.io.InputStream;

/**
 * An input stream over a byte array without the per-byte locking of {@link java.io.ByteArrayInputStream}
 * (see {@link ByteBufferOutput}). Single-threaded by design.
 */
public final class ByteArrayInput extends InputStream {
    private final byte[] buf;
    private int pos;

    /** Reads {@code buf} from its start. */
    public ByteArrayInput(byte[] buf) {
        this.buf = buf;
    }

    @Override
    public int read() {
        return pos < buf.length ? buf[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pos >= buf.length) {
            return -1;
        }
        int n = Math.min(len, buf.length - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return buf.length - pos;
    }
}
