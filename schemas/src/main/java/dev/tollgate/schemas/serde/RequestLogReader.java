package dev.tollgate.schemas.serde;

import dev.tollgate.schemas.avro.RequestLog;
import dev.tollgate.schemas.avro.StreamOutcome;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;

/**
 * Reads the Avro binary body of a {@link RequestLog} written with the reader's own schema, straight from the bytes
 * into the generated class: no resolving decoder, no per-field reflection, and repeated strings (service, release,
 * revision, method, route, pins) from a {@link StringTable} instead of a new {@code String} each time. Request logs
 * are most of Tollgate's input; this is the hot path of its source.
 *
 * <p>It is written for one field layout, {@link #LAYOUT}, and checks at class load that the compiled {@code
 * RequestLog} schema still has it: after a schema change {@link #ENABLED} is false and every payload goes the
 * generic way (the unit test fails until this reader follows the change). Anything unexpected in a payload (a
 * bad union index, a length past the end, bytes left over) makes {@link #read} return {@code null}, and the caller
 * decodes the payload generically, which throws the precise error.
 */
final class RequestLogReader {
    /** The field layout this reader reads: name and Avro type, {@code ?string} for a union of null and string. */
    static final List<String> LAYOUT = List.of(
            "service:string",
            "releaseId:string",
            "revision:string",
            "timestamp:long",
            "status:int",
            "latencyMs:double",
            "coldStart:boolean",
            "method:string",
            "route:?string",
            "requestId:?string",
            "pinnedRelease:?string",
            "streamOutcome:enum dev.tollgate.schemas.avro.StreamOutcome(NONE,COMPLETED,CUT)",
            "idempotencyKey:?string",
            "dedupeHit:boolean",
            "schemaRev:?string",
            "indexHash:?string",
            "modelTag:?string");

    /** Whether the compiled {@code RequestLog} schema has {@link #LAYOUT}. */
    static final boolean ENABLED = LAYOUT.equals(layoutOf(RequestLog.getClassSchema()));

    private static final StreamOutcome[] OUTCOMES = StreamOutcome.values();

    private final StringTable strings;
    private final byte[] d;
    private int pos;
    private final int end;
    private boolean bad;

    private RequestLogReader(byte[] data, int offset, int end, StringTable strings) {
        this.d = data;
        this.pos = offset;
        this.end = end;
        this.strings = strings;
    }

    /**
     * Reads one body.
     *
     * @param data the payload
     * @param offset where the Avro body starts (after the Confluent header)
     * @param end where the payload ends
     * @param strings the cache for repeated strings
     * @return the record, or {@code null} if the bytes are not exactly one valid body (decode generically then)
     */
    static RequestLog read(byte[] data, int offset, int end, StringTable strings) {
        return new RequestLogReader(data, offset, end, strings).read();
    }

    private RequestLog read() {
        RequestLog r = new RequestLog();
        // service, release and revision are adjacent and repeat together: one lookup for the three
        String[] who = identity();
        if (who == null) {
            return null;
        }
        r.setService(who[0]);
        r.setReleaseId(who[1]);
        r.setRevision(who[2]);
        r.setTimestamp(readLong());
        r.setStatus(readInt());
        r.setLatencyMs(readDouble());
        r.setColdStart(readBoolean());
        // and so are method and route
        String[] what = methodAndRoute();
        if (what == null) {
            return null;
        }
        r.setMethod(what[0]);
        r.setRoute(what[1]);
        r.setRequestId(unionIndex() == 1 ? uncached() : null);
        r.setPinnedRelease(unionIndex() == 1 ? cached() : null);
        int outcome = readInt();
        r.setStreamOutcome(outcome >= 0 && outcome < OUTCOMES.length ? OUTCOMES[outcome] : fail(null));
        r.setIdempotencyKey(unionIndex() == 1 ? uncached() : null);
        r.setDedupeHit(readBoolean());
        r.setSchemaRev(unionIndex() == 1 ? cached() : null);
        r.setIndexHash(unionIndex() == 1 ? cached() : null);
        r.setModelTag(unionIndex() == 1 ? cached() : null);
        return bad || pos != end ? null : r;
    }

    /** Service, release id and revision, from the group cache when these bytes were seen; null if malformed. */
    private String[] identity() {
        int start = pos;
        int o1 = skipString();
        int o2 = skipString();
        int o3 = skipString();
        if (bad) {
            return null;
        }
        String[] values = strings.group(d, start, pos - start);
        if (values == null) {
            values = new String[] {stringAt(o1, o2), stringAt(o2, o3), stringAt(o3, pos)};
            strings.putGroup(d, start, pos - start, values);
        }
        return values;
    }

