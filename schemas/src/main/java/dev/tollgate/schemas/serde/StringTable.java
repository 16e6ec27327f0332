package dev.tollgate.schemas.serde;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small cache from UTF-8 bytes to the {@link String} they decode to, for values that repeat from record to record
 * (service names, revisions, methods, routes): a hit returns the same immutable {@code String} without decoding or
 * allocating, and its hash code is already computed for the map lookups that follow.
 *
 * <p>Direct-mapped and lock-free: a slot holds an immutable entry, a miss overwrites it. Threads may race on a
 * slot; each sees either entry whole (final fields), so a race costs at most a miss. Values longer than {@link
 * #MAX_CACHED_LENGTH} bytes are decoded without caching.
 */
final class StringTable {
    /** Longer values (request ids, free text) are rarely repeated; decoding them is cheaper than hashing. */
    static final int MAX_CACHED_LENGTH = 64;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Entry[] slots;
    private final int mask;

    /** @param size number of slots, a power of two */
    StringTable(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two: " + size);
        }
        this.slots = new Entry[size];
        this.mask = size - 1;
    }

    /** The string of {@code data[offset, offset + length)}, from the table when it is there. */
    String get(byte[] data, int offset, int length) {
        if (length == 0) {
            return "";
        }
        if (length > MAX_CACHED_LENGTH) {
            return new String(data, offset, length, StandardCharsets.UTF_8);
        }
        int h = hash(data, offset, length);
        int slot = h & mask;
        Entry e = slots[slot];
        if (e != null && e.hash == h && e.matches(data, offset, length)) {
            return e.value;
        }
        String s = new String(data, offset, length, StandardCharsets.UTF_8);
        slots[slot] = new Entry(h, Arrays.copyOfRange(data, offset, offset + length), s);
        return s;
    }

    /**
     * Hashes the length and at most the first and the last eight bytes: two loads instead of a loop over every byte.
     * Values that differ only in the middle of a long run share a slot and are told apart by the byte comparison.
     */
    private static int hash(byte[] data, int offset, int length) {
        long h;
        if (length >= Long.BYTES) {
            h = (long) LONGS.get(data, offset) * 0x9E3779B97F4A7C15L
                    ^ (long) LONGS.get(data, offset + length - Long.BYTES);
        } else {
            h = 0;
            for (int i = offset, end = offset + length; i < end; i++) {
                h = (h << 8) | (data[i] & 0xff);
            }
        }
        h = (h ^ length) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 29) ^ (h >>> 43));
    }

    private static final class Entry {
        final int hash;
        final byte[] bytes;
        final String value;

        Entry(int hash, byte[] bytes, String value) {
            this.hash = hash;
            this.bytes = bytes;
            this.value = value;
        }

        boolean matches(byte[] data, int offset, int length) {
            return bytes.length == length && Arrays.equals(bytes, 0, length, data, offset, offset + length);
        }
    }
}
