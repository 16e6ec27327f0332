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

    /** A group of adjacent encoded strings longer than this is decoded field by field. */
    static final int MAX_GROUP_LENGTH = 256;

    private final Entry[] slots;
    private final Group[] groups;
    private final int mask;

    /** @param size number of slots, a power of two */
    StringTable(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two: " + size);
        }
        this.slots = new Entry[size];
        this.groups = new Group[size];
        this.mask = size - 1;
    }

    /**
     * The strings a run of encoded bytes decoded to before, when the same run was {@link #putGroup put}: fields that
     * repeat together (a service, its release and revision) cost one lookup and one comparison instead of one each.
     *
     * @return the values put with exactly these bytes, or {@code null}
     */
    String[] group(byte[] data, int offset, int length) {
        if (length > MAX_GROUP_LENGTH) {
            return null;
        }
        int h = hash(data, offset, length);
        Group g = groups[h & mask];
        return g != null && g.hash == h && g.matches(data, offset, length) ? g.values : null;
    }

    /** Remembers that {@code data[offset, offset + length)} decodes to {@code values} (not copied: never mutate it). */
    void putGroup(byte[] data, int offset, int length, String[] values) {
        if (length > MAX_GROUP_LENGTH) {
            return;
        }
        int h = hash(data, offset, length);
        groups[h & mask] = new Group(h, Arrays.copyOfRange(data, offset, offset + length), values);
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
     * Hashes the length and every byte, eight at a time (the last word overlaps the one before it when the length is
     * not a multiple of eight). Every byte counts: names that share a prefix and a suffix ({@code svc-12-canary-00042},
     * {@code svc-13-canary-00042}) and groups of them are common, and hashing only both ends put them all in one slot.
     */
    private static int hash(byte[] data, int offset, int length) {
        long h = length;
        if (length >= Long.BYTES) {
            int last = offset + length - Long.BYTES;
            for (int i = offset; i < last; i += Long.BYTES) {
                h = Long.rotateLeft((h ^ (long) LONGS.get(data, i)) * 0x9E3779B97F4A7C15L, 31);
            }
            h = (h ^ (long) LONGS.get(data, last)) * 0x9E3779B97F4A7C15L;
        } else {
            long w = 0;
            for (int i = offset, end = offset + length; i < end; i++) {
                w = (w << 8) | (data[i] & 0xff);
            }
            h = (h ^ w) * 0x9E3779B97F4A7C15L;
        }
        h *= 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 29) ^ (h >>> 43));
    }

    private static final class Group {
        final int hash;
        final byte[] bytes;
        final String[] values;

        Group(int hash, byte[] bytes, String[] values) {
            this.hash = hash;
            this.bytes = bytes;
            this.values = values;
        }

        boolean matches(byte[] data, int offset, int length) {
            return bytes.length == length && Arrays.equals(bytes, 0, length, data, offset, offset + length);
        }
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