    /** Method and route (null when absent), from the group cache when these bytes were seen; null if malformed. */
    private String[] methodAndRoute() {
        int start = pos;
        int methodAt = skipString();
        int methodEnd = pos;
        int routeAt = unionIndex() == 1 ? skipString() : -1;
        if (bad) {
            return null;
        }
        String[] values = strings.group(d, start, pos - start);
        if (values == null) {
            values = new String[] {stringAt(methodAt, methodEnd), routeAt < 0 ? null : stringAt(routeAt, pos)};
            strings.putGroup(d, start, pos - start, values);
        }
        return values;
    }

    /** Skips a length-prefixed string; returns where its length starts (see {@link #stringAt}), or -1 if malformed. */
    private int skipString() {
        int at = pos;
        int len = stringLength();
        if (len < 0) {
            return -1;
        }
        pos += len;
        return at;
    }

    /** The string whose length prefix starts at {@code at} and whose bytes end at {@code end} (read before). */
    private String stringAt(int at, int end) {
        int p = at;
        while (d[p] < 0) {
            p++; // the varint's continuation bytes; the reader checked the length when it skipped the string
        }
        p++;
        return strings.get(d, p, end - p);
    }

    private <T> T fail(T value) {
        bad = true;
        return value;
    }

    private int unionIndex() {
        int i = readInt();
        if (i != 0 && i != 1) {
            bad = true;
        }
        return i;
    }

    private String cached() {
        int len = stringLength();
        if (len < 0) {
            return "";
        }
        String s = strings.get(d, pos, len);
        pos += len;
        return s;
    }

    private String uncached() {
        int len = stringLength();
        if (len < 0) {
            return "";
        }
        String s = new String(d, pos, len, java.nio.charset.StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** The length of the string at {@link #pos}, or -1 (and {@link #bad}) if it does not fit or exceeds Avro's limit. */
    private int stringLength() {
        long len = readLong();
        if (bad || len < 0 || len > end - pos) {
            bad = true;
            return -1;
        }
        try {
            // the limit Avro applies (org.apache.avro.limits.string.maxLength): the generic path reports it
            SystemLimitException.checkMaxStringLength(len);
        } catch (SystemLimitException e) {
            bad = true;
            return -1;
        }
        return (int) len;
    }

    private boolean readBoolean() {
        if (pos >= end) {
            bad = true;
            return false;
        }
        int b = d[pos++];
        if (b != 0 && b != 1) {
            bad = true;
        }
        return b == 1;
    }

    /**
     * Zig-zag varint of at most 5 bytes, exactly as Avro's {@code BinaryDecoder.readInt}: a fifth byte with the
     * continuation bit is invalid, and bits beyond 32 of a fifth byte are dropped.
     */
    private int readInt() {
        int n = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= end) {
                bad = true;
                return 0;
            }
            int b = d[pos++];
            n |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (n >>> 1) ^ -(n & 1);
            }
        }
        bad = true;
        return 0;
    }

    /** Zig-zag varint, at most 10 bytes. */
    private long readLong() {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                bad = true;
                return 0;
            }
            int b = d[pos++];
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        bad = true;
        return 0;
    }

    private double readDouble() {
        if (end - pos < 8) {
            bad = true;
            pos = end;
            return 0;
        }
        long bits = (d[pos] & 0xffL)
                | (d[pos + 1] & 0xffL) << 8
                | (d[pos + 2] & 0xffL) << 16
                | (d[pos + 3] & 0xffL) << 24
                | (d[pos + 4] & 0xffL) << 32
                | (d[pos + 5] & 0xffL) << 40
                | (d[pos + 6] & 0xffL) << 48
                | (d[pos + 7] & 0xffL) << 56;
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    /** The layout of a record schema in {@link #LAYOUT}'s notation. */
    static List<String> layoutOf(Schema record) {
        return record.getFields().stream()
                .map(f -> f.name() + ":" + typeOf(f.schema()))
                .toList();
    }

    private static String typeOf(Schema s) {
        return switch (s.getType()) {
            case UNION ->
                s.getTypes().size() == 2
                                && s.getTypes().get(0).getType() == Schema.Type.NULL
                                && s.getTypes().get(1).getType() == Schema.Type.STRING
                        ? "?string"
                        : s.toString();
            case ENUM -> "enum " + s.getFullName() + "(" + String.join(",", s.getEnumSymbols()) + ")";
            default -> s.getType().getName();
        };
    }
}
